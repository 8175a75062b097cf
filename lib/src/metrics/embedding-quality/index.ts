/** Embedding diagnostics: relevant-vs-irrelevant separation (AUC, group means) and anisotropy. */
export {
  pairSeparation,
  separationOfScores,
  pairedAucDifference,
  type Separation,
  type SeparationOptions,
} from "./separation";
export { anisotropy, anisotropyReport, centerRows, meanRow, type AnisotropyReport } from "./anisotropy";
export { qaEvalSet, evaluateOnQa, embedUnique, type EmbedFn, type QaEvalSet, type QaEmbeddingReport } from "./qa-eval";
