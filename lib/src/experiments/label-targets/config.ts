/**
 * Notebook 01's parameters and profiles in one place: `Params` is the notebook's `parameters` cell (the
 * runner overrides it with `--param`), `PROFILES` every quick / full default, `resolveConfig` the settings
 * the cells use. A parameter left at 0 / "" takes its profile's default.
 */
import { EmbedlabError } from "../../core";
import { parseRunSpec, type TargetRunSpec } from "./model";
import type { Centering } from "./targets";

/** The notebook's `parameters` cell (names and meanings as written there). */
export interface Params {
  /** "quick": CIFAR-10 10k train batch, small CNN, few epochs; "full": CIFAR-100 50k/10k, ResNet-18, the original's schedule. */
  profile: string;
  /** Data root holding cifar-10-batches-bin/, cifar-100-binary/ and llm_labels/ ("" = data/cache). */
  dataRoot: string;
  /** Section 1: CIFAR-100 label sources, comma-separated ("" = the profile's). */
  embedders: string;
  /** Section 1: CIFAR-10 label sources, comma-separated. */
  cifar10Embedders: string;
  /** Section 2 runs, comma-separated, optional @lr each ("" = the profile's runs). */
  targetRuns: string;
  /** Section 3: label source of the end-to-end zero-shot CNN. */
  zeroShotSource: string;
  /** Section 3: sources compared by linear projections on the zero-shot CNN's frozen features, comma-separated ("" = the profile's). */
  probeSources: string;
  /** Section 2 epochs per model (0 = profile default). */
  epochs: number;
  /** Section 3 epochs (0 = profile default). */
  zeroShotEpochs: number;
  /** Section 3: epochs of each linear projection on frozen features. */
  probeEpochs: number;
  /** 0 = profile default. */
  batchSize: number;
  /** "adam-warmup" | "sgd-onecycle" ("" = profile default). */
  schedule: string;
  /** adam-warmup: peak learning rate of runs without their own @lr, and of section 3. */
  peakLr: number;
  /** adam-warmup: warm-up fraction of the run. */
  warmup: number;
  /** Random crop (zero pad 4) + horizontal flip. */
  augment: boolean;
  /** emb_ce: softmax temperature on cosine similarities. */
  temperature: number;
  /** cosine / mse runs: "span" | "full" ("" = profile default). */
  regressionSpace: string;
  /** "seen": subtract the mean of the seen classes' label vectors, then normalise; "none": raw vectors. */
  center: string;
  /** Held-out rule: class indices 0, every, 2·every, ... are unseen. */
  heldOutEvery: number;
  /** Weight init, shuffling, augmentation, t-SNE and bootstrap. */
  seed: number;
  /** Use only the first N train / test images (0 = all; smoke tests only). */
  trainLimit: number;
  /** Cap optimizer steps per epoch (0 = none; smoke tests only). */
  maxStepsPerEpoch: number;
  /** Where each run's checkpoints go ("" = <cache>/runs/01_label_embeddings; one folder per run, keyed by a hash of its settings). */
  runDir: string;
}

/** The parameters `resolveConfig` reads (the rest are passed to the steps that use them). */
export type TrainingParams = Pick<
  Params,
  | "profile"
  | "embedders"
  | "probeSources"
  | "targetRuns"
  | "epochs"
  | "zeroShotEpochs"
  | "batchSize"
  | "schedule"
  | "peakLr"
  | "warmup"
  | "augment"
  | "temperature"
  | "center"
  | "regressionSpace"
  | "heldOutEvery"
  | "seed"
  | "trainLimit"
  | "maxStepsPerEpoch"
>;

export type Profile = "quick" | "full";
export type Schedule = "adam-warmup" | "sgd-onecycle";
export type RegressionSpace = "span" | "full";

/** What a profile fixes, and the defaults of the parameters left at 0 / "". */
export interface ProfileDefaults {
  dataset: "cifar10" | "cifar100";
  arch: "small" | "resnet18";
  /** Section 1's CIFAR-100 label sources. */
  embedders: string;
  /** Section 3's label sources compared on the zero-shot CNN's features. */
  probeSources: string;
  targetRuns: string;
  epochs: number;
  zeroShotEpochs: number;
  batchSize: number;
  schedule: Schedule;
  regressionSpace: RegressionSpace;
  /** Train the runs of sections 2–3 side by side in worker threads where that pays (quick); false = one after the other, each in its own cell (full). */
  parallelRuns: boolean;
}

/**
 * quick = CIFAR-10 10k batch, small CNN, Adam warm-up/decay with per-run lr, cosine targets in span
 * coordinates, 8 epochs and 8 for the zero-shot CNN (both chosen on validation, bench/selection/01_epochs.mjs
 * and 01_zero_shot_epochs.mjs), inside the 12-minute budget; full = CIFAR-100, ResNet-18,
 * the original's 155-epoch SGD one-cycle (batch 76), full-dimensional targets.
 */
export const PROFILES: Readonly<Record<Profile, ProfileDefaults>> = {
  quick: {
    dataset: "cifar10",
    arch: "small",
    embedders: "gpt3-ada,gpt3-ada-desc,use-lite,use-lite-desc,glove-100d,glove-100d-desc",
    probeSources: "gpt3-ada,gpt3-babbage,gpt3-curie,gpt3-davinci,use-lite,glove-100d",
    // each run's peak lr (and cosine's span coordinates) chosen on a validation split of the train batch,
    // bench/selection/01_target_lr.mjs → outputs/selection/01_target_lr.json
    // + the control: the cosine loss on targets without language-model structure (bench/selection/01_cosine_gap.mjs)
    targetRuns: "onehot@0.004,cosine:gpt3-davinci@0.002,emb_ce:use-lite@0.002,cosine:onehot-vectors@0.002",
    // 5 vs 8 on validation after the convolutions got ~2× faster: mean accuracy 0.544 vs 0.606 → 8
    // (outputs/selection/01_epochs.json)
    epochs: 8,
    // 3 / 5 / 8 on validation (automobile, horse as pseudo-unseen inside the seen classes): top-1 0.564 / 0.600 / 0.672
    // (outputs/selection/01_zero_shot_epochs.json)
    zeroShotEpochs: 8,
    batchSize: 64,
    schedule: "adam-warmup",
    regressionSpace: "span",
    parallelRuns: true,
  },
  full: {
    dataset: "cifar100",
    arch: "resnet18",
    // + one hub sentence encoder (all-MiniLM-L6-v2) beside the original's GPT-3 vectors, names and descriptions
    embedders: "gpt3-ada,gpt3-ada-desc,use-lite,use-lite-desc,glove-100d,glove-100d-desc,hub-minilm,hub-minilm-desc",
    // CIFAR-100 has ada vectors only (names and descriptions)
    probeSources: "gpt3-ada,gpt3-ada-desc,use-lite,use-lite-desc,glove-100d,glove-100d-desc,hub-minilm,hub-minilm-desc",
    targetRuns: "onehot,cosine:gpt3-ada,mse:gpt3-ada,emb_ce:gpt3-ada,cosine:use-lite,emb_ce:use-lite",
    epochs: 155,
    zeroShotEpochs: 155,
    batchSize: 76,
    schedule: "sgd-onecycle",
    regressionSpace: "full",
    parallelRuns: false,
  },
};

/** Settings the cells use, resolved from the parameters and the profile. */
export interface Config {
  profile: Profile;
  dataset: "cifar10" | "cifar100";
  /** Section 1's CIFAR-100 label sources (comma-separated). */
  embedders: string;
  /** Section 3's probe sources (comma-separated). */
  probeSources: string;
  arch: "small" | "resnet18";
  runs: TargetRunSpec[];
  epochs: number;
  zeroShotEpochs: number;
  batchSize: number;
  schedule: Schedule;
  peakLr: number;
  warmup: number;
  augment: boolean;
  temperature: number;
  center: Centering;
  /** cosine / mse runs: "span" = targets in coordinates of their own span (k ≤ #classes outputs), "full" = the embedding's d outputs. */
  regressionSpace: RegressionSpace;
  /** The profile's parallelRuns. */
  parallelRuns: boolean;
  heldOutEvery: number;
  seed: number;
  trainLimit: number;
  maxStepsPerEpoch: number;
}

/** The notebook's parameters and its profile's defaults → the settings of this run (validated). */
export function resolveConfig(p: TrainingParams): Config {
  if (p.profile !== "quick" && p.profile !== "full")
    throw new EmbedlabError(`unknown profile "${p.profile}"`, 'use "quick" or "full"');
  const d = PROFILES[p.profile];
  const runs = (p.targetRuns || d.targetRuns)
    .split(",")
    .filter((s) => s.trim())
    .map(parseRunSpec);
  if (!runs.some((r) => r.kind === "onehot"))
    throw new EmbedlabError("targetRuns must include onehot (the baseline every embedding run is compared with)");
  const schedule = (p.schedule || d.schedule) as Schedule;
  if (schedule !== "adam-warmup" && schedule !== "sgd-onecycle")
    throw new EmbedlabError(`unknown schedule "${p.schedule}"`, 'use "adam-warmup" or "sgd-onecycle"');
  if (p.center !== "seen" && p.center !== "none")
    throw new EmbedlabError(`unknown center "${p.center}"`, 'use "seen" or "none"');
  const regressionSpace = (p.regressionSpace || d.regressionSpace) as RegressionSpace;
  if (regressionSpace !== "span" && regressionSpace !== "full")
    throw new EmbedlabError(
      `unknown regressionSpace "${p.regressionSpace}"`,
      'use "span" or "full" ("" = profile default)',
    );
  for (const [k, v] of Object.entries({
    epochs: p.epochs,
    zeroShotEpochs: p.zeroShotEpochs,
    batchSize: p.batchSize,
    trainLimit: p.trainLimit,
    maxStepsPerEpoch: p.maxStepsPerEpoch,
  })) {
    if (!(Number.isInteger(v) && v >= 0))
      throw new EmbedlabError(`${k} must be a non-negative integer (0 = profile default), got ${v}`);
  }
  return {
    profile: p.profile,
    dataset: d.dataset,
    embedders: p.embedders || d.embedders,
    probeSources: p.probeSources || d.probeSources,
    arch: d.arch,
    runs,
    epochs: p.epochs || d.epochs,
    zeroShotEpochs: p.zeroShotEpochs || d.zeroShotEpochs,
    batchSize: p.batchSize || d.batchSize,
    schedule,
    peakLr: p.peakLr,
    warmup: p.warmup,
    augment: p.augment,
    temperature: p.temperature,
    center: p.center,
    regressionSpace,
    parallelRuns: d.parallelRuns,
    heldOutEvery: p.heldOutEvery,
    seed: p.seed,
    trainLimit: p.trainLimit,
    maxStepsPerEpoch: p.maxStepsPerEpoch,
  };
}

/** "a, b,,c" → ["a", "b", "c"] (the comma-separated source lists of the parameters cell). */
export function parseList(s: string): string[] {
  return s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
}

/** The `params` section of results.json: the notebook's parameters and the resolved settings (runs by name). */
export function savedParams(p: Params, cfg: Config): Record<string, unknown> {
  const { profile, dataRoot, embedders, cifar10Embedders, zeroShotSource, probeSources, probeEpochs, runDir } = p;
  return {
    profile,
    dataRoot,
    embedders,
    cifar10Embedders,
    zeroShotSource,
    probeSources,
    probeEpochs,
    runDir,
    resolved: { ...cfg, runs: cfg.runs.map((r) => r.name) },
  };
}
