/**
 * A small GPT (GPT-2 architecture) in tfjs: byte-level BPE, offline pretraining on the Brown corpus,
 * checkpoints, generation, embeddings, LoRA and full fine-tuning, and GPT-2 weight loading.
 */
export { BpeTokenizer, preTokenize, EOT, type GptTokenizer, type BpeJson } from "./bpe";
export { GPT, KVCache, DEFAULT_CONFIG, paramShapes, validateConfig, type GptConfig, type ForwardOptions, type ForwardResult, type LinearHook } from "./model";
export { crossEntropy, gatherRows, gelu, layerNorm, linear, mm, tiedHead } from "./ops";
export { causalSelfAttention } from "./attention";
export { AdamW, trainStep, cosineLr, linearLr, type AdamWOptions } from "./adamw";
export { saveGptCheckpoint, loadGptCheckpoint, defaultCheckpointDir, CHECKPOINT_FORMAT, type CheckpointManifest, type LoadedGptCheckpoint } from "./checkpoint";
export { loadBrownDocs, detokenizeTagged, brownDir, type BrownDoc } from "./brown";
export { splitDocs, tokenStream, randomBatch, evalLoss, unigramLoss } from "./lm-data";
export { pretrain, TOKENIZER_EXTRA_TEXT, type PretrainOptions, type TrainingRecord } from "./pretrain";
export { generate, sampleNext, truncateLeft, type GenerateOptions, type GenerateResult } from "./generate";
export { embed, embedTensor, type EmbedOptions, type GptPooling } from "./embed";
export { LoraAdapters, DEFAULT_LORA, type LoraConfig, type LoraTarget } from "./lora";
export { finetune, buildExample, readTextJsonl, packExamples, nextExampleBatch, weightedLmLoss, RESPONSE_MARKER, type FinetuneOptions, type FinetuneResult, type Example, type PackedExamples } from "./finetune";
export { readSafetensors, writeSafetensors, type SafeTensor } from "./safetensors";
export { loadGpt2, configFromHf, mapGpt2Weights, gpt2Candidates, HfGptTokenizer, GPT2_FILES, type Gpt2Options } from "./gpt2";
export { loadTinyGpt, loadGptSpec, type GptSpec } from "./load";
export { bpeToHfTokenizerJson, bytesToUnicode } from "./hf-tokenizer-json";
