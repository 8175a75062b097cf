/**
 * A small GPT (GPT-2 architecture) in tfjs: byte-level BPE, the Brown corpus and LM data, checkpoints,
 * generation, embeddings, LoRA adapters, instruction examples, and GPT-2 weight loading. Its pretraining
 * and fine-tuning loops are in train (train.pretrainGpt, train.finetuneGpt).
 */
export { BpeTokenizer, preTokenize, EOT, type GptTokenizer, type BpeJson } from "./bpe";
export {
  GPT,
  KVCache,
  DEFAULT_CONFIG,
  paramShapes,
  validateConfig,
  type GptConfig,
  type ForwardOptions,
  type ForwardResult,
  type LinearHook,
} from "./model";
export { crossEntropy, gatherRows, gelu, layerNorm, linear, mm, tiedHead } from "./ops";
export { layerNormFused, layerNormTf } from "./layer-norm";
export { causalSelfAttention } from "./attention";
export {
  saveGptCheckpoint,
  loadGptCheckpoint,
  defaultCheckpointDir,
  checkpointDir,
  readBitsPerByte,
  DEFAULT_TINY_GPT,
  CHECKPOINT_FORMAT,
  type TinyGptId,
  type CheckpointBitsPerByte,
  type CheckpointManifest,
  type LoadedGptCheckpoint,
  type TrainingRecord,
  type SaveGptOptions,
  type WeightsDtype,
} from "./checkpoint";
export { loadBrownDocs, detokenizeTagged, brownDir, type BrownDoc } from "./brown";
export { splitDocs, tokenStream, randomBatch, evalLoss, unigramLoss } from "./lm-data";
export { bitsPerByte, evalPrefix, type BitsPerByteOptions, type BitsPerByteResult } from "./lm-eval";
export { generate, sampleNext, truncateLeft, type GenerateOptions, type GenerateResult } from "./generate";
export { TypedDecoder, decoderFor } from "./typed-decoder";
export { rankTokens, type SampleOptions } from "./sample-next";
export { embed, embedTensor, type EmbedOptions, type GptPooling } from "./embed";
export { LoraAdapters, DEFAULT_LORA, type LoraConfig, type LoraTarget } from "./lora";
export {
  NF4_CODES,
  quantizeNf4,
  dequantizeNf4,
  nf4Bytes,
  QuantizedBase,
  type Nf4Tensor,
  type WeightMemory,
} from "./qlora";
export {
  buildExample,
  readTextJsonl,
  packExamples,
  nextExampleBatch,
  weightedLmLoss,
  RESPONSE_MARKER,
  type Example,
  type PackedExamples,
} from "./examples";
export { readSafetensors, writeSafetensors, f16ToF32, f32ToF16, type SafeTensor } from "./safetensors";
export {
  loadGpt2,
  configFromHf,
  mapGpt2Weights,
  gpt2Candidates,
  HfGptTokenizer,
  GPT2_FILES,
  type Gpt2Options,
} from "./gpt2";
export { loadTinyGpt, loadGptSpec, isTinyGptId, TINY_GPT_IDS, type GptSpec } from "./load";
export { bpeToHfTokenizerJson, bytesToUnicode, hfBpeModel } from "./hf-tokenizer-json";
