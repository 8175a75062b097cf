/** Embedding diagnostics: relevant-vs-irrelevant separation (AUC, group means) and anisotropy. */
export { pairSeparation, separationOfScores, type Separation, type SeparationOptions } from "./separation";
export { anisotropy, anisotropyReport, centerRows, meanRow, type AnisotropyReport } from "./anisotropy";
