/**
 * metrics/ (above data): plain-number evaluation — accuracy and CIs, AUCs and bootstrap intervals, cosine
 * statistics, correlations, embedding-quality measures. No tfjs models: anyone's scores go in.
 */
export { accuracy, topK, argTopK, confusionMatrix, rocAuc, recallAtK } from "./classification";
export {
  cosine,
  cosineSimilarityMatrix,
  pairedCosine,
  meanCosine,
  normalizeRows,
  l2normalize,
  meanVector,
  nearestLabel,
  withinAcrossCosine,
} from "./cosine";
export type { NearestLabelResult } from "./cosine";
export { pearson, spearman, averageRanks } from "./correlation";
export { bootstrapCI, quantile } from "./bootstrap";
export type { BootstrapOptions, ConfidenceInterval } from "./bootstrap";
export { accuracyCI, accuracyDifferenceCI, type AccuracyWithCI, type AccuracyCIOptions } from "./accuracy-ci";
export { bootstrapAucCI, bootstrapPairedAucCI } from "./bootstrap-auc";
export type { BootstrapAucOptions } from "./bootstrap-auc";
export type { Vector } from "./check";
export * as embeddingQuality from "./embedding-quality";
