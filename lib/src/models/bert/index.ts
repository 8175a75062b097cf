/**
 * A BERT-family encoder (BERT, ELECTRA) in tfjs with Hugging Face weight loading (safetensors or PyTorch
 * `pytorch_model.bin`), its WordPiece tokenizer through transformers.js, and a text classifier on [CLS].
 * Its fine-tuning loop is in train (train.finetuneBertClassifier).
 */
export {
  BertEncoder,
  BertClassifier,
  bertParamShapes,
  headShapes,
  validateBertConfig,
  bertGelu,
  type BertConfig,
  type BertForwardOptions,
} from "./model";
export {
  loadBert,
  bertConfigFromHf,
  bertParamName,
  mapBertWeights,
  readBertWeightFile,
  bertCandidates,
  bertTokenizerFrom,
  BertTokenizer,
  BERT_STUDENT_MODEL_ID,
  BERT_WEIGHT_FILES,
  BERT_FILES,
  BERT_TOKENIZER_FILES,
  type BertOptions,
  type LoadedBert,
} from "./load";
export { readTorchBin } from "./torch-bin";
export { BertTextClassifier } from "./classifier";
export {
  wordPieceTokenizerJson,
  clsSepTemplate,
  addedToken,
  BERT_SPECIAL_TOKENS,
  type WordPieceJsonOptions,
} from "./wordpiece-json";
export { writeTinyBert, wordPieceTokenizerConfig, TINY_WORDS, type TinyBertOptions } from "./tiny";
