/**
 * Generalized zero-shot (GZSL) for notebook 01: every test image scored among ALL classes, summarised the
 * standard way (seen accuracy, unseen accuracy, their harmonic mean), with and without calibrated stacking
 * (Chao et al. 2016: a constant γ subtracted from every seen class's score before the argmax). γ is chosen
 * on the seen classes' training images only: a subset of the seen classes plays "unseen" (pseudo-unseen),
 * a fresh emb_ce projection is fitted on the frozen CNN features of the other seen classes (pseudo-seen),
 * and γ maximises the harmonic mean on held-out images of all seen classes.
 */
import { EmbedlabError, Rng } from "../../core";
import { heldOutSplit } from "../../data";
import type { LabelSource } from "./sources";
import { targetMatrix, type Centering } from "./targets";
import { fitFeatureHead } from "./zero-shot";
import type { Config } from "./config";
import type { ZeroShotData, ZeroShotEndToEnd } from "./zero-shot-experiment";

/** Seen accuracy, unseen accuracy and their harmonic mean (each accuracy the mean of its classes' accuracies). */
export interface GzslScores {
  seen: number;
  unseen: number;
  h: number;
}

/** 2ab / (a + b), 0 when both are 0. */
export function harmonicMean(a: number, b: number): number {
  return a + b > 0 ? (2 * a * b) / (a + b) : 0;
}

/** Argmax over all columns of `scores[i]` after subtracting `gamma` from the columns in `seen`; ties go to the lower index. */
export function calibratedPredictions(
  scores: readonly Float32Array[],
  seen: readonly number[],
  gamma: number,
  columns?: readonly number[],
): number[] {
  const isSeen = new Set(seen);
  return scores.map((row) => {
    const cols = columns ?? [...row.keys()];
    let best = cols[0],
      bestV = -Infinity;
    for (const c of cols) {
      const v = row[c] - (isSeen.has(c) ? gamma : 0);
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    return best;
  });
}

/**
 * The GZSL summary of all-class predictions: mean per-class accuracy over the `seen` classes' images, the
 * same over the `unseen` classes' images, and their harmonic mean (classes without images are left out).
 */
export function gzslScores(
  pred: ArrayLike<number>,
  labels: ArrayLike<number>,
  seen: readonly number[],
  unseen: readonly number[],
): GzslScores {
  if (pred.length !== labels.length) throw new EmbedlabError(`${pred.length} predictions for ${labels.length} labels`);
  const hit = new Map<number, number>(),
    n = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    n.set(labels[i], (n.get(labels[i]) ?? 0) + 1);
    if (pred[i] === labels[i]) hit.set(labels[i], (hit.get(labels[i]) ?? 0) + 1);
  }
  const mean = (cls: readonly number[]) => {
    const present = cls.filter((c) => n.get(c));
    if (!present.length)
      throw new EmbedlabError(`gzslScores: no images of classes ${cls.join(", ")}`, "pass images of every group");
    return present.reduce((s, c) => s + (hit.get(c) ?? 0) / n.get(c)!, 0) / present.length;
  };
  const s = mean(seen),
    u = mean(unseen);
  return { seen: s, unseen: u, h: harmonicMean(s, u) };
}

/** The γ grid searched: 0, step, 2·step, … up to `max` (cosine scores differ by at most 2). */
export function gammaGrid(max = 1, step = 0.005): number[] {
  const out: number[] = [];
  for (let k = 0; k * step <= max + 1e-12; k++) out.push(Math.round(k * step * 1e6) / 1e6);
  return out;
}

/** The γ of `grid` with the largest harmonic mean on `scores` (the smallest such γ), and the whole curve. */
export function pickGamma(
  scores: readonly Float32Array[],
  labels: ArrayLike<number>,
  seen: readonly number[],
  unseen: readonly number[],
  grid: readonly number[] = gammaGrid(),
): { gamma: number; at: GzslScores; curve: { gamma: number; h: number }[] } {
  const columns = [...seen, ...unseen].sort((a, b) => a - b);
  let best: { gamma: number; at: GzslScores } | undefined;
  const curve: { gamma: number; h: number }[] = [];
  for (const g of grid) {
    const at = gzslScores(calibratedPredictions(scores, seen, g, columns), labels, seen, unseen);
    curve.push({ gamma: g, h: at.h });
    if (!best || at.h > best.at.h) best = { gamma: g, at };
  }
  if (!best) throw new EmbedlabError("pickGamma: empty γ grid");
  return { ...best, curve };
}

/** The held-out simulation γ was chosen on. */
export interface GammaSelection {
  /** Seen classes that played "unseen" (dataset class indices). */
  pseudoUnseen: number[];
  /** Seen classes the simulation's projection was fitted on. */
  pseudoSeen: number[];
  /** Seen-class training images the projection was fitted on / γ was chosen on. */
  fitImages: number;
  validationImages: number;
  gamma: number;
  /** The simulation's GZSL summary on the validation images, without calibration and at the chosen γ. */
  uncalibrated: GzslScores;
  calibrated: GzslScores;
  curve: { gamma: number; h: number }[];
}

/** GZSL on the test split, with and without calibrated stacking, and how γ was chosen. */
export interface GzslReport {
  uncalibrated: GzslScores;
  calibrated: GzslScores;
  gamma: number;
  selection: GammaSelection;
}

export interface GammaSelectionOptions {
  /** Share of the seen-class training images held out for choosing γ (default 0.2). */
  validationFraction?: number;
  /** Pseudo-unseen rule: seen-class positions 0, every, 2·every, … (default: the notebook's heldOutEvery). */
  every: number;
  center: Centering;
  temperature: number;
  /** Epochs of the simulation's linear projection. */
  epochs: number;
  seed: number;
  grid?: readonly number[];
}

/**
 * Choose γ from the seen classes' training images only: hold out every `every`-th seen class as pseudo-unseen
 * and `validationFraction` of the images; fit a fresh emb_ce projection on the frozen features of the other
 * images of the pseudo-seen classes toward their targets (centred on the pseudo-seen classes, as the real
 * run centres on the seen ones); score the held-out images of all seen classes among the seen classes;
 * keep the γ with the best harmonic mean. Nothing about the real unseen classes (images or label vectors) is used.
 */
export async function selectGamma(
  d: Pick<ZeroShotData, "seen" | "trainSeen">,
  trainFeatures: readonly Float32Array[],
  source: Pick<LabelSource, "vectors">,
  o: GammaSelectionOptions,
): Promise<GammaSelection> {
  if (trainFeatures.length !== d.trainSeen.n)
    throw new EmbedlabError(`selectGamma: ${trainFeatures.length} feature rows for ${d.trainSeen.n} images`);
  const split = heldOutSplit(d.seen.length, o.every);
  const pseudoUnseen = split.unseen.map((p) => d.seen[p]);
  const pseudoSeen = split.seen.map((p) => d.seen[p]);
  if (pseudoUnseen.length < 1 || pseudoSeen.length < 2)
    throw new EmbedlabError(
      `selectGamma: ${d.seen.length} seen classes leave ${pseudoSeen.length} pseudo-seen and ${pseudoUnseen.length} pseudo-unseen`,
      "calibration needs at least 2 pseudo-seen and 1 pseudo-unseen class among the seen classes",
    );
  const frac = o.validationFraction ?? 0.2;
  const order = new Rng(o.seed).permutation(d.trainSeen.n);
  const nVal = Math.round(frac * d.trainSeen.n);
  const val = order.slice(0, nVal).sort((a, b) => a - b);
  const isPseudoSeen = new Set(pseudoSeen);
  const fit = order
    .slice(nVal)
    .filter((i) => isPseudoSeen.has(d.trainSeen.labels[i]))
    .sort((a, b) => a - b);
  const pos = new Map(pseudoSeen.map((c, i) => [c, i]));
  const targets = targetMatrix(source.vectors, { center: o.center, seen: pseudoSeen });
  const head = await fitFeatureHead(
    fit.map((i) => trainFeatures[i]),
    Int32Array.from(fit, (i) => pos.get(d.trainSeen.labels[i])!),
    pseudoSeen.map((c) => targets[c]),
    { kind: "emb_ce", epochs: o.epochs, temperature: o.temperature, seed: o.seed },
  );
  let scores: Float32Array[];
  try {
    scores = head.scores(
      val.map((i) => trainFeatures[i]),
      targets,
    );
  } finally {
    head.dispose();
  }
  const labels = val.map((i) => d.trainSeen.labels[i]);
  const picked = pickGamma(scores, labels, pseudoSeen, pseudoUnseen, o.grid);
  const columns = [...d.seen].sort((a, b) => a - b);
  return {
    pseudoUnseen,
    pseudoSeen,
    fitImages: fit.length,
    validationImages: val.length,
    gamma: picked.gamma,
    uncalibrated: gzslScores(calibratedPredictions(scores, pseudoSeen, 0, columns), labels, pseudoSeen, pseudoUnseen),
    calibrated: picked.at,
    curve: picked.curve,
  };
}

/**
 * The test split's GZSL summary (all-class scores `testScores`, one row per test image) without calibration
 * and with the γ chosen by `selectGamma` on the seen classes' training images.
 */
export async function gzslReport(
  d: Pick<ZeroShotData, "seen" | "unseen" | "trainSeen" | "test">,
  trainFeatures: readonly Float32Array[],
  testScores: readonly Float32Array[],
  source: Pick<LabelSource, "vectors">,
  o: GammaSelectionOptions,
): Promise<GzslReport> {
  if (testScores.length !== d.test.n)
    throw new EmbedlabError(`gzslReport: ${testScores.length} score rows for ${d.test.n} test images`);
  const selection = await selectGamma(d, trainFeatures, source, o);
  const at = (g: number) => gzslScores(calibratedPredictions(testScores, d.seen, g), d.test.labels, d.seen, d.unseen);
  return { uncalibrated: at(0), calibrated: at(selection.gamma), gamma: selection.gamma, selection };
}

/**
 * The notebook's GZSL step: `gzslReport` for the end-to-end zero-shot CNN (its frozen features of the seen
 * training images, its all-class test scores, its label source), pseudo-unseen by the notebook's held-out
 * rule, the simulation's projection trained as the probes are (`epochs`).
 */
export function generalizedZeroShot(
  d: ZeroShotData,
  zs: Pick<ZeroShotEndToEnd, "features" | "testScores">,
  source: Pick<LabelSource, "vectors">,
  cfg: Pick<Config, "heldOutEvery" | "center" | "temperature" | "seed">,
  epochs: number,
): Promise<GzslReport> {
  return gzslReport(d, zs.features.trainSeen, zs.testScores, source, {
    every: cfg.heldOutEvery,
    center: cfg.center,
    temperature: cfg.temperature,
    epochs,
    seed: cfg.seed,
  });
}
