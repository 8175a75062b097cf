// Tiny local stand-ins for hub models, written with the least code that transformers.js 3.8.1 loads offline:
// ONNX graphs from the stand-in hub's builder (ci/src/standin/onnx-graph.ts), a WordPiece tokenizer.json, and two models — an NLI sequence classifier
// (masked sum of token vectors → 3 logits) and a causal LM (logits at t = masked cumulative sum of token
// vectors up to t + a vector of the token at t). Test helper only: graphs with known formulas, which the tests check outputs against.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

// --- ONNX (the stand-in hub's graph builder) ---
const require = createRequire(import.meta.url);
/** A lower-casing WordPiece tokenizer.json (the library's writer; `clsSep: false` = no post-processor). */
const wordPiece = require("@embedlab/lib").models.bert.wordPieceTokenizerJson;
const { OnnxGraph } = require(
  path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "ci", "dist", "standin", "onnx-graph.js"),
);

const idsAndMask = [
  { name: "input_ids", type: "int64", dims: ["batch", "seq"] },
  { name: "attention_mask", type: "int64", dims: ["batch", "seq"] },
];
/** emb·mask: each token's vector E[id], zeroed where the attention mask is 0 ([batch, seq, H]). */
function maskedTokens(g, E, V, H) {
  const emb = g.op("Gather", [g.weight("E", [V, H], Float32Array.from(E)), "input_ids"]);
  const maskf = g.op("Cast", ["attention_mask"], { to: 1 /* FLOAT */ });
  const mask3 = g.op("Unsqueeze", [maskf, g.ints([2], "axis2")]);
  return g.op("Mul", [emb, mask3]);
}

/** logits[b] = tanh(Σ_t mask[b,t]·E[ids[b,t]]) · W: independent of padding when the mask is honoured. */
export function nliOnnx(E, V, H, W) {
  const g = new OnnxGraph("tiny-nli");
  const summed = g.op("ReduceSum", [maskedTokens(g, E, V, H), g.ints([1], "axis1")], { keepdims: 0 });
  g.op("MatMul", [g.op("Tanh", [summed]), g.weight("W", [H, 3], Float32Array.from(W))], {}, "logits");
  return g.encode(idsAndMask, [{ name: "logits", type: "float32", dims: ["batch", 3] }]);
}

/** out[b,t] = Σ_{s≤t} mask[b,s]·E[ids[b,s]] + E2[ids[b,t]] ([batch, seq, V]), named `output` (default "logits"). */
export function causalLmOnnx(E, E2, V, output = "logits") {
  const g = new OnnxGraph("tiny-causal-lm");
  const cs = g.op("CumSum", [maskedTokens(g, E, V, V), g.ints([1], "axis1s", true)]);
  const own = g.op("Gather", [g.weight("E2", [V, V], Float32Array.from(E2)), "input_ids"]);
  g.op("Add", [cs, own], {}, output);
  return g.encode(idsAndMask, [{ name: output, type: "float32", dims: ["batch", "seq", V] }]);
}

function writeFiles(dir, files) {
  fs.mkdirSync(path.join(dir, "onnx"), { recursive: true });
  for (const [name, content] of Object.entries(files))
    fs.writeFileSync(path.join(dir, name), content instanceof Uint8Array ? content : JSON.stringify(content));
}

/** Deterministic pseudo-random weights in (−1, 1). */
export function weights(n, seed) {
  return Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233) * 0.9);
}

export const NLI_VOCAB = [
  "[PAD]",
  "[UNK]",
  "[CLS]",
  "[SEP]",
  "this",
  "example",
  "is",
  "negative",
  "positive",
  "a",
  "movie",
  "review",
  "bad",
  "good",
  "great",
  "film",
  "awful",
  "the",
  "plot",
  ".",
  "not",
  "##s",
];

/**
 * A BERT-typed NLI stand-in in `dir`: labels contradiction/neutral/entailment at `labelOrder` (default BART-MNLI's
 * 0/1/2). The [PAD] row of E is not zero, so a forward pass that let padding in would change the logits.
 */
export function writeTinyNli(dir, { H = 5, labelOrder = ["contradiction", "neutral", "entailment"] } = {}) {
  const V = NLI_VOCAB.length;
  writeFiles(dir, {
    "onnx/model.onnx": nliOnnx(weights(V * H, 1), V, H, weights(H * 3, 2)),
    "config.json": {
      model_type: "bert",
      architectures: ["BertForSequenceClassification"],
      hidden_size: H,
      vocab_size: V,
      id2label: Object.fromEntries(labelOrder.map((l, i) => [String(i), l])),
      label2id: Object.fromEntries(labelOrder.map((l, i) => [l, i])),
    },
    "tokenizer_config.json": {
      tokenizer_class: "BertTokenizer",
      do_lower_case: true,
      model_max_length: 64,
      cls_token: "[CLS]",
      sep_token: "[SEP]",
      pad_token: "[PAD]",
      unk_token: "[UNK]",
    },
    "tokenizer.json": wordPiece(NLI_VOCAB, { specials: ["[PAD]", "[UNK]", "[CLS]", "[SEP]"] }),
  });
  return dir;
}

export const LM_VOCAB = [
  "[PAD]",
  "[UNK]",
  "[U]",
  "[A]",
  "what",
  "is",
  "a",
  "gpu",
  "?",
  "openai",
  "in",
  "sf",
  "circuit",
  "the",
  ".",
];
/** The stand-in's chat template: "[U] <text> [A]" (a user turn, then the assistant prompt). */
export const LM_CHAT_TEMPLATE =
  "{% for m in messages %}[U] {{ m['content'] }}{% endfor %}{% if add_generation_prompt %} [A]{% endif %}";

/** A GPT-2-typed causal-LM stand-in in `dir` whose tokenizer pads on `paddingSide`; returns its weights. */
export function writeTinyCausalLm(dir, { paddingSide = "right" } = {}) {
  const V = LM_VOCAB.length;
  const E = weights(V * V, 3);
  const E2 = weights(V * V, 4);
  writeFiles(dir, {
    "onnx/model.onnx": causalLmOnnx(E, E2, V),
    "config.json": {
      model_type: "gpt2",
      architectures: ["GPT2LMHeadModel"],
      vocab_size: V,
      n_embd: 4,
      n_head: 1,
      n_layer: 1,
      n_positions: 64,
    },
    "tokenizer_config.json": {
      tokenizer_class: "PreTrainedTokenizer",
      model_max_length: 64,
      pad_token: "[PAD]",
      unk_token: "[UNK]",
      padding_side: paddingSide,
      chat_template: LM_CHAT_TEMPLATE,
    },
    "tokenizer.json": wordPiece(LM_VOCAB, { specials: ["[PAD]", "[UNK]", "[U]", "[A]"], clsSep: false }),
  });
  return { V, E, E2 };
}

/**
 * A BERT-typed feature-extraction stand-in in `dir` (last_hidden_state = the causal LM's formula over NLI_VOCAB),
 * so that [CLS] pooling (position 0: the same vector for every text) and mean pooling differ; returns its weights.
 */
export function writeTinyEncoder(dir) {
  const V = NLI_VOCAB.length;
  const E = weights(V * V, 5);
  const E2 = weights(V * V, 6);
  writeFiles(dir, {
    "onnx/model.onnx": causalLmOnnx(E, E2, V, "last_hidden_state"),
    "config.json": { model_type: "bert", architectures: ["BertModel"], hidden_size: V, vocab_size: V },
    "tokenizer_config.json": {
      tokenizer_class: "BertTokenizer",
      do_lower_case: true,
      model_max_length: 64,
      cls_token: "[CLS]",
      sep_token: "[SEP]",
      pad_token: "[PAD]",
      unk_token: "[UNK]",
    },
    "tokenizer.json": wordPiece(NLI_VOCAB, { specials: ["[PAD]", "[UNK]", "[CLS]", "[SEP]"] }),
  });
  return { V, E, E2 };
}
