/**
 * A BERT-family encoder in tfjs (BERT, ELECTRA's discriminator): word + position + token-type embeddings
 * and LayerNorm (ELECTRA with a smaller embedding width adds `embeddings_project`), then N post-LN encoder
 * layers (multi-head self-attention with an attention mask, residual, LayerNorm; GELU feed-forward,
 * residual, LayerNorm), and a classification head on the [CLS] position.
 *
 * Parameter names are Hugging Face's without the `bert.` / `electra.` prefix
 * (`encoder.layer.0.attention.self.query.weight`); linear weights are stored as [in, out], i.e. the
 * transpose of PyTorch's `nn.Linear.weight` (the loader transposes), so every linear layer is `x @ W + b`.
 * The head is BERT's (pooler `tanh(dense(CLS))` → `classifier`) when the checkpoint has a pooler, else
 * ELECTRA's (`classifier.dense` → GELU → `classifier.out_proj` on CLS); it is initialised fresh.
 */
import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, Rng } from "../../core";
import { layerNorm, linear, mm } from "../gpt/ops";

export interface BertConfig {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  max_position_embeddings: number;
  type_vocab_size: number;
  layer_norm_eps: number;
  /** "gelu": the exact erf form BERT and ELECTRA use; "gelu_new": GPT-2's tanh approximation. */
  hidden_act: "gelu" | "gelu_new";
  /** Width of the embeddings (ELECTRA-small: 128, projected to hidden_size); = hidden_size for BERT. */
  embedding_size: number;
  hidden_dropout_prob: number;
  attention_probs_dropout_prob: number;
  /** The checkpoint has BERT's pooler (`pooler.dense`); ELECTRA's discriminator has none. */
  pooler: boolean;
}

/** Every encoder parameter's name and shape ([in, out] for linear weights), in a fixed order. */
export function bertParamShapes(c: BertConfig): Record<string, number[]> {
  const H = c.hidden_size;
  const E = c.embedding_size;
  const I = c.intermediate_size;
  const s: Record<string, number[]> = {
    "embeddings.word_embeddings.weight": [c.vocab_size, E],
    "embeddings.position_embeddings.weight": [c.max_position_embeddings, E],
    "embeddings.token_type_embeddings.weight": [c.type_vocab_size, E],
    "embeddings.LayerNorm.weight": [E],
    "embeddings.LayerNorm.bias": [E],
  };
  if (E !== H) Object.assign(s, { "embeddings_project.weight": [E, H], "embeddings_project.bias": [H] });
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `encoder.layer.${i}.`;
    for (const n of ["query", "key", "value"])
      Object.assign(s, { [`${p}attention.self.${n}.weight`]: [H, H], [`${p}attention.self.${n}.bias`]: [H] });
    Object.assign(s, {
      [p + "attention.output.dense.weight"]: [H, H],
      [p + "attention.output.dense.bias"]: [H],
      [p + "attention.output.LayerNorm.weight"]: [H],
      [p + "attention.output.LayerNorm.bias"]: [H],
      [p + "intermediate.dense.weight"]: [H, I],
      [p + "intermediate.dense.bias"]: [I],
      [p + "output.dense.weight"]: [I, H],
      [p + "output.dense.bias"]: [H],
      [p + "output.LayerNorm.weight"]: [H],
      [p + "output.LayerNorm.bias"]: [H],
    });
  }
  if (c.pooler) Object.assign(s, { "pooler.dense.weight": [H, H], "pooler.dense.bias": [H] });
  return s;
}

/** The classification head's parameters (BERT-style after a pooler, ELECTRA-style without). */
export function headShapes(c: BertConfig, classes: number): Record<string, number[]> {
  const H = c.hidden_size;
  return c.pooler
    ? { "classifier.weight": [H, classes], "classifier.bias": [classes] }
    : {
        "classifier.dense.weight": [H, H],
        "classifier.dense.bias": [H],
        "classifier.out_proj.weight": [H, classes],
        "classifier.out_proj.bias": [classes],
      };
}

export function validateBertConfig(c: BertConfig): void {
  for (const k of [
    "vocab_size",
    "hidden_size",
    "num_hidden_layers",
    "num_attention_heads",
    "intermediate_size",
    "max_position_embeddings",
    "type_vocab_size",
    "embedding_size",
  ] as const) {
    if (!Number.isInteger(c[k]) || c[k] <= 0)
      throw new EmbedlabError(`BERT config ${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.hidden_size % c.num_attention_heads !== 0)
    throw new EmbedlabError(
      `BERT config hidden_size ${c.hidden_size} is not divisible by num_attention_heads ${c.num_attention_heads}`,
    );
}

/** GELU: exact `x·Φ(x) = 0.5x(1 + erf(x/√2))` (BERT, ELECTRA) or the tanh approximation (gelu_new). */
export function bertGelu(x: tf.Tensor, kind: BertConfig["hidden_act"]): tf.Tensor {
  if (kind === "gelu") return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
}

export interface BertForwardOptions {
  /** [B, T] 1 for real tokens, 0 for padding (default: all real). Padded keys get no attention. */
  mask?: tf.Tensor2D;
  /** [B, T] token-type (segment) ids (default 0). */
  typeIds?: tf.Tensor2D;
  /** Apply dropout (hidden_dropout_prob, attention_probs_dropout_prob). */
  training?: boolean;
}

/** Fresh N(0, 0.02) matrices, zero biases, unit LayerNorm gains (BERT's initialisation). */
function initTensor(name: string, shape: number[], rng: Rng): tf.Tensor {
  if (name.endsWith(".bias")) return tf.zeros(shape);
  if (shape.length === 1) return tf.ones(shape);
  const a = new Float32Array(shape.reduce((x, y) => x * y, 1));
  for (let i = 0; i < a.length; i++) a[i] = rng.normal() * 0.02;
  return tf.tensor(a, shape);
}

function makeVariables(
  shapes: Record<string, number[]>,
  weights: Record<string, tf.Tensor> | undefined,
  seed: number,
): Record<string, tf.Variable> {
  const rng = new Rng(seed);
  const out: Record<string, tf.Variable> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const w = weights?.[name];
    if (weights && !w) throw new EmbedlabError(`missing BERT weight "${name}" (expected shape [${shape}])`);
    if (w && w.shape.join() !== shape.join())
      throw new EmbedlabError(`BERT weight "${name}" has shape [${w.shape}], expected [${shape}]`);
    const init = w ?? initTensor(name, shape, rng);
    out[name] = tf.variable(init, true, `bert/${name}/${Math.random().toString(36).slice(2)}`);
    if (!w) init.dispose();
  }
  return out;
}

export class BertEncoder {
  readonly params: Record<string, tf.Variable>;
  private dropoutSeed = 1;

  /** Build with given weights (name → tensor, [in, out] linears) or BERT's initialisation from `seed`. */
  constructor(
    readonly config: BertConfig,
    weights?: Record<string, tf.Tensor>,
    seed = 0,
  ) {
    validateBertConfig(config);
    this.params = makeVariables(bertParamShapes(config), weights, seed);
  }

  get numParams(): number {
    return Object.values(this.params).reduce((s, v) => s + v.size, 0);
  }

  variables(): tf.Variable[] {
    return Object.values(this.params);
  }

  dispose(): void {
    for (const v of Object.values(this.params)) v.dispose();
  }

  private p<R extends tf.Rank>(name: string): tf.Tensor<R> {
    return this.params[name] as unknown as tf.Tensor<R>;
  }

  private lin(name: string, x: tf.Tensor2D): tf.Tensor2D {
    return linear(x, this.p<tf.Rank.R2>(name + ".weight"), this.p<tf.Rank.R1>(name + ".bias"));
  }

  private ln(name: string, x: tf.Tensor): tf.Tensor2D {
    return layerNorm(x, this.p(name + ".weight"), this.p(name + ".bias"), this.config.layer_norm_eps) as tf.Tensor2D;
  }

  drop<T extends tf.Tensor>(x: T, p: number, training: boolean): T {
    return training && p > 0 ? (tf.dropout(x, p, undefined, this.dropoutSeed++) as T) : x;
  }

  /** Multi-head self-attention of rows `x [B·T, H]`; `maskAdd [B, 1, 1, T]` is 0 for real keys, −1e9 for padding. */
  private attention(x: tf.Tensor2D, l: number, B: number, T: number, maskAdd: tf.Tensor, training: boolean) {
    const c = this.config;
    const H = c.hidden_size;
    const nh = c.num_attention_heads;
    const hd = H / nh;
    const pre = `encoder.layer.${l}.attention.self.`;
    const heads = (t: tf.Tensor2D) => tf.transpose(tf.reshape(t, [B, T, nh, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
    const q = heads(this.lin(pre + "query", x));
    const k = heads(this.lin(pre + "key", x));
    const v = heads(this.lin(pre + "value", x));
    const scores = tf.add(tf.mul(mm(q, tf.transpose(k, [0, 1, 3, 2]) as tf.Tensor4D), 1 / Math.sqrt(hd)), maskAdd);
    const probs = this.drop(tf.softmax(scores, -1), c.attention_probs_dropout_prob, training) as tf.Tensor4D;
    return tf.reshape(tf.transpose(mm(probs, v), [0, 2, 1, 3]), [B * T, H]) as tf.Tensor2D;
  }

  /** Last hidden states [B, T, hidden] for int32 token ids [B, T]. Call inside tf.tidy (or dispose the result). */
  forward(ids: tf.Tensor2D, opts: BertForwardOptions = {}): tf.Tensor3D {
    const c = this.config;
    const [B, T] = ids.shape;
    const H = c.hidden_size;
    const E = c.embedding_size;
    const training = !!opts.training;
    if (T > c.max_position_embeddings)
      throw new EmbedlabError(
        `sequence of ${T} tokens exceeds max_position_embeddings ${c.max_position_embeddings}`,
        "truncate the input (the tokenizer wrapper does this with maxLength)",
      );
    const flat = tf.reshape(tf.cast(ids, "int32"), [B * T]) as tf.Tensor1D;
    const word = tf.gather(this.p<tf.Rank.R2>("embeddings.word_embeddings.weight"), flat);
    const pos = tf.slice(this.p<tf.Rank.R2>("embeddings.position_embeddings.weight"), [0, 0], [T, E]);
    const types = opts.typeIds
      ? tf.gather(
          this.p<tf.Rank.R2>("embeddings.token_type_embeddings.weight"),
          tf.reshape(tf.cast(opts.typeIds, "int32"), [B * T]) as tf.Tensor1D,
        )
      : tf.slice(this.p<tf.Rank.R2>("embeddings.token_type_embeddings.weight"), [0, 0], [1, E]);
    const emb = tf.add(
      tf.add(tf.reshape(word, [B, T, E]), pos),
      tf.reshape(types, opts.typeIds ? [B, T, E] : [1, 1, E]),
    );
    let x = this.ln("embeddings.LayerNorm", tf.reshape(emb, [B * T, E]));
    x = this.drop(x, c.hidden_dropout_prob, training);
    if (E !== H) x = this.lin("embeddings_project", x);
    const mask = opts.mask ? tf.cast(opts.mask, "float32") : tf.ones([B, T]);
    const maskAdd = tf.reshape(tf.mul(tf.sub(1, mask), -1e9), [B, 1, 1, T]);
    for (let l = 0; l < c.num_hidden_layers; l++) {
      const pre = `encoder.layer.${l}.`;
      const a = this.lin(pre + "attention.output.dense", this.attention(x, l, B, T, maskAdd, training));
      x = this.ln(pre + "attention.output.LayerNorm", tf.add(this.drop(a, c.hidden_dropout_prob, training), x));
      const f = bertGelu(this.lin(pre + "intermediate.dense", x), c.hidden_act) as tf.Tensor2D;
      const o = this.lin(pre + "output.dense", f);
      x = this.ln(pre + "output.LayerNorm", tf.add(this.drop(o, c.hidden_dropout_prob, training), x));
    }
    return tf.reshape(x, [B, T, H]) as tf.Tensor3D;
  }

  /** The [CLS] (first) position of each row, through BERT's pooler `tanh(dense(·))` when the checkpoint has one. */
  pooled(hidden: tf.Tensor3D): tf.Tensor2D {
    const [B, , H] = hidden.shape;
    const cls = tf.reshape(tf.slice(hidden, [0, 0, 0], [B, 1, H]), [B, H]) as tf.Tensor2D;
    return this.config.pooler ? tf.tanh(this.lin("pooler.dense", cls)) : cls;
  }
}

/** An encoder with a fresh classification head on its pooled [CLS] vector. */
export class BertClassifier {
  readonly head: Record<string, tf.Variable>;

  constructor(
    readonly encoder: BertEncoder,
    readonly classes: number,
    seed = 0,
  ) {
    if (!(Number.isInteger(classes) && classes >= 2))
      throw new EmbedlabError(`BertClassifier needs at least 2 classes, got ${classes}`);
    this.head = makeVariables(headShapes(encoder.config, classes), undefined, seed);
  }

  variables(): tf.Variable[] {
    return [...this.encoder.variables(), ...Object.values(this.head)];
  }

  get numParams(): number {
    return this.variables().reduce((s, v) => s + v.size, 0);
  }

  private lin(name: string, x: tf.Tensor2D): tf.Tensor2D {
    const h = this.head as unknown as Record<string, tf.Tensor>;
    return linear(x, h[name + ".weight"] as tf.Tensor2D, h[name + ".bias"] as tf.Tensor1D);
  }

  /** Class logits [B, classes]. Call inside tf.tidy. */
  logits(ids: tf.Tensor2D, opts: BertForwardOptions = {}): tf.Tensor2D {
    const enc = this.encoder;
    const training = !!opts.training;
    const p = enc.config.hidden_dropout_prob;
    const pooled = enc.drop(enc.pooled(enc.forward(ids, opts)), p, training);
    if (enc.config.pooler) return this.lin("classifier", pooled);
    const h = bertGelu(this.lin("classifier.dense", pooled), enc.config.hidden_act) as tf.Tensor2D;
    return this.lin("classifier.out_proj", enc.drop(h, p, training));
  }

  dispose(): void {
    this.encoder.dispose();
    for (const v of Object.values(this.head)) v.dispose();
  }
}
