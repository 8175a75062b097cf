/** Contrastive fine-tuning of the GPT into a sentence embedder (symmetric InfoNCE, in-batch negatives). */
export { contrastiveFinetune, type ContrastiveOptions, type ContrastiveResult, type ContrastiveStep } from "./finetune";
export { meanPooledHidden, tokenizeForPooling } from "./pooling";
export {
  splitQuestionsById,
  questionAnswerPairs,
  questionTitlePairs,
  neighbourPairs,
  dropoutPairs,
  wikiqaArticles,
  brownSentenceDocs,
  pairBatches,
  type TextPair,
  type QuestionSplit,
  type BrownSentenceOptions,
} from "./pairs";
