import { EmbedlabError } from "../../core";
import type { ImageDataset } from "../../data";
import type { ConfidenceInterval } from "../../metrics";
import type { EpochRecord } from "../../train";
import { runParallel, type Job, type ParallelOptions } from "../../parallel";
import { trainReadJob, type TrainReadArgs, type TrainReadResult } from "./jobs";
import { parseRunSpec, type TargetRunSpec } from "./model";
import { argmaxClasses } from "./predict";
import { zeroShotJob, type ZeroShotData, type ZeroShotEndToEnd } from "./zero-shot-experiment";
import { CONTROL_SOURCE, type LabelSource } from "./sources";
import { targetMatrix, targetsInSpan, type Centering } from "./targets";
import { accuracyCI } from "../../metrics";

/** Settings the notebook resolves from its parameters and profile. */
export interface Nb01Config {
  dataset: "cifar10" | "cifar100";
  arch: "small" | "resnet18";
  runs: TargetRunSpec[];
  epochs: number;
  zeroShotEpochs: number;
  batchSize: number;
  schedule: "adam-warmup" | "sgd-onecycle";
  peakLr: number;
  warmup: number;
  augment: boolean;
  temperature: number;
  center: Centering;
  /** cosine / mse runs: "span" = targets in coordinates of their own span (k ≤ #classes outputs), "full" = the embedding's d outputs. */
  regressionSpace: "span" | "full";
  heldOutEvery: number;
  seed: number;
  trainLimit: number;
  maxStepsPerEpoch: number;
}

export interface Nb01Params {
  profile: string;
  targetRuns: string;
  epochs: number;
  zeroShotEpochs: number;
  batchSize: number;
  schedule: string;
  peakLr: number;
  warmup: number;
  augment: boolean;
  temperature: number;
  center: string;
  regressionSpace: string;
  heldOutEvery: number;
  seed: number;
  trainLimit: number;
  maxStepsPerEpoch: number;
}

/** Profile defaults: quick = CIFAR-10 10k batch, small CNN, Adam warm-up/decay with per-run lr, cosine targets in span coordinates, 5 epochs (zero-shot 3; the epochs fill the 12-minute budget); full = CIFAR-100, ResNet-18, the original's 155-epoch SGD one-cycle, full-dimensional targets. */
export function nb01Config(p: Nb01Params): Nb01Config {
  if (p.profile !== "quick" && p.profile !== "full") throw new EmbedlabError(`unknown profile "${p.profile}"`, 'use "quick" or "full"');
  const full = p.profile === "full";
  const runs = (p.targetRuns || (full
    ? "onehot,cosine:gpt3-ada,mse:gpt3-ada,emb_ce:gpt3-ada,cosine:use-lite,emb_ce:use-lite"
    // quick: each run's peak lr (and cosine's span coordinates) chosen on a validation split of the train batch,
    // bench/selection/01_target_lr.mjs → outputs/selection/01_target_lr.json
    // + the control: the cosine loss on targets without language-model structure (bench/selection/01_cosine_gap.mjs)
    : "onehot@0.004,cosine:gpt3-davinci@0.002,emb_ce:use-lite@0.002,cosine:onehot-vectors@0.002")).split(",").filter((s) => s.trim()).map(parseRunSpec);
  if (!runs.some((r) => r.kind === "onehot")) throw new EmbedlabError("targetRuns must include onehot (the baseline every embedding run is compared with)");
  const schedule = (p.schedule || (full ? "sgd-onecycle" : "adam-warmup")) as Nb01Config["schedule"];
  if (schedule !== "adam-warmup" && schedule !== "sgd-onecycle") throw new EmbedlabError(`unknown schedule "${p.schedule}"`, 'use "adam-warmup" or "sgd-onecycle"');
  if (p.center !== "seen" && p.center !== "none") throw new EmbedlabError(`unknown center "${p.center}"`, 'use "seen" or "none"');
  const regressionSpace = p.regressionSpace || (full ? "full" : "span");
  if (regressionSpace !== "span" && regressionSpace !== "full") throw new EmbedlabError(`unknown regressionSpace "${p.regressionSpace}"`, 'use "span" or "full" ("" = profile default)');
  for (const [k, v] of Object.entries({ epochs: p.epochs, zeroShotEpochs: p.zeroShotEpochs, batchSize: p.batchSize, trainLimit: p.trainLimit, maxStepsPerEpoch: p.maxStepsPerEpoch })) {
    if (!(Number.isInteger(v) && v >= 0)) throw new EmbedlabError(`${k} must be a non-negative integer (0 = profile default), got ${v}`);
  }
  return {
    dataset: full ? "cifar100" : "cifar10",
    arch: full ? "resnet18" : "small",
    runs,
    epochs: p.epochs || (full ? 155 : 5),
    zeroShotEpochs: p.zeroShotEpochs || (full ? 155 : 3),
    batchSize: p.batchSize || (full ? 76 : 64),
    schedule,
    peakLr: p.peakLr,
    warmup: p.warmup,
    augment: p.augment,
    temperature: p.temperature,
    center: p.center,
    regressionSpace,
    heldOutEvery: p.heldOutEvery,
    seed: p.seed,
    trainLimit: p.trainLimit,
    maxStepsPerEpoch: p.maxStepsPerEpoch,
  };
}

/** One section-2 result. */
export interface TargetRunResult {
  run: string;
  kind: string;
  source: string;
  accuracy: ConfidenceInterval;
  /** Test accuracy per class (dataset class index). */
  perClass: number[];
  /** Embedding runs: the unit class targets (centred as trained; before any span rewrite, which keeps their cosines). */
  targets?: Float32Array[];
  history: EpochRecord[];
  trainSeconds: number;
}

/** The section-2 jobs (one CNN per run spec) and how to turn their results into TargetRunResults. */
export function targetJobs(cfg: Nb01Config, train: ImageDataset, test: ImageDataset, sources: ReadonlyMap<string, LabelSource>): {
  jobs: Job<TrainReadArgs, TrainReadResult>[]; assemble: (results: readonly TrainReadResult[]) => TargetRunResult[];
} {
  const classes = train.classNames.map((_, i) => i);
  const unitTargets: (Float32Array[] | undefined)[] = [];
  const jobs = cfg.runs.map((run, i) => {
    let targets: Float32Array[] | undefined;
    if (run.source) {
      const s = sources.get(run.source);
      if (!s) throw new EmbedlabError(`no label source "${run.source}" loaded for run ${run.name}`, "load it with loadLabelSources first");
      targets = targetMatrix(s.vectors, { center: cfg.center, seen: classes });
      unitTargets[i] = targets;
      if ((run.kind === "cosine" || run.kind === "mse") && cfg.regressionSpace === "span") targets = targetsInSpan(targets);
    }
    return trainReadJob({
      train: {
        kind: run.kind, arch: cfg.arch, train, classes, targets, epochs: cfg.epochs, batchSize: cfg.batchSize, schedule: cfg.schedule,
        peakLr: run.peakLr ?? cfg.peakLr, warmup: cfg.warmup, augment: cfg.augment, temperature: cfg.temperature, seed: cfg.seed + i,
        label: run.name, maxStepsPerEpoch: cfg.maxStepsPerEpoch || undefined,
      },
      read: [{ ds: test, scores: true, labelVectors: targets }],
    });
  });
  const assemble = (results: readonly TrainReadResult[]) => results.map((r, i) => {
    const run = cfg.runs[i];
    const pred = argmaxClasses(r.read[0].scores!, run.kind === "onehot" ? r.classes : undefined);
    return { run: run.name, kind: run.kind, source: run.source ?? "one-hot", accuracy: accuracyCI(pred, test.labels, { seed: cfg.seed }),
      perClass: perClassAccuracy(pred, test.labels, classes.length), targets: unitTargets[i], history: r.history, trainSeconds: r.seconds };
  });
  return { jobs, assemble };
}

/**
 * Train one model per run spec on all classes of `train` and score it on `test` (one-hot: argmax of
 * logits; embedding targets: nearest class target by cosine). Targets are centred on the mean of all
 * (= seen) classes when cfg.center is "seen"; cosine / mse targets are written in their span's
 * coordinates when cfg.regressionSpace is "span" (same cosines between targets, far fewer outputs).
 * The runs train in parallel worker threads (`parallel.runParallel`); each is seeded, so the results
 * are the same as one after the other.
 */
export async function compareTargets(cfg: Nb01Config, train: ImageDataset, test: ImageDataset, sources: ReadonlyMap<string, LabelSource>, opts: ParallelOptions = {}): Promise<TargetRunResult[]> {
  const t = targetJobs(cfg, train, test, sources);
  return t.assemble(await runParallel(t.jobs, opts));
}

/**
 * Sections 2 and 3 of notebook 01 together: the target-type runs and the end-to-end zero-shot CNN are
 * independent trainings, so all of them go to one worker pool (two at a time on two cores).
 */
export async function trainSections(cfg: Nb01Config, train: ImageDataset, test: ImageDataset, sources: ReadonlyMap<string, LabelSource>,
  zeroShot: { data: ZeroShotData; source: LabelSource }, opts: ParallelOptions = {}): Promise<{ targets: TargetRunResult[]; zeroShot: ZeroShotEndToEnd; seconds: number }> {
  const t0 = Date.now();
  const t = targetJobs(cfg, train, test, sources);
  const z = zeroShotJob(cfg, zeroShot.data, zeroShot.source);
  const results = await runParallel([...t.jobs, z.job], opts);
  return { targets: t.assemble(results.slice(0, t.jobs.length)), zeroShot: z.assemble(results[t.jobs.length]), seconds: (Date.now() - t0) / 1000 };
}

/** Accuracy of the predictions of each class's images (0 for a class with no images). */
export function perClassAccuracy(pred: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number[] {
  const hit = new Array<number>(classes).fill(0), n = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) { n[labels[i]]++; if (pred[i] === labels[i]) hit[labels[i]]++; }
  return hit.map((h, c) => (n[c] ? h / n[c] : 0));
}

/** One class of a run compared with one-hot: how close its target is to another class's, and the accuracy difference. */
export interface ClassGap {
  classIndex: number;
  /** The class whose target is closest (cosine) to this class's target. */
  nearestClass: number;
  nearestCosine: number;
  runAccuracy: number;
  onehotAccuracy: number;
  /** runAccuracy − onehotAccuracy. */
  diff: number;
}

/** Per class of an embedding run: its nearest other target and its test accuracy minus one-hot's (where a target run loses). */
export function classGaps(run: TargetRunResult, onehot: TargetRunResult): ClassGap[] {
  if (!run.targets) throw new EmbedlabError(`run ${run.run} has no targets`, "compare an embedding-target run (cosine, mse, emb_ce) with one-hot");
  const t = run.targets;
  return t.map((a, c) => {
    let best = -1, cos = -Infinity;
    t.forEach((b, k) => {
      if (k === c) return;
      let d = 0;
      for (let j = 0; j < a.length; j++) d += a[j] * b[j];
      if (d > cos) { cos = d; best = k; }
    });
    return { classIndex: c, nearestClass: best, nearestCosine: cos, runAccuracy: run.perClass[c], onehotAccuracy: onehot.perClass[c], diff: run.perClass[c] - onehot.perClass[c] };
  });
}

/** Whether a section-2 run is the control (its targets are plain unit vectors, not label embeddings). */
export function isControlRun(r: { source: string }): boolean {
  return r.source === CONTROL_SOURCE;
}

/** An embedding run's difference to one-hot, split into the loss's part and the targets' part. */
export interface TargetEffect {
  run: string;
  kind: string;
  /** run − one-hot. */
  vsOnehot: number;
  /** The same loss on the control's structure-free targets − one-hot: what the loss costs (undefined without a control run of this kind). */
  lossEffect?: number;
  /** run − the control run of the same kind: what the language-model targets add (undefined without a control). */
  targetEffect?: number;
}

/**
 * Per embedding run (not one-hot, not the control): accuracy minus one-hot's, and — where a control run of
 * the same kind exists (e.g. cosine:onehot-vectors) — that difference split into the loss's part (control −
 * one-hot) and the targets' part (run − control). The parts add up to vsOnehot.
 */
export function targetEffects(results: readonly TargetRunResult[]): TargetEffect[] {
  const oh = results.find((r) => r.kind === "onehot");
  if (!oh) throw new EmbedlabError("targetEffects: no one-hot run among the results", "include onehot in targetRuns");
  return results.filter((r) => r.kind !== "onehot" && !isControlRun(r)).map((r) => {
    const ctl = results.find((c) => isControlRun(c) && c.kind === r.kind);
    const vsOnehot = r.accuracy.estimate - oh.accuracy.estimate;
    return ctl
      ? { run: r.run, kind: r.kind, vsOnehot, lossEffect: ctl.accuracy.estimate - oh.accuracy.estimate, targetEffect: r.accuracy.estimate - ctl.accuracy.estimate }
      : { run: r.run, kind: r.kind, vsOnehot };
  });
}

/** "emb_ce:gpt3-davinci" → "emb_ce_gpt3_davinci" (a flat metric key). */
export function metricKey(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "");
}
