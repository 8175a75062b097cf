/** Section 2 of notebook 01: one CNN per target type, and what their test accuracies say. */
import { EmbedlabError } from "../../core";
import type { ImageDataset } from "../../data";
import { accuracyCI, type ConfidenceInterval } from "../../metrics";
import { runParallel, type Job, type ParallelOptions } from "../../parallel";
import type { EpochRecord } from "../../train";
import type { Config } from "./config";
import { trainReadJob, type TrainReadArgs, type TrainReadResult } from "./jobs";
import { runCheckpointDir } from "./run-dirs";
import { argmaxClasses } from "./predict";
import { CONTROL_SOURCE, type LabelSource } from "./sources";
import { targetMatrix, targetsInSpan } from "./targets";

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
export function targetJobs(
  cfg: Config,
  train: ImageDataset,
  test: ImageDataset,
  sources: ReadonlyMap<string, LabelSource>,
  checkpoints?: string,
): {
  jobs: Job<TrainReadArgs, TrainReadResult>[];
  /** The checkpoint folder of each job (undefined without `checkpoints`). */
  dirs: (string | undefined)[];
  assembleOne: (result: TrainReadResult, i: number) => TargetRunResult;
  assemble: (results: readonly TrainReadResult[]) => TargetRunResult[];
} {
  const classes = train.classNames.map((_, i) => i);
  const unitTargets: (Float32Array[] | undefined)[] = [];
  const jobs = cfg.runs.map((run, i) => {
    let targets: Float32Array[] | undefined;
    if (run.source) {
      const s = sources.get(run.source);
      if (!s)
        throw new EmbedlabError(
          `no label source "${run.source}" loaded for run ${run.name}`,
          "load it with loadLabelSources first",
        );
      targets = targetMatrix(s.vectors, { center: cfg.center, seen: classes });
      unitTargets[i] = targets;
      if ((run.kind === "cosine" || run.kind === "mse") && cfg.regressionSpace === "span")
        targets = targetsInSpan(targets);
    }
    const spec: TrainReadArgs["train"] = {
      kind: run.kind,
      arch: cfg.arch,
      train,
      classes,
      targets,
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      schedule: cfg.schedule,
      peakLr: run.peakLr ?? cfg.peakLr,
      warmup: cfg.warmup,
      augment: cfg.augment,
      temperature: cfg.temperature,
      seed: cfg.seed + i,
      label: run.name,
      maxStepsPerEpoch: cfg.maxStepsPerEpoch || undefined,
    };
    if (checkpoints) spec.checkpointDir = runCheckpointDir(checkpoints, spec);
    return trainReadJob({ train: spec, read: [{ ds: test, scores: true, labelVectors: targets }] });
  });
  const assembleOne = (r: TrainReadResult, i: number): TargetRunResult => {
    const run = cfg.runs[i];
    const pred = argmaxClasses(r.read[0].scores!, run.kind === "onehot" ? r.classes : undefined);
    return {
      run: run.name,
      kind: run.kind,
      source: run.source ?? "one-hot",
      accuracy: accuracyCI(pred, test.labels, { seed: cfg.seed }),
      perClass: perClassAccuracy(pred, test.labels, classes.length),
      targets: unitTargets[i],
      history: r.history,
      trainSeconds: r.seconds,
    };
  };
  return {
    jobs,
    dirs: jobs.map((j) => j.args.train.checkpointDir),
    assembleOne,
    assemble: (results) => results.map(assembleOne),
  };
}

/**
 * Train one model per run spec on all classes of `train` and score it on `test` (one-hot: argmax of
 * logits; embedding targets: nearest class target by cosine). Targets are centred on the mean of all
 * (= seen) classes when cfg.center is "seen"; cosine / mse targets are written in their span's
 * coordinates when cfg.regressionSpace is "span" (same cosines between targets, far fewer outputs).
 * The runs train in parallel worker threads (`parallel.runParallel`); each is seeded, so the results
 * are the same as one after the other.
 */
export async function compareTargets(
  cfg: Config,
  train: ImageDataset,
  test: ImageDataset,
  sources: ReadonlyMap<string, LabelSource>,
  opts: ParallelOptions = {},
): Promise<TargetRunResult[]> {
  const t = targetJobs(cfg, train, test, sources);
  return t.assemble(await runParallel(t.jobs, opts));
}

/** Accuracy of the predictions of each class's images (0 for a class with no images). */
export function perClassAccuracy(pred: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number[] {
  const hit = new Array<number>(classes).fill(0),
    n = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) {
    n[labels[i]]++;
    if (pred[i] === labels[i]) hit[labels[i]]++;
  }
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
  if (!run.targets)
    throw new EmbedlabError(
      `run ${run.run} has no targets`,
      "compare an embedding-target run (cosine, mse, emb_ce) with one-hot",
    );
  const t = run.targets;
  return t.map((a, c) => {
    let best = -1,
      cos = -Infinity;
    t.forEach((b, k) => {
      if (k === c) return;
      let d = 0;
      for (let j = 0; j < a.length; j++) d += a[j] * b[j];
      if (d > cos) {
        cos = d;
        best = k;
      }
    });
    return {
      classIndex: c,
      nearestClass: best,
      nearestCosine: cos,
      runAccuracy: run.perClass[c],
      onehotAccuracy: onehot.perClass[c],
      diff: run.perClass[c] - onehot.perClass[c],
    };
  });
}

/** The per-class gaps of every embedding run (not one-hot, not the control) against the one-hot run. */
export function classGapsByRun(results: readonly TargetRunResult[]): { run: string; gaps: ClassGap[] }[] {
  const onehot = results.find((r) => r.kind === "onehot");
  if (!onehot)
    throw new EmbedlabError("classGapsByRun: no one-hot run among the results", "include onehot in targetRuns");
  return results.filter((r) => r.targets && !isControlRun(r)).map((r) => ({ run: r.run, gaps: classGaps(r, onehot) }));
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
  return results
    .filter((r) => r.kind !== "onehot" && !isControlRun(r))
    .map((r) => {
      const ctl = results.find((c) => isControlRun(c) && c.kind === r.kind);
      const vsOnehot = r.accuracy.estimate - oh.accuracy.estimate;
      return ctl
        ? {
            run: r.run,
            kind: r.kind,
            vsOnehot,
            lossEffect: ctl.accuracy.estimate - oh.accuracy.estimate,
            targetEffect: r.accuracy.estimate - ctl.accuracy.estimate,
          }
        : { run: r.run, kind: r.kind, vsOnehot };
    });
}
