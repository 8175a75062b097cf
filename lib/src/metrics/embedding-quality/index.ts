/** Embedding diagnostics: relevant-vs-irrelevant separation (AUC, group means) and anisotropy. */
export { pairSeparation, separationOfScores, pairedAucDifference, type Separation, type SeparationOptions } from "./separation";
export { anisotropy, anisotropyReport, centerRows, meanRow, type AnisotropyReport } from "./anisotropy";
export { qaEvalSet, evaluateOnQa, embedUnique, memoizeEmbed, type EmbedFn, type QaEvalSet, type QaEmbeddingReport } from "./qa-eval";
export { poolSeparations, poolFoldReports } from "./cross-fit";
export { hfLastTokenLogits, type LastTokenLogitsOptions, type LastTokenLogitsEmbedder } from "./hf-last-token";
