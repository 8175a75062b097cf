/** Contrastive fine-tuning of the GPT into a sentence embedder (symmetric InfoNCE, in-batch negatives). */
export { contrastiveFinetune, firstWords, type ContrastiveOptions, type ContrastiveResult, type ContrastiveStep } from "./finetune";
export { crossFitFinetune, type CrossFitOptions, type CrossFitFold } from "./cross-fit";
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
  type TextPair,
  type QuestionSplit,
  type QuestionFold,
  type BrownSentenceOptions,
} from "./pairs";
