/**
 * train/ (above models): the one training stack — optimizers (SGD/Adam/AdamW with clipping), one warm-up/decay
 * schedule family, one step loop with an evaluation hook (fitSteps; fit runs epochs on it), batches and image
 * sources, checkpoints, GPT pretraining and fine-tuning. Experiments call it; models never import it.
 */
export { fit, fitSteps, yieldToEventLoop } from "./fit";
export type { FitOptions, FitResult, LossFn, EarlyStopping, FitStepsOptions, FitStepsResult, StepRecord } from "./fit";
export type { EpochRecord } from "./history";
export { batches, deriveSeed } from "./batches";
export { toTensorImages, imageBatchArray } from "./images";
export type { ImageArray, AugmentOptions, ImageTensorOptions } from "./images";
export { tensorSource, imageSource } from "./sources";
export type { BatchSource } from "./sources";
export {
  constant,
  oneCycle,
  oneCycleMomentum,
  warmupDecay,
  warmupLinear,
  warmupCosine,
  warmupStableDecay,
} from "./schedules";
export type { Schedule, OneCycleOptions, WarmupDecayOptions, WarmupStableDecayOptions } from "./schedules";
export { makeOptimizer, clipByGlobalNorm, globalNorm } from "./optimizers";
export type { Optimizer, OptimizerConfig, SgdConfig, AdamConfig } from "./optimizers";
export { saveCheckpoint, loadCheckpoint, hasCheckpoint, checkpointProgress } from "./checkpoint";
export type { CheckpointMeta, LoadedCheckpoint } from "./checkpoint";
export { trainableVariables, snapshot, restoreValues } from "./model-vars";
export type { Trainable } from "./model-vars";
export { originalOneCycleRecipe } from "./presets";
export {
  pretrainGpt,
  TOKENIZER_EXTRA_TEXT,
  SAMPLE_PROMPTS,
  SAMPLE_SETTINGS,
  sampleForTokenizer,
  sampleRows,
  sampleTable,
} from "./lm-pretrain";
export { lmCheckpointCard, lmCheckpointSummary, repeatsPhrase } from "./lm-checkpoint-card";
export type { LmCheckpointCard } from "./lm-checkpoint-card";
export type { GptPretrainOptions, GptPretrainSettings, GptPretrainRecord } from "./lm-pretrain";
export {
  loadLmCorpus,
  loadLmSource,
  gptBitsPerByteBySource,
  LM_SOURCES,
  LM_SPLIT_SEED,
  EVAL_CHARS_PER_DOC,
} from "./lm-corpus";
export type { LmCorpusName, LmSourceName, LmSource, LmCorpusOptions, SourceBitsOptions } from "./lm-corpus";
export { finetuneGpt } from "./lm-finetune";
export { finetuneBertClassifier } from "./bert-finetune";
export type { BertFinetuneOptions, BertFinetuneResult } from "./bert-finetune";
export type { GptFinetuneOptions, GptFinetuneResult } from "./lm-finetune";
