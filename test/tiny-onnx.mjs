// Tiny local stand-ins for hub models, written with the least code that transformers.js 3.8.1 loads offline:
// a minimal ONNX protobuf writer, a WordPiece tokenizer.json, and two models — an NLI sequence classifier
// (masked sum of token vectors → 3 logits) and a causal LM (logits at t = masked cumulative sum of token
// vectors up to t + a vector of the token at t). Test helper only; the shared stand-in generator replaces it.
import * as fs from "node:fs";
import * as path from "node:path";

// --- protobuf ---
function varint(n) {
  const out = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Buffer.from(out);
}
const key = (f, wt) => varint((f << 3) | wt);
const fVar = (f, n) => Buffer.concat([key(f, 0), varint(n)]);
const fBytes = (f, b) => {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b);
  return Buffer.concat([key(f, 2), varint(buf.length), buf]);
};
const msg = (...parts) => Buffer.concat(parts);

// --- ONNX ---
const FLOAT = 1;
const INT64 = 7;
function valueInfo(name, elemType, dims) {
  const shape = msg(...dims.map((d) => fBytes(1, typeof d === "number" ? fVar(1, d) : fBytes(2, d))));
  return msg(fBytes(1, name), fBytes(2, fBytes(1, msg(fVar(1, elemType), fBytes(2, shape)))));
}
function floatTensor(name, dims, values) {
  return msg(
    ...dims.map((d) => fVar(1, d)),
    fVar(2, FLOAT),
    fBytes(8, name),
    fBytes(9, Buffer.from(new Float32Array(values).buffer)),
  );
}
function int64Tensor(name, dims, values) {
  return msg(
    ...dims.map((d) => fVar(1, d)),
    fVar(2, INT64),
    fBytes(8, name),
    fBytes(9, Buffer.from(new BigInt64Array(values.map(BigInt)).buffer)),
  );
}
const intAttr = (name, i) => msg(fBytes(1, name), fVar(3, i), fVar(20, 2 /* INT */));
function node(op, inputs, outputs, attrs = []) {
  return msg(
    ...inputs.map((x) => fBytes(1, x)),
    ...outputs.map((x) => fBytes(2, x)),
    fBytes(3, outputs[0]),
    fBytes(4, op),
    ...attrs.map((a) => fBytes(5, a)),
  );
}
function model(nodes, initializers, inputs, outputs) {
  const graph = msg(
    ...nodes.map((n) => fBytes(1, n)),
    fBytes(2, "tiny"),
    ...initializers.map((t) => fBytes(5, t)),
    ...inputs.map((v) => fBytes(11, v)),
    ...outputs.map((v) => fBytes(12, v)),
  );
  return msg(fVar(1, 8 /* ir_version */), fBytes(7, graph), fBytes(8, msg(fBytes(1, ""), fVar(2, 13 /* opset */))));
}
const maskedTokens = [
  node("Gather", ["E", "input_ids"], ["emb"]),
  node("Cast", ["attention_mask"], ["maskf"], [intAttr("to", FLOAT)]),
  node("Unsqueeze", ["maskf", "axis2"], ["mask3"]),
  node("Mul", ["emb", "mask3"], ["masked"]),
];
const idsAndMask = [
  valueInfo("input_ids", INT64, ["batch", "seq"]),
  valueInfo("attention_mask", INT64, ["batch", "seq"]),
];

/** logits[b] = tanh(Σ_t mask[b,t]·E[ids[b,t]]) · W: independent of padding when the mask is honoured. */
export function nliOnnx(E, V, H, W) {
  return model(
    [
      ...maskedTokens,
      node("ReduceSum", ["masked", "axis1"], ["summed"], [intAttr("keepdims", 0)]),
      node("Tanh", ["summed"], ["pooled"]),
      node("MatMul", ["pooled", "W"], ["logits"]),
    ],
    [
      floatTensor("E", [V, H], E),
      floatTensor("W", [H, 3], W),
      int64Tensor("axis1", [1], [1]),
      int64Tensor("axis2", [1], [2]),
    ],
    idsAndMask,
    [valueInfo("logits", FLOAT, ["batch", 3])],
  );
}

/** out[b,t] = Σ_{s≤t} mask[b,s]·E[ids[b,s]] + E2[ids[b,t]] ([batch, seq, V]), named `output` (default "logits"). */
export function causalLmOnnx(E, E2, V, output = "logits") {
  return model(
    [
      ...maskedTokens,
      node("CumSum", ["masked", "axis1s"], ["cs"]),
      node("Gather", ["E2", "input_ids"], ["own"]),
      node("Add", ["cs", "own"], [output]),
    ],
    [
      floatTensor("E", [V, V], E),
      floatTensor("E2", [V, V], E2),
      int64Tensor("axis1s", [], [1]),
      int64Tensor("axis2", [1], [2]),
    ],
    idsAndMask,
    [valueInfo(output, FLOAT, ["batch", "seq", V])],
  );
}

// --- tokenizer ---
const special = (id, content) => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: true,
});

/** A lower-casing WordPiece tokenizer.json over `vocab`; `specials` are its first entries. `pair` = BERT's [CLS] A [SEP] B [SEP]. */
export function wordPieceTokenizer(vocab, specials, { bert = false } = {}) {
  const id = (t) => vocab.indexOf(t);
  const cls = { SpecialToken: { id: "[CLS]", type_id: 0 } };
  const sep = (type_id) => ({ SpecialToken: { id: "[SEP]", type_id } });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: specials.map((t) => special(id(t), t)),
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: bert
      ? {
          type: "TemplateProcessing",
          single: [cls, { Sequence: { id: "A", type_id: 0 } }, sep(0)],
          pair: [cls, { Sequence: { id: "A", type_id: 0 } }, sep(0), { Sequence: { id: "B", type_id: 1 } }, sep(1)],
          special_tokens: {
            "[CLS]": { id: "[CLS]", ids: [id("[CLS]")], tokens: ["[CLS]"] },
            "[SEP]": { id: "[SEP]", ids: [id("[SEP]")], tokens: ["[SEP]"] },
          },
        }
      : null,
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: "[UNK]",
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((w, i) => [w, i])),
    },
  };
}

function writeFiles(dir, files) {
  fs.mkdirSync(path.join(dir, "onnx"), { recursive: true });
  for (const [name, content] of Object.entries(files))
    fs.writeFileSync(path.join(dir, name), Buffer.isBuffer(content) ? content : JSON.stringify(content));
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
    "tokenizer.json": wordPieceTokenizer(NLI_VOCAB, ["[PAD]", "[UNK]", "[CLS]", "[SEP]"], { bert: true }),
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
    "tokenizer.json": wordPieceTokenizer(LM_VOCAB, ["[PAD]", "[UNK]", "[U]", "[A]"]),
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
    "tokenizer.json": wordPieceTokenizer(NLI_VOCAB, ["[PAD]", "[UNK]", "[CLS]", "[SEP]"], { bert: true }),
  });
  return { V, E, E2 };
}
