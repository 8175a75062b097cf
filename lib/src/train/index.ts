/**
 * train/ (above models): the one training stack — optimizers, schedules, the fit loop, batches and
 * image sources, checkpoints. Experiments call it; models never import it.
 */
export { fit, yieldToEventLoop } from "./fit";
export type { FitOptions, FitResult, LossFn, EarlyStopping } from "./fit";
export type { EpochRecord } from "./history";
export { batches, deriveSeed } from "./batches";
export { toTensorImages, imageBatchArray } from "./images";
export type { ImageArray, AugmentOptions, ImageTensorOptions } from "./images";
export { tensorSource, imageSource } from "./sources";
export type { BatchSource } from "./sources";
export { constant, oneCycle, oneCycleMomentum, warmupLinear, warmupCosine } from "./schedules";
export type { Schedule, OneCycleOptions, WarmupDecayOptions } from "./schedules";
export { makeOptimizer, clipByGlobalNorm } from "./optimizers";
export type { Optimizer, OptimizerConfig, SgdConfig, AdamConfig } from "./optimizers";
export { saveCheckpoint, loadCheckpoint, hasCheckpoint } from "./checkpoint";
export type { CheckpointMeta, LoadedCheckpoint } from "./checkpoint";
export { trainableVariables, snapshot, restoreValues } from "./model-vars";
export type { Trainable } from "./model-vars";
export { originalOneCycleRecipe } from "./presets";
export * as labelTargets from "./label-targets";
