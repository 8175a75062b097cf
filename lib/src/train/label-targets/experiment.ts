import { EmbedlabError } from "../../core";
import type { ImageDataset } from "../../data";
import type { ConfidenceInterval } from "../../metrics";
import type { EpochRecord } from "../history";
import { parseRunSpec, trainTargetModel, type TargetRunSpec } from "./model";
import { argmaxClasses, classScores } from "./predict";
import type { LabelSource } from "./sources";
import { targetMatrix, targetsInSpan, type Centering } from "./targets";
import { accuracyCI } from "./zero-shot";

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

/** Profile defaults: quick = CIFAR-10 10k batch, small CNN, Adam warm-up/decay with per-run lr, cosine targets in span coordinates, 4 epochs (zero-shot 3); full = CIFAR-100, ResNet-18, the original's 155-epoch SGD one-cycle, full-dimensional targets. */
export function nb01Config(p: Nb01Params): Nb01Config {
  if (p.profile !== "quick" && p.profile !== "full") throw new EmbedlabError(`unknown profile "${p.profile}"`, 'use "quick" or "full"');
  const full = p.profile === "full";
  const runs = (p.targetRuns || (full
    ? "onehot,cosine:gpt3-ada,mse:gpt3-ada,emb_ce:gpt3-ada,cosine:use-lite,emb_ce:use-lite"
    // quick: each run's peak lr (and cosine's span coordinates) chosen on a validation split of the train batch,
    // bench/selection/01_target_lr.mjs → outputs/selection/01_target_lr.json
    : "onehot@0.004,cosine:gpt3-davinci@0.002,emb_ce:use-lite@0.002")).split(",").filter((s) => s.trim()).map(parseRunSpec);
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
    epochs: p.epochs || (full ? 155 : 4),
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
  history: EpochRecord[];
  trainSeconds: number;
}

/**
 * Train one model per run spec on all classes of `train` and score it on `test` (one-hot: argmax of
 * logits; embedding targets: nearest class target by cosine). Targets are centred on the mean of all
 * (= seen) classes when cfg.center is "seen"; cosine / mse targets are written in their span's
 * coordinates when cfg.regressionSpace is "span" (same cosines between targets, far fewer outputs).
 */
export async function compareTargets(cfg: Nb01Config, train: ImageDataset, test: ImageDataset, sources: ReadonlyMap<string, LabelSource>): Promise<TargetRunResult[]> {
  const classes = train.classNames.map((_, i) => i);
  const out: TargetRunResult[] = [];
  for (const [i, run] of cfg.runs.entries()) {
    let targets: Float32Array[] | undefined;
    if (run.source) {
      const s = sources.get(run.source);
      if (!s) throw new EmbedlabError(`no label source "${run.source}" loaded for run ${run.name}`, "load it with loadLabelSources first");
      targets = targetMatrix(s.vectors, { center: cfg.center, seen: classes });
      if ((run.kind === "cosine" || run.kind === "mse") && cfg.regressionSpace === "span") targets = targetsInSpan(targets);
    }
    const { model, history, seconds } = await trainTargetModel({
      kind: run.kind, arch: cfg.arch, train, classes, targets, epochs: cfg.epochs, batchSize: cfg.batchSize, schedule: cfg.schedule,
      peakLr: run.peakLr ?? cfg.peakLr, warmup: cfg.warmup, augment: cfg.augment, temperature: cfg.temperature, seed: cfg.seed + i,
      label: run.name, maxStepsPerEpoch: cfg.maxStepsPerEpoch || undefined,
    });
    try {
      const pred = argmaxClasses(await classScores(model, test, targets), run.kind === "onehot" ? model.classes : undefined);
      out.push({ run: run.name, kind: run.kind, source: run.source ?? "one-hot", accuracy: accuracyCI(pred, test.labels, { seed: cfg.seed }), history, trainSeconds: seconds });
    } finally {
      model.dispose();
    }
  }
  return out;
}

/** "emb_ce:gpt3-davinci" → "emb_ce_gpt3_davinci" (a flat metric key). */
export function metricKey(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "");
}
