export { accuracy, topK, argTopK, confusionMatrix, rocAuc, recallAtK } from "./classification";
export { cosine, cosineSimilarityMatrix, pairedCosine, meanCosine, normalizeRows, l2normalize, meanVector, nearestLabel, withinAcrossCosine } from "./cosine";
export type { NearestLabelResult } from "./cosine";
export { pearson, spearman, averageRanks } from "./correlation";
export { bootstrapCI, quantile } from "./bootstrap";
export type { BootstrapOptions, ConfidenceInterval } from "./bootstrap";
export type { Vector } from "./check";
export * as embeddingQuality from "./embedding-quality";
