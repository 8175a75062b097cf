/**
 * Notebook 01 (label embeddings as CIFAR targets, zero-shot on held-out classes): its parameters and
 * profiles (config), the steps its cells call, its figures and tables, and what it reports (report).
 */
export {
  resolveConfig,
  parseList,
  savedParams,
  PROFILES,
  type Params,
  type TrainingParams,
  type Config,
  type Profile,
  type ProfileDefaults,
  type Schedule,
  type RegressionSpace,
} from "./config";
export {
  loadLabelSource,
  loadLabelSources,
  labelSources,
  parseSourceId,
  labelTexts,
  pairingCheck,
  CONTROL_SOURCE,
  type LabelSource,
  type LabelSourceOptions,
  type CifarName,
  type PairingCheck,
} from "./sources";
export { targetMatrix, targetsInSpan, type Centering, type TargetMatrixOptions } from "./targets";
export { superclassOrder, cifar10Groups, cifar100Groups, reorderMatrix } from "./order";
export {
  embeddingStructure,
  labelStructure,
  type EmbeddingStructure,
  type LabelStructure,
  type StructureRow,
} from "./structure";
export {
  trainTargetModel,
  parseRunSpec,
  TARGET_KINDS,
  CIFAR_MEAN,
  CIFAR_STD,
  type TargetKind,
  type TargetRunSpec,
  type TrainTargetOptions,
  type TargetModel,
} from "./model";
export { classScores, imageFeatures, readModel, argmaxClasses, type ModelReading } from "./predict";
export { trainAndRead, trainReadJob, type ReadRequest, type TrainReadArgs, type TrainReadResult } from "./jobs";
export {
  zeroShotReport,
  fitFeatureHead,
  type ZeroShotReport,
  type FeatureHead,
  type FeatureHeadOptions,
} from "./zero-shot";
export { loadTrainingData, type TrainingData } from "./data";
export {
  compareTargets,
  targetJobs,
  perClassAccuracy,
  classGaps,
  classGapsByRun,
  isControlRun,
  targetEffects,
  type TargetEffect,
  type ClassGap,
  type TargetRunResult,
} from "./target-runs";
export {
  startTrainings,
  trainSections,
  type Trainings,
  type TrainingsOptions,
  type RunReport,
  type RunStatus,
  type NoRun,
} from "./trainings";
export { runRoot, runKey, runCheckpointDir } from "./run-dirs";
export {
  generalizedZeroShot,
  gzslReport,
  selectGamma,
  pickGamma,
  gammaGrid,
  gzslScores,
  calibratedPredictions,
  harmonicMean,
  type GzslReport,
  type GzslScores,
  type GammaSelection,
  type GammaSelectionOptions,
} from "./gzsl";
export {
  zeroShotData,
  zeroShotEndToEnd,
  zeroShotJob,
  zeroShotProbes,
  fitAndScoreProbe,
  oneHotOnUnseen,
  type ProbeArgs,
  type ProbeOptions,
  type OneHotOnUnseen,
  type ZeroShotData,
  type ZeroShotRun,
  type ZeroShotSettings,
  type ZeroShotFeatures,
  type ZeroShotEndToEnd,
} from "./zero-shot-experiment";
export {
  superclassHeatmap,
  superclassHeatmapGrid,
  superclassTsne,
  cifar10Heatmaps,
  targetAccuracyBars,
  targetLossCurves,
  classGapScatter,
  zeroShotConfusion,
  zeroShotSourceBars,
} from "./figures";
export {
  settingsTable,
  structureTable,
  imageTable,
  targetTable,
  effectTable,
  classGapTable,
  zeroShotRow,
  zeroShotTable,
  probeTable,
  oneHotTable,
  pairingTable,
  durationsTable,
  gzslTable,
  gammaSelectionTable,
  type Table,
} from "./tables";
export {
  metrics,
  results,
  conclusion,
  targetsVerdict,
  classGapVerdict,
  classGapSummary,
  metricKey,
  gzslMetrics,
  gzslVerdict,
  runSummary,
  trainingsPlan,
  NEAR_ONEHOT,
  ONEHOT_AIM,
  CLOSE_TARGETS_SPEARMAN,
  HARD_CLASSES_SPEARMAN,
  LARGEST_LOSSES_SHOWN,
  SPREAD_CLASSES_SHOWN,
  type Outcome,
  type ClassGapSummary,
} from "./report";
