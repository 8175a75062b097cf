import { filterByClasses, heldOutSplit, zeroShotSplit, type ImageDataset } from "../../data";
import { confusionMatrix, type ConfidenceInterval } from "../../metrics";
import type { EpochRecord } from "../history";
import type { Nb01Config } from "./experiment";
import { trainTargetModel, type TargetModel } from "./model";
import { argmaxClasses, classScores, imageFeatures } from "./predict";
import type { LabelSource } from "./sources";
import { targetMatrix } from "./targets";
import { accuracyCI, fitFeatureHead, zeroShotReport, type ZeroShotReport } from "./zero-shot";

/** The images of a zero-shot experiment. */
export interface ZeroShotData {
  seen: number[];
  unseen: number[];
  /** Seen-class images of the train split (what the CNN trains on). */
  trainSeen: ImageDataset;
  /** Unseen-class images of train + test pooled (the original's zero-shot evaluation set). */
  unseenImages: ImageDataset;
  /** The whole test split (generalized accuracy over all classes). */
  test: ImageDataset;
}

/** Hold out every `every`-th class: train on the seen classes of `train`; evaluate unseen images pooled from train + test. */
export function zeroShotData(train: ImageDataset, test: ImageDataset, every: number): ZeroShotData {
  const { seen, unseen } = heldOutSplit(train.classNames.length, every);
  return { seen, unseen, trainSeen: filterByClasses(train, seen), unseenImages: zeroShotSplit(train, test, every).unseen, test };
}

/** Zero-shot numbers for one way of scoring images (an end-to-end CNN or a probe on its features). */
export interface ZeroShotResult {
  source: string;
  unseen: ZeroShotReport;
  /** Nearest label over ALL classes, on the whole test split. */
  generalized: ConfidenceInterval;
  /** Test images of unseen classes classified correctly in the all-class (generalized) setting. */
  generalizedUnseen: number;
  /** Test images of seen classes, among seen classes only. */
  seenOnly: ConfidenceInterval;
  /** All-class confusion on the test split, confusion[true][pred]. */
  confusion: number[][];
}

function summarize(source: string, d: ZeroShotData, unseenScores: Float32Array[], testScores: Float32Array[], seed: number): ZeroShotResult {
  const predAll = argmaxClasses(testScores);
  const seenSet = new Set(d.seen);
  const seenIdx: number[] = [];
  const unseenIdx: number[] = [];
  for (let i = 0; i < d.test.n; i++) (seenSet.has(d.test.labels[i]) ? seenIdx : unseenIdx).push(i);
  const seenPred = seenIdx.map((i) => {
    let b = d.seen[0];
    for (const c of d.seen) if (testScores[i][c] > testScores[i][b]) b = c;
    return b;
  });
  const genUnseenHits = unseenIdx.filter((i) => predAll[i] === d.test.labels[i]).length;
  return {
    source,
    unseen: zeroShotReport(unseenScores, d.unseenImages.labels, d.unseen, { seed }),
    generalized: accuracyCI(predAll, d.test.labels, { seed }),
    generalizedUnseen: unseenIdx.length ? genUnseenHits / unseenIdx.length : 0,
    seenOnly: accuracyCI(seenPred, seenIdx.map((i) => d.test.labels[i]), { seed }),
    confusion: confusionMatrix(predAll, d.test.labels, d.test.classNames.length),
  };
}

/**
 * The original's best zero-shot setup, end to end: a CNN + learned projection trained with emb_ce on the
 * seen classes toward `source`'s targets (centred on the SEEN classes' mean when cfg.center is "seen"),
 * then every image classified by its nearest label target.
 */
export async function zeroShotEndToEnd(cfg: Nb01Config, d: ZeroShotData, source: LabelSource): Promise<{ result: ZeroShotResult; model: TargetModel; history: EpochRecord[]; trainSeconds: number; targets: Float32Array[] }> {
  const targets = targetMatrix(source.vectors, { center: cfg.center, seen: d.seen });
  const { model, history, seconds } = await trainTargetModel({
    kind: "emb_ce", arch: cfg.arch, train: d.trainSeen, classes: d.seen, targets, epochs: cfg.zeroShotEpochs, batchSize: cfg.batchSize,
    schedule: cfg.schedule, peakLr: cfg.peakLr, warmup: cfg.warmup, augment: cfg.augment, temperature: cfg.temperature, seed: cfg.seed + 100,
    label: `zero-shot emb_ce:${source.id}`, maxStepsPerEpoch: cfg.maxStepsPerEpoch || undefined,
  });
  const result = summarize(source.id, d, await classScores(model, d.unseenImages, targets), await classScores(model, d.test, targets), cfg.seed);
  return { result, model, history, trainSeconds: seconds, targets };
}

/** Frozen CNN features of the three image sets (computed once, reused by every probe). */
export interface ZeroShotFeatures {
  trainSeen: Float32Array[];
  unseenImages: Float32Array[];
  test: Float32Array[];
}

export async function zeroShotFeatures(model: TargetModel, d: ZeroShotData): Promise<ZeroShotFeatures> {
  return { trainSeen: await imageFeatures(model, d.trainSeen), unseenImages: await imageFeatures(model, d.unseenImages), test: await imageFeatures(model, d.test) };
}

function seenPositions(d: ZeroShotData): Int32Array {
  const pos = new Map(d.seen.map((c, i) => [c, i]));
  return Int32Array.from(d.trainSeen.labels, (l) => pos.get(l)!);
}

/**
 * Compare label sources cheaply: for each, a fresh linear projection trained with emb_ce on the frozen
 * features of the seen training images (CNN untouched), then the same zero-shot evaluation.
 */
export async function zeroShotProbes(cfg: Nb01Config, d: ZeroShotData, f: ZeroShotFeatures, sources: readonly LabelSource[], epochs = 10): Promise<ZeroShotResult[]> {
  const y = seenPositions(d);
  const out: ZeroShotResult[] = [];
  for (const s of sources) {
    const targets = targetMatrix(s.vectors, { center: cfg.center, seen: d.seen });
    const head = await fitFeatureHead(f.trainSeen, y, d.seen.map((c) => targets[c]), { kind: "emb_ce", epochs, temperature: cfg.temperature, seed: cfg.seed });
    try {
      out.push(summarize(s.id, d, head.scores(f.unseenImages, targets), head.scores(f.test, targets), cfg.seed));
    } finally {
      head.dispose();
    }
  }
  return out;
}

/**
 * What a one-hot classifier does with unseen images: a linear softmax over the seen classes on the same
 * frozen features. Returns, per unseen class, how its images spread over the seen classes (it can never
 * name an unseen class), and the seen-only test accuracy.
 */
export async function oneHotOnUnseen(cfg: Nb01Config, d: ZeroShotData, f: ZeroShotFeatures, epochs = 10): Promise<{ unseenAccuracy: number; spread: { unseenClass: number; predicted: number; fraction: number }[]; seenOnly: ConfidenceInterval }> {
  const head = await fitFeatureHead(f.trainSeen, seenPositions(d), undefined, { kind: "onehot", epochs, seed: cfg.seed });
  try {
    const pred = argmaxClasses(head.scores(f.unseenImages), d.seen);
    const spread: { unseenClass: number; predicted: number; fraction: number }[] = [];
    for (const u of d.unseen) {
      const idx = [...d.unseenImages.labels.keys()].filter((i) => d.unseenImages.labels[i] === u);
      for (const c of d.seen) spread.push({ unseenClass: u, predicted: c, fraction: idx.filter((i) => pred[i] === c).length / Math.max(1, idx.length) });
    }
    const unseenAccuracy = [...pred.keys()].filter((i) => pred[i] === d.unseenImages.labels[i]).length / pred.length;
    const seenSet = new Set(d.seen);
    const ti = [...d.test.labels.keys()].filter((i) => seenSet.has(d.test.labels[i]));
    const tp = argmaxClasses(head.scores(ti.map((i) => f.test[i])), d.seen);
    return { unseenAccuracy, spread, seenOnly: accuracyCI(tp, ti.map((i) => d.test.labels[i]), { seed: cfg.seed }) };
  } finally {
    head.dispose();
  }
}
