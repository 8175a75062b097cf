/**
 * A tiny random BERT/ELECTRA checkpoint in Hugging Face's layout (config.json, model.safetensors with
 * `bert.` / `electra.` names and PyTorch [out, in] linear weights, a WordPiece tokenizer.json and
 * tokenizer_config.json): for tests, reference checks against PyTorch, and offline stand-ins of hub models.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Rng } from "../../core";
import { writeSafetensors } from "../gpt/safetensors";
import { bertParamShapes, type BertConfig } from "./model";
import { BERT_SPECIAL_TOKENS, wordPieceTokenizerJson } from "./wordpiece-json";

/** tokenizer_config.json for a WordPiece tokenizer with BERT's special tokens. */
export function wordPieceTokenizerConfig(lowercase = true, maxLength = 512): Record<string, unknown> {
  return {
    do_lower_case: lowercase,
    model_max_length: maxLength,
    pad_token: "[PAD]",
    unk_token: "[UNK]",
    cls_token: "[CLS]",
    sep_token: "[SEP]",
    mask_token: "[MASK]",
    tokenizer_class: "BertTokenizer",
  };
}

export interface TinyBertOptions {
  /** "electra": no pooler, `electra.` names; "bert": pooler, `bert.` names. Default "electra". */
  flavour?: "bert" | "electra";
  /** Words after the special tokens (default a small sentiment vocabulary with a few ## pieces). */
  words?: readonly string[];
  hiddenSize?: number;
  /** Embedding width (ELECTRA-small style when below hiddenSize: adds `embeddings_project`); default hiddenSize. */
  embeddingSize?: number;
  layers?: number;
  heads?: number;
  intermediateSize?: number;
  maxPositions?: number;
  /** Weight scale (default 0.2, large enough that a tiny model's outputs are not all near zero). */
  std?: number;
  seed?: number;
}

export const TINY_WORDS: readonly string[] = [
  "the",
  "a",
  "movie",
  "film",
  "is",
  "was",
  "good",
  "great",
  "fun",
  "bad",
  "awful",
  "boring",
  "not",
  "very",
  "and",
  "but",
  "it",
  "this",
  "plot",
  "acting",
  "love",
  "hate",
  "best",
  "worst",
  ".",
  ",",
  "!",
  "##s",
  "##ly",
  "##ing",
  "##ed",
  "story",
  "at",
  "all",
  "so",
  "too",
  "long",
  "short",
  "i",
  "of",
  "to",
  "in",
  "with",
  "no",
  "one",
];

/** Write a tiny random checkpoint into `dir`; returns its HF config.json object and vocabulary. */
export function writeTinyBert(
  dir: string,
  o: TinyBertOptions = {},
): { config: Record<string, unknown>; vocab: string[] } {
  const flavour = o.flavour ?? "electra";
  const vocab = [...BERT_SPECIAL_TOKENS, ...(o.words ?? TINY_WORDS)];
  const H = o.hiddenSize ?? 16;
  const E = o.embeddingSize ?? H;
  const hf = {
    architectures: [flavour === "bert" ? "BertModel" : "ElectraForPreTraining"],
    model_type: flavour,
    vocab_size: vocab.length,
    hidden_size: H,
    embedding_size: E,
    num_hidden_layers: o.layers ?? 2,
    num_attention_heads: o.heads ?? 2,
    intermediate_size: o.intermediateSize ?? 4 * H,
    max_position_embeddings: o.maxPositions ?? 64,
    type_vocab_size: 2,
    layer_norm_eps: 1e-12,
    hidden_act: "gelu",
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    pad_token_id: 0,
  };
  const cfg: BertConfig = {
    vocab_size: hf.vocab_size,
    hidden_size: H,
    num_hidden_layers: hf.num_hidden_layers,
    num_attention_heads: hf.num_attention_heads,
    intermediate_size: hf.intermediate_size,
    max_position_embeddings: hf.max_position_embeddings,
    type_vocab_size: 2,
    layer_norm_eps: 1e-12,
    hidden_act: "gelu",
    embedding_size: E,
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    pooler: flavour === "bert",
  };
  const rng = new Rng(o.seed ?? 0);
  const std = o.std ?? 0.2;
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, shape] of Object.entries(bertParamShapes(cfg))) {
    const linear = shape.length === 2 && !name.startsWith("embeddings.");
    const hfShape = linear ? [shape[1], shape[0]] : shape;
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const ln = name.includes("LayerNorm");
    for (let i = 0; i < data.length; i++)
      data[i] = ln && name.endsWith(".weight") ? 1 + 0.1 * rng.normal() : rng.normal() * (ln ? 0.1 : std);
    tensors[`${flavour}.${name}`] = { shape: hfShape, data };
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(hf, null, 2));
  writeSafetensors(path.join(dir, "model.safetensors"), tensors, { format: "pt" });
  fs.writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify(wordPieceTokenizerJson(vocab)));
  fs.writeFileSync(path.join(dir, "tokenizer_config.json"), JSON.stringify(wordPieceTokenizerConfig()));
  return { config: hf, vocab };
}
