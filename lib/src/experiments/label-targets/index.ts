/** Notebook 01 plumbing: label vectors as CNN targets, per-target-type training, zero-shot evaluation. */
export { loadLabelSource, loadLabelSources, parseSourceId, labelTexts, CONTROL_SOURCE, type LabelSource, type LabelSourceOptions, type CifarName } from "./sources";
export { targetMatrix, targetsInSpan, type Centering, type TargetMatrixOptions } from "./targets";
export { superclassOrder, cifar10Groups, cifar100Groups, reorderMatrix } from "./order";
export { embeddingStructure, type EmbeddingStructure } from "./structure";
export { trainTargetModel, parseRunSpec, TARGET_KINDS, CIFAR_MEAN, CIFAR_STD, type TargetKind, type TargetRunSpec, type TrainTargetOptions, type TargetModel } from "./model";
export { classScores, imageFeatures, readModel, argmaxClasses, type ModelReading } from "./predict";
export { trainAndRead, trainReadJob, type ReadRequest, type TrainReadArgs, type TrainReadResult } from "./jobs";
export { zeroShotReport, fitFeatureHead, type ZeroShotReport, type FeatureHead, type FeatureHeadOptions } from "./zero-shot";
export { nb01Config, compareTargets, targetJobs, trainSections, metricKey, perClassAccuracy, classGaps, isControlRun, targetEffects, type TargetEffect, type ClassGap, type Nb01Config, type Nb01Params, type TargetRunResult } from "./experiment";
export { gridOf, withoutAxisLabels, withColorScheme } from "./figures";
export { zeroShotData, zeroShotEndToEnd, zeroShotJob, zeroShotProbes, fitAndScoreProbe, oneHotOnUnseen, type ProbeArgs, type ZeroShotData, type ZeroShotResult, type ZeroShotFeatures, type ZeroShotEndToEnd } from "./zero-shot-experiment";
