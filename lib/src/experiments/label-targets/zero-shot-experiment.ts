/** Section 3 of notebook 01: zero-shot on held-out classes (the end-to-end CNN, linear probes per label source, one-hot's answer). */
import { filterByClasses, heldOutSplit, zeroShotSplit, type ImageDataset } from "../../data";
import { accuracyCI, confusionMatrix, type ConfidenceInterval } from "../../metrics";
import { job, runParallel, type Job, type ParallelOptions } from "../../parallel";
import type { EpochRecord } from "../../train";
import type { Config } from "./config";
import { trainReadJob, type TrainReadArgs, type TrainReadResult } from "./jobs";
import { runCheckpointDir } from "./run-dirs";
import { argmaxClasses } from "./predict";
import type { LabelSource } from "./sources";
import { targetMatrix } from "./targets";
import { fitFeatureHead, zeroShotReport, type FeatureHeadOptions, type ZeroShotReport } from "./zero-shot";

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
  return {
    seen,
    unseen,
    trainSeen: filterByClasses(train, seen),
    unseenImages: zeroShotSplit(train, test, every).unseen,
    test,
  };
}

/** Zero-shot numbers for one way of scoring images (an end-to-end CNN or a probe on its features). */
export interface ZeroShotRun {
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

function summarize(
  source: string,
  d: ZeroShotData,
  unseenScores: Float32Array[],
  testScores: Float32Array[],
  seed: number,
): ZeroShotRun {
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
    seenOnly: accuracyCI(
      seenPred,
      seenIdx.map((i) => d.test.labels[i]),
      { seed },
    ),
    confusion: confusionMatrix(predAll, d.test.labels, d.test.classNames.length),
  };
}

/** The settings the end-to-end zero-shot CNN trains with. */
export type ZeroShotSettings = Pick<
  Config,
  | "arch"
  | "zeroShotEpochs"
  | "batchSize"
  | "schedule"
  | "peakLr"
  | "warmup"
  | "augment"
  | "temperature"
  | "seed"
  | "maxStepsPerEpoch"
  | "center"
>;

/** The end-to-end zero-shot run's result, with the trained CNN's frozen features for the probes. */
export interface ZeroShotEndToEnd {
  result: ZeroShotRun;
  history: EpochRecord[];
  trainSeconds: number;
  targets: Float32Array[];
  features: ZeroShotFeatures;
  /** All-class scores of every test image (the generalized setting; what calibrated stacking shifts). */
  testScores: Float32Array[];
}

/** The end-to-end zero-shot CNN as a parallel job (see zeroShotEndToEnd), and how to read its result. */
export function zeroShotJob(
  cfg: ZeroShotSettings,
  d: ZeroShotData,
  source: LabelSource,
  checkpoints?: string,
): { job: Job<TrainReadArgs, TrainReadResult>; assemble: (r: TrainReadResult) => ZeroShotEndToEnd } {
  const targets = targetMatrix(source.vectors, { center: cfg.center, seen: d.seen });
  const train: TrainReadArgs["train"] = {
    kind: "emb_ce",
    arch: cfg.arch,
    train: d.trainSeen,
    classes: d.seen,
    targets,
    epochs: cfg.zeroShotEpochs,
    batchSize: cfg.batchSize,
    schedule: cfg.schedule,
    peakLr: cfg.peakLr,
    warmup: cfg.warmup,
    augment: cfg.augment,
    temperature: cfg.temperature,
    seed: cfg.seed + 100,
    label: `zero-shot emb_ce:${source.id}`,
    maxStepsPerEpoch: cfg.maxStepsPerEpoch || undefined,
  };
  if (checkpoints) train.checkpointDir = runCheckpointDir(checkpoints, train);
  const job = trainReadJob({
    train,
    read: [
      { ds: d.trainSeen, features: true },
      { ds: d.unseenImages, features: true, scores: true, labelVectors: targets },
      { ds: d.test, features: true, scores: true, labelVectors: targets },
    ],
  });
  const assemble = (r: TrainReadResult): ZeroShotEndToEnd => ({
    result: summarize(source.id, d, r.read[1].scores!, r.read[2].scores!, cfg.seed),
    history: r.history,
    trainSeconds: r.seconds,
    targets,
    features: { trainSeen: r.read[0].features!, unseenImages: r.read[1].features!, test: r.read[2].features! },
    testScores: r.read[2].scores!,
  });
  return { job, assemble };
}

/**
 * The original's best zero-shot setup, end to end: a CNN + learned projection trained with emb_ce on the
 * seen classes toward `source`'s targets (centred on the SEEN classes' mean when cfg.center is "seen"),
 * then every image classified by its nearest label target. Also returns the CNN's frozen features of the
 * three image sets (for zeroShotProbes / oneHotOnUnseen).
 */
export async function zeroShotEndToEnd(
  cfg: ZeroShotSettings,
  d: ZeroShotData,
  source: LabelSource,
  opts: ParallelOptions = {},
): Promise<ZeroShotEndToEnd> {
  const z = zeroShotJob(cfg, d, source);
  return z.assemble((await runParallel([z.job], opts))[0]);
}

/** Frozen CNN features of the three image sets (computed once, reused by every probe). */
export interface ZeroShotFeatures {
  trainSeen: Float32Array[];
  unseenImages: Float32Array[];
  test: Float32Array[];
}

function seenPositions(d: ZeroShotData): Int32Array {
  const pos = new Map(d.seen.map((c, i) => [c, i]));
  return Int32Array.from(d.trainSeen.labels, (l) => pos.get(l)!);
}

/** One linear probe as a parallel job: fit a head on frozen features, then score other feature sets. */
export interface ProbeArgs {
  features: readonly Float32Array[];
  labels: Int32Array;
  /** emb_ce: the training classes' targets, in label-position order. */
  targets?: readonly Float32Array[];
  head: FeatureHeadOptions;
  score: readonly { features: readonly Float32Array[]; labelVectors?: readonly Float32Array[] }[];
}

export async function fitAndScoreProbe(a: ProbeArgs): Promise<Float32Array[][]> {
  const head = await fitFeatureHead(a.features, a.labels, a.targets, a.head);
  try {
    return a.score.map((s) => head.scores(s.features, s.labelVectors));
  } finally {
    head.dispose();
  }
}

/** A probe's settings: its epochs, and the centring, temperature and seed of the run (pass the config: `{ ...cfg, epochs }`). */
export type ProbeOptions = Pick<Config, "center" | "temperature" | "seed"> & { epochs?: number };

/**
 * Compare label sources cheaply: for each, a fresh linear projection trained with emb_ce on the frozen
 * features of the seen training images (CNN untouched), then the same zero-shot evaluation. The probes
 * run in parallel worker threads, widest label space first (its head costs the most).
 */
export async function zeroShotProbes(
  d: ZeroShotData,
  f: ZeroShotFeatures,
  sources: readonly LabelSource[],
  o: ProbeOptions,
  opts: ParallelOptions = {},
): Promise<ZeroShotRun[]> {
  const { epochs = 10, center, temperature, seed } = o;
  const y = seenPositions(d);
  const targets = sources.map((s) => targetMatrix(s.vectors, { center, seen: d.seen }));
  const jobs: Job<ProbeArgs, Float32Array[][]>[] = sources.map((s, i) =>
    job(__filename, "fitAndScoreProbe", fitAndScoreProbe, {
      features: f.trainSeen,
      labels: y,
      targets: d.seen.map((c) => targets[i][c]),
      head: { kind: "emb_ce", epochs, temperature, seed },
      score: [
        { features: f.unseenImages, labelVectors: targets[i] },
        { features: f.test, labelVectors: targets[i] },
      ],
    }),
  );
  const byCost = sources.map((_, i) => i).sort((a, b) => sources[b].dim - sources[a].dim || a - b);
  const done = await runParallel(
    byCost.map((i) => jobs[i]),
    opts,
  );
  const scores = new Array<Float32Array[][]>(sources.length);
  byCost.forEach((i, k) => (scores[i] = done[k]));
  return sources.map((s, i) => summarize(s.id, d, scores[i][0], scores[i][1], seed));
}

/** What a one-hot classifier does with the unseen images. */
export interface OneHotOnUnseen {
  /** Unseen images classified correctly (0 by construction: it has no output for an unseen class). */
  unseenAccuracy: number;
  /** Per unseen class and seen class: the fraction of the unseen class's images predicted as that seen class. */
  spread: { unseenClass: number; predicted: number; fraction: number }[];
  seenOnly: ConfidenceInterval;
}

/**
 * What a one-hot classifier does with unseen images: a linear softmax over the seen classes on the same
 * frozen features. Returns, per unseen class, how its images spread over the seen classes (it can never
 * name an unseen class), and the seen-only test accuracy.
 */
export async function oneHotOnUnseen(
  d: ZeroShotData,
  f: ZeroShotFeatures,
  o: { epochs?: number; seed: number },
): Promise<OneHotOnUnseen> {
  const { epochs = 10, seed } = o;
  const head = await fitFeatureHead(f.trainSeen, seenPositions(d), undefined, { kind: "onehot", epochs, seed });
  try {
    const pred = argmaxClasses(head.scores(f.unseenImages), d.seen);
    const spread: { unseenClass: number; predicted: number; fraction: number }[] = [];
    for (const u of d.unseen) {
      const idx = [...d.unseenImages.labels.keys()].filter((i) => d.unseenImages.labels[i] === u);
      for (const c of d.seen)
        spread.push({
          unseenClass: u,
          predicted: c,
          fraction: idx.filter((i) => pred[i] === c).length / Math.max(1, idx.length),
        });
    }
    const unseenAccuracy = [...pred.keys()].filter((i) => pred[i] === d.unseenImages.labels[i]).length / pred.length;
    const seenSet = new Set(d.seen);
    const ti = [...d.test.labels.keys()].filter((i) => seenSet.has(d.test.labels[i]));
    const tp = argmaxClasses(head.scores(ti.map((i) => f.test[i])), d.seen);
    return {
      unseenAccuracy,
      spread,
      seenOnly: accuracyCI(
        tp,
        ti.map((i) => d.test.labels[i]),
        { seed },
      ),
    };
  } finally {
    head.dispose();
  }
}
