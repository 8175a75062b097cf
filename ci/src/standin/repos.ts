/**
 * The files of one stand-in repository per `HUB_MODELS` kind: config.json with the real repository's keys
 * (tiny sizes), tokenizer files of the real kind, and ONNX graphs with the input/output names and dtypes that
 * transformers.js 3.8.1 feeds and reads for that architecture (or GPT-2 safetensors with GPT-2's tensor names).
 * Weights are seeded random; graphs are minimal (embedding lookups, a projection, masked means) but give the
 * real output shapes and deterministic, input-dependent outputs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Rng, models } from "@embedlab/lib";
import { OnnxGraph, type IoSpec } from "./onnx-graph";
import { bartBpe, clipBpe, debertaUnigram, gpt2Bpe, qwen2Bpe, wordPiece, type TokenizerFiles } from "./tokenizers";

type HubModel = models.HubModel;
/** A file's contents, or how to write it (safetensors are written by the project's writer). */
export type RepoFile = Uint8Array | string | { write(file: string): void };
/** path inside the repository → file. */
export type RepoFiles = Map<string, RepoFile>;

/** Sizes of every stand-in (the real models' are in their config.json on the hub). */
export const STANDIN_SIZES = { hidden: 16, heads: 2, kvHeads: 1, layers: 2, projection: 8, image: 16, positions: 128 };

const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";
const ids = (name: string): IoSpec => ({ name, type: "int64", dims: ["batch_size", "sequence_length"] });

function randn(rng: Rng, n: number, scale = 0.5): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

/** Masked mean over the sequence: [b, s, H] × attention_mask [b, s] → [b, H]. */
function maskedMean(g: OnnxGraph, x: string, mask: string): string {
  const m = g.op("Unsqueeze", [g.op("Cast", [mask], { to: 1 }), g.ints([-1])]);
  const num = g.op("ReduceMean", [g.op("Mul", [x, m])], { axes: [1], keepdims: 0 });
  const den = g.op("ReduceMean", [m], { axes: [1], keepdims: 0 });
  return g.op("Div", [num, den]);
}

function writeTokenizer(files: RepoFiles, tok: TokenizerFiles): void {
  files.set("tokenizer.json", json(tok.tokenizer));
  files.set("tokenizer_config.json", json(tok.config));
}

/** Every ONNX file the entry lists gets the same graph (the q8 file carries fp32 weights: shapes are what matter). */
function writeOnnx(files: RepoFiles, m: HubModel, name: string, bytes: Uint8Array): void {
  for (const f of m.files) if (f.startsWith(`onnx/${name}`) && f.endsWith(".onnx")) files.set(f, bytes);
}

/**
 * BERT: input_ids, attention_mask, token_type_ids (int64) → last_hidden_state [b, s, H] (BertModel), or, for a
 * fill-mask export (BertForMaskedLM, what Xenova/bert-base-uncased's "main" holds), logits [b, s, vocab].
 */
function bertGraph(rng: Rng, V: number, maskedLm: boolean): Uint8Array {
  const H = STANDIN_SIZES.hidden;
  const g = new OnnxGraph(maskedLm ? "bert_mlm" : "bert");
  const e = g.op("Gather", [g.weight("embeddings.word_embeddings.weight", [V, H], randn(rng, V * H)), "input_ids"]);
  const t = g.op("Gather", [
    g.weight("embeddings.token_type_embeddings.weight", [2, H], randn(rng, 2 * H)),
    "token_type_ids",
  ]);
  // each token sees the masked mean of its sequence, so a [CLS] row (CLS pooling) depends on the text
  const tokens = g.op("Add", [e, t]);
  const ctx = g.op("Unsqueeze", [maskedMean(g, tokens, "attention_mask"), g.ints([1])]);
  const x = g.op("Add", [tokens, ctx]);
  const h = g.op("Tanh", [
    g.op("Add", [
      g.op("MatMul", [x, g.weight("encoder.layer.0.output.dense.weight", [H, H], randn(rng, H * H))]),
      g.weight("encoder.layer.0.output.dense.bias", [H], randn(rng, H, 0.1)),
    ]),
  ]);
  const inputs = [ids("input_ids"), ids("attention_mask"), ids("token_type_ids")];
  if (maskedLm) {
    g.op("MatMul", [h, g.weight("cls.predictions.decoder.weight", [H, V], randn(rng, H * V))], {}, "logits");
    return g.encode(inputs, [{ name: "logits", type: "float32", dims: ["batch_size", "sequence_length", V] }]);
  }
  const m = g.op("Unsqueeze", [g.op("Cast", ["attention_mask"], { to: 1 }), g.ints([-1])]);
  g.op("Mul", [h, m], {}, "last_hidden_state");
  return g.encode(inputs, [{ name: "last_hidden_state", type: "float32", dims: ["batch_size", "sequence_length", H] }]);
}

function bertConfig(V: number, architecture: string, extra: Record<string, unknown> = {}) {
  const H = STANDIN_SIZES.hidden;
  return {
    architectures: [architecture],
    attention_probs_dropout_prob: 0.1,
    classifier_dropout: null,
    hidden_act: "gelu",
    hidden_dropout_prob: 0.1,
    hidden_size: H,
    initializer_range: 0.02,
    intermediate_size: 4 * H,
    layer_norm_eps: 1e-12,
    max_position_embeddings: 512,
    model_type: "bert",
    num_attention_heads: STANDIN_SIZES.heads,
    num_hidden_layers: STANDIN_SIZES.layers,
    pad_token_id: 0,
    position_embedding_type: "absolute",
    transformers_version: "4.34.0",
    type_vocab_size: 2,
    use_cache: true,
    vocab_size: V,
    ...extra,
  };
}

/** A feature-extraction repo (BERT family, WordPiece); `maskedLm` gives the fill-mask export instead. */
export function featureExtractionRepo(m: HubModel, rng: Rng, maskedLm = false): RepoFiles {
  const files: RepoFiles = new Map();
  const tok = wordPiece({ modelMaxLength: 512 });
  writeTokenizer(files, tok);
  files.set("config.json", json(bertConfig(tok.size, maskedLm ? "BertForMaskedLM" : "BertModel")));
  writeOnnx(files, m, "model", bertGraph(rng, tok.size, maskedLm));
  return files;
}

/** CLIP: text_model.onnx (input_ids, attention_mask → text_embeds, last_hidden_state), vision_model.onnx (pixel_values → image_embeds). */
export function clipRepo(m: HubModel, rng: Rng): RepoFiles {
  const { hidden: H, projection: P, image: S } = STANDIN_SIZES;
  const files: RepoFiles = new Map();
  const tok = clipBpe(77);
  writeTokenizer(files, tok);
  const V = tok.size;
  files.set(
    "config.json",
    json({
      architectures: ["CLIPModel"],
      initializer_factor: 1.0,
      logit_scale_init_value: 2.6592,
      model_type: "clip",
      projection_dim: P,
      transformers_version: "4.34.0",
      text_config: {
        model_type: "clip_text_model",
        bos_token_id: V - 2,
        eos_token_id: V - 1,
        pad_token_id: 1,
        hidden_act: "quick_gelu",
        hidden_size: H,
        intermediate_size: 4 * H,
        max_position_embeddings: 77,
        num_attention_heads: STANDIN_SIZES.heads,
        num_hidden_layers: STANDIN_SIZES.layers,
        projection_dim: P,
        vocab_size: V,
      },
      vision_config: {
        model_type: "clip_vision_model",
        hidden_act: "quick_gelu",
        hidden_size: H,
        image_size: S,
        intermediate_size: 4 * H,
        num_attention_heads: STANDIN_SIZES.heads,
        num_hidden_layers: STANDIN_SIZES.layers,
        patch_size: S / 2,
        projection_dim: P,
      },
    }),
  );
  files.set(
    "preprocessor_config.json",
    json({
      crop_size: S,
      do_center_crop: true,
      do_convert_rgb: true,
      do_normalize: true,
      do_resize: true,
      feature_extractor_type: "CLIPFeatureExtractor",
      image_mean: [0.48145466, 0.4578275, 0.40821073],
      image_std: [0.26862954, 0.26130258, 0.27577711],
      resample: 3,
      size: S,
    }),
  );
  const t = new OnnxGraph("clip_text");
  const e = t.op(
    "Gather",
    [t.weight("text_model.embeddings.token_embedding.weight", [V, H], randn(rng, V * H)), "input_ids"],
    {},
    "last_hidden_state",
  );
  const pooled = maskedMean(t, e, "attention_mask");
  t.op("MatMul", [pooled, t.weight("text_projection.weight", [H, P], randn(rng, H * P))], {}, "text_embeds");
  writeOnnx(
    files,
    m,
    "text_model",
    t.encode(
      [ids("input_ids"), ids("attention_mask")],
      [
        { name: "text_embeds", type: "float32", dims: ["batch_size", P] },
        { name: "last_hidden_state", type: "float32", dims: ["batch_size", "sequence_length", H] },
      ],
    ),
  );
  const v = new OnnxGraph("clip_vision");
  const flat = v.op("Flatten", ["pixel_values"], { axis: 1 });
  v.op(
    "MatMul",
    [flat, v.weight("visual_projection.weight", [3 * S * S, P], randn(rng, 3 * S * S * P, 0.05))],
    {},
    "image_embeds",
  );
  writeOnnx(
    files,
    m,
    "vision_model",
    v.encode(
      [{ name: "pixel_values", type: "float32", dims: ["batch_size", 3, S, S] }],
      [{ name: "image_embeds", type: "float32", dims: ["batch_size", P] }],
    ),
  );
  return files;
}

const NLI_LABELS: Record<string, Record<string, string>> = {
  // the real configs' orders: BART-large-MNLI and the cross-encoder DeBERTa-v3 NLI models differ
  bart: { "0": "contradiction", "1": "neutral", "2": "entailment" },
  "deberta-v2": { "0": "contradiction", "1": "entailment", "2": "neutral" },
};

/** NLI sequence classification: input_ids, attention_mask → logits [b, 3]; id2label/label2id with entailment/contradiction. */
export function nliRepo(m: HubModel, rng: Rng): RepoFiles {
  const H = STANDIN_SIZES.hidden;
  const files: RepoFiles = new Map();
  const bart = m.modelType === "bart";
  const tok = bart ? bartBpe() : debertaUnigram();
  writeTokenizer(files, tok);
  const V = tok.size;
  const id2label = NLI_LABELS[m.modelType];
  const label2id = Object.fromEntries(Object.entries(id2label).map(([i, l]) => [l, Number(i)]));
  const common = { id2label, label2id, vocab_size: V, transformers_version: "4.34.0" };
  files.set(
    "config.json",
    json(
      bart
        ? {
            architectures: ["BartForSequenceClassification"],
            model_type: "bart",
            activation_function: "gelu",
            d_model: H,
            encoder_layers: STANDIN_SIZES.layers,
            decoder_layers: STANDIN_SIZES.layers,
            encoder_attention_heads: STANDIN_SIZES.heads,
            decoder_attention_heads: STANDIN_SIZES.heads,
            encoder_ffn_dim: 4 * H,
            decoder_ffn_dim: 4 * H,
            max_position_embeddings: 1024,
            is_encoder_decoder: true,
            bos_token_id: 0,
            pad_token_id: 1,
            eos_token_id: 2,
            decoder_start_token_id: 2,
            forced_bos_token_id: 0,
            normalize_before: false,
            scale_embedding: false,
            ...common,
          }
        : {
            architectures: ["DebertaV2ForSequenceClassification"],
            model_type: "deberta-v2",
            hidden_act: "gelu",
            hidden_size: H,
            intermediate_size: 4 * H,
            num_attention_heads: STANDIN_SIZES.heads,
            num_hidden_layers: STANDIN_SIZES.layers,
            max_position_embeddings: 512,
            max_relative_positions: -1,
            position_buckets: 256,
            relative_attention: true,
            norm_rel_ebd: "layer_norm",
            pos_att_type: ["p2c", "c2p"],
            position_biased_input: false,
            share_att_key: true,
            type_vocab_size: 0,
            layer_norm_eps: 1e-7,
            pad_token_id: 0,
            ...common,
          },
    ),
  );
  const g = new OnnxGraph(bart ? "bart_nli" : "deberta_nli");
  const e = g.op("Gather", [
    g.weight(bart ? "model.shared.weight" : "deberta.embeddings.word_embeddings.weight", [V, H], randn(rng, V * H)),
    "input_ids",
  ]);
  const pooled = maskedMean(g, e, "attention_mask");
  g.op(
    "Add",
    [
      g.op("MatMul", [pooled, g.weight("classification_head.out_proj.weight", [H, 3], randn(rng, H * 3))]),
      g.weight("classification_head.out_proj.bias", [3], randn(rng, 3, 0.1)),
    ],
    {},
    "logits",
  );
  writeOnnx(
    files,
    m,
    "model",
    g.encode([ids("input_ids"), ids("attention_mask")], [{ name: "logits", type: "float32", dims: ["batch_size", 3] }]),
  );
  return files;
}

/**
 * Qwen2 causal LM, as the onnx-community export: input_ids, attention_mask, position_ids (int64) and
 * past_key_values.N.key/value [b, kv_heads, past, head_dim] → logits [b, s, vocab] and present.N.key/value
 * [b, kv_heads, past + s, head_dim]. The logits see each token and the mean of its sequence.
 */
export function causalLmRepo(m: HubModel, rng: Rng): RepoFiles {
  const { hidden: H, heads, kvHeads: KV, layers: L } = STANDIN_SIZES;
  const HD = H / heads;
  const files: RepoFiles = new Map();
  const tok = qwen2Bpe();
  writeTokenizer(files, tok);
  const V = Math.ceil(tok.size / 64) * 64; // padded, like the real 151,936 > 151,665 tokens
  const eos = tok.size - 1;
  const pad = tok.size - 3;
  files.set(
    "config.json",
    json({
      architectures: ["Qwen2ForCausalLM"],
      attention_dropout: 0.0,
      bos_token_id: pad,
      eos_token_id: eos,
      hidden_act: "silu",
      hidden_size: H,
      initializer_range: 0.02,
      intermediate_size: 4 * H,
      max_position_embeddings: 32768,
      max_window_layers: L,
      model_type: "qwen2",
      num_attention_heads: heads,
      num_hidden_layers: L,
      num_key_value_heads: KV,
      rms_norm_eps: 1e-6,
      rope_theta: 1000000.0,
      sliding_window: 32768,
      tie_word_embeddings: true,
      torch_dtype: "bfloat16",
      transformers_version: "4.43.1",
      use_cache: true,
      use_sliding_window: false,
      vocab_size: V,
      "transformers.js_config": { kv_cache_dtype: { q4f16: "float16", fp16: "float16" } },
    }),
  );
  files.set(
    "generation_config.json",
    json({
      bos_token_id: pad,
      pad_token_id: pad,
      do_sample: true,
      eos_token_id: [eos, pad],
      repetition_penalty: 1.1,
      temperature: 0.7,
      top_p: 0.8,
      top_k: 20,
      transformers_version: "4.43.1",
    }),
  );
  const g = new OnnxGraph("qwen2");
  const x = g.op("Gather", [g.weight("model.embed_tokens.weight", [V, H], randn(rng, V * H)), "input_ids"]);
  const kvShape = g.ints([0, 0, KV, HD]);
  const inputs: IoSpec[] = [ids("input_ids"), ids("attention_mask"), ids("position_ids")];
  const outputs: IoSpec[] = [{ name: "logits", type: "float32", dims: ["batch_size", "sequence_length", V] }];
  for (let i = 0; i < L; i++) {
    for (const kv of ["key", "value"]) {
      const proj = kv === "key" ? "k_proj" : "v_proj";
      const w = g.weight(`model.layers.${i}.self_attn.${proj}.weight`, [H, KV * HD], randn(rng, H * KV * HD));
      const heads4 = g.op("Transpose", [g.op("Reshape", [g.op("MatMul", [x, w]), kvShape])], { perm: [0, 2, 1, 3] });
      g.op("Concat", [`past_key_values.${i}.${kv}`, heads4], { axis: 2 }, `present.${i}.${kv}`);
      inputs.push({
        name: `past_key_values.${i}.${kv}`,
        type: "float32",
        dims: ["batch_size", KV, "past_sequence_length", HD],
      });
      outputs.push({
        name: `present.${i}.${kv}`,
        type: "float32",
        dims: ["batch_size", KV, "total_sequence_length", HD],
      });
    }
  }
  const ctx = g.op("ReduceMean", [x], { axes: [1], keepdims: 1 });
  g.op("MatMul", [g.op("Add", [x, ctx]), g.weight("lm_head.weight", [H, V], randn(rng, H * V))], {}, "logits");
  writeOnnx(files, m, "model", g.encode(inputs, outputs));
  return files;
}

/** GPT-2: config.json with GPT-2's keys, model.safetensors with GPT-2's tensor names (incl. the attn.bias buffers), byte-level BPE. */
export function gpt2Repo(_m: HubModel, rng: Rng): RepoFiles {
  const { hidden: C, heads, layers: L, positions: P } = STANDIN_SIZES;
  const files: RepoFiles = new Map();
  const tok = gpt2Bpe();
  writeTokenizer(files, tok);
  const V = tok.size;
  files.set(
    "config.json",
    json({
      activation_function: "gelu_new",
      architectures: ["GPT2LMHeadModel"],
      attn_pdrop: 0.1,
      bos_token_id: V - 1,
      embd_pdrop: 0.1,
      eos_token_id: V - 1,
      initializer_range: 0.02,
      layer_norm_epsilon: 1e-5,
      model_type: "gpt2",
      n_ctx: P,
      n_embd: C,
      n_head: heads,
      n_layer: L,
      n_positions: P,
      resid_pdrop: 0.1,
      summary_activation: null,
      summary_first_dropout: 0.1,
      summary_proj_to_labels: true,
      summary_type: "cls_index",
      summary_use_proj: true,
      task_specific_params: { "text-generation": { do_sample: true, max_length: 50 } },
      vocab_size: V,
    }),
  );
  files.set(
    "generation_config.json",
    json({ bos_token_id: V - 1, eos_token_id: V - 1, transformers_version: "4.26.0.dev0" }),
  );
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  const put = (name: string, shape: number[], data?: Float32Array) =>
    (tensors[name] = {
      shape,
      data:
        data ??
        randn(
          rng,
          shape.reduce((a, b) => a * b, 1),
          0.02,
        ),
    });
  const fill = (n: number, v: number) => new Float32Array(n).fill(v);
  put("wte.weight", [V, C]);
  put("wpe.weight", [P, C]);
  const causal = Float32Array.from({ length: P * P }, (_, k) => (k % P <= Math.floor(k / P) ? 1 : 0));
  for (let i = 0; i < L; i++) {
    const p = `h.${i}.`;
    put(p + "ln_1.weight", [C], fill(C, 1));
    put(p + "ln_1.bias", [C], fill(C, 0));
    put(p + "attn.bias", [1, 1, P, P], causal);
    put(p + "attn.c_attn.weight", [C, 3 * C]);
    put(p + "attn.c_attn.bias", [3 * C]);
    put(p + "attn.c_proj.weight", [C, C]);
    put(p + "attn.c_proj.bias", [C]);
    put(p + "ln_2.weight", [C], fill(C, 1));
    put(p + "ln_2.bias", [C], fill(C, 0));
    put(p + "mlp.c_fc.weight", [C, 4 * C]);
    put(p + "mlp.c_fc.bias", [4 * C]);
    put(p + "mlp.c_proj.weight", [4 * C, C]);
    put(p + "mlp.c_proj.bias", [C]);
  }
  put("ln_f.weight", [C], fill(C, 1));
  put("ln_f.bias", [C], fill(C, 0));
  files.set("model.safetensors", { write: (file) => models.gpt.writeSafetensors(file, tensors, { format: "pt" }) });
  return files;
}

/**
 * ELECTRA (BERT family) for this project's BERT loader: config.json with ElectraConfig's keys, model.safetensors
 * with `electra.` names and PyTorch [out, in] linear weights, a WordPiece tokenizer (the project's tiny-checkpoint
 * writer, seeded from the generator's stream).
 */
export function bertRepo(_m: HubModel, rng: Rng): RepoFiles {
  const { hidden, heads, layers, positions } = STANDIN_SIZES;
  const seed = Math.floor(rng.next() * 2 ** 31);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-standin-bert-"));
  try {
    models.bert.writeTinyBert(tmp, {
      flavour: "electra",
      hiddenSize: hidden,
      heads,
      layers,
      intermediateSize: 2 * hidden,
      maxPositions: positions,
      seed,
    });
    const files: RepoFiles = new Map();
    for (const f of fs.readdirSync(tmp)) files.set(f, new Uint8Array(fs.readFileSync(path.join(tmp, f))));
    return files;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
