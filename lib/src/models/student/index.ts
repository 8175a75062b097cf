/** The small student of notebook 02: a fastText-style embedding bag (+ optional frozen word vectors) in tfjs; training it (trainStudent) lives in experiments.trainWithoutLabels. */
export { studentTokens, bigrams, wordVectorSpelling } from "./tokenize";
export { wordVectorsFor, meanWordVectors, type WordVectorTable } from "./word-vectors";
export { buildFeatureIndex, encodeBags, featuresOf, type FeatureIndex } from "./features";
export { StudentModel, type StudentConfig } from "./model";
