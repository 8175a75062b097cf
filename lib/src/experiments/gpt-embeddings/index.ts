/**
 * Notebook 03 (are GPTs good embedding models?): the four-pair demo, five embeddings measured on WikiQA,
 * anisotropy, and cross-fitted contrastive fine-tuning of the GPT.
 */
export { resolveConfig, stepsForFold, paramsRecord, DEFAULT_GPT, DEFAULT_ENCODER, DEFAULT_CHAT_LM, SELECTED_STEPS, FULL_STEPS, EMBED_BATCH, type Params, type Config, type Profile, type FinetunePooling } from "./config";
export { loadQuestions, describeQuestions, unrelatedSentences, dataRecord, type Questions } from "./questions";
export { loadModels, gptEmbed, memoizeEmbed, pretrainedPoolings, embeddingsToCompare, modelsTable, modelsRecord, FINETUNED_SHORT, type Models, type GptPretraining, type PretrainedPoolings, type NamedEmbedding } from "./embedders";
export { hfLastTokenLogits, type LastTokenLogitsOptions, type LastTokenLogitsEmbedder } from "./hf-last-token";
export { QUESTIONS, ANSWERS, FOUR, Q_LABELS, A_LABELS, fourPair, fourPairMatrix, diagOff, demoGap, fourPairDemo, addFinetuned, fourPairHeatmap, finetunedHeatmap, fourPairFigures, fourPairTable, type FourPairMatrix, type FourPairDemo } from "./four-pair";
export { measureAll, aucWithCI, aucTable, aucBars, cosineHistogram, histogramFigures, HISTOGRAM_REPORTS, anisotropyTable, anisotropyBars, meanLogitTopTokens, describeTopTokens } from "./measure";
export {
  splitQuestionsById,
  questionFolds,
  questionAnswerPairs,
  questionTitlePairs,
  neighbourPairs,
  dropoutPairs,
  cropPairs,
  wikiqaArticles,
  brownSentenceDocs,
  pairBatches,
  pairsFromSources,
  PAIR_SOURCES,
  type TextPair,
  type QuestionSplit,
  type QuestionFold,
  type BrownSentenceOptions,
} from "./pairs";
export { contrastiveFinetune, firstWords, type ContrastiveOptions, type ContrastiveResult, type ContrastiveStep } from "./finetune";
export { crossFitFinetune, finetuneFold, type CrossFitOptions, type CrossFitFold, type FinetuneFoldArgs, type FinetuneFoldResult } from "./cross-fit";
export { poolSeparations, poolFoldReports, compareFolds, describeGain, finetuneTable, lossCurves, beforeAfterTable, beforeAfterBars, type FoldGain, type FinetuneComparison } from "./pool-folds";
export {
  metrics,
  conclusion,
  flatReport,
  extraRecord,
  EMBEDDING_KEYS,
  POST_LOGITS_GAP,
  POST_E5_GAP,
  CENTERED_NEAR_CHANCE_AUC,
  TARGET_GAIN,
  GAIN_CI_LO_ABOVE,
  type ReportInput,
  type FoldRun,
} from "./report";
