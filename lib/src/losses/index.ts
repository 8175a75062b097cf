/** losses/ (above metrics): training losses as tf ops — classification, regression, contrastive, language-model. */
export { oneHotCrossEntropy, embeddingCrossEntropy } from "./classification";
export { cosineRegression, mseRegression } from "./regression";
export { marginRanking, infoNCE } from "./contrastive";
export { lmCrossEntropy } from "./lm";
export { projectionHead } from "./projection";
export type { ProjectionHead, ProjectionHeadOptions } from "./projection";
export { softmaxCrossEntropyRows } from "./softmax-ce";
export { matMulABt, l2NormalizeRows } from "./matmul";
