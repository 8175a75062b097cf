/**
 * GPT-2 in tfjs, nanoGPT style: token + position embeddings, pre-LayerNorm blocks (causal multi-head
 * self-attention, GELU MLP), final LayerNorm, output head tied to the token embedding.
 * Parameter names and layouts are Hugging Face GPT-2's (`h.0.attn.c_attn.weight` is [in, out]), so
 * GPT-2's safetensors load without renaming. Forward can return per-layer hidden states and can run
 * incrementally with a KV-cache. Linear layers go through `linearHook` so LoRA adapters can add to them.
 */
import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, Rng } from "../../core";
import { causalSelfAttention } from "./attention";
import { gatherRows, gelu, layerNorm, linear, mm, tiedHead } from "./ops";

export interface GptConfig {
  n_layer: number;
  n_head: number;
  n_embd: number;
  block_size: number;
  vocab_size: number;
  dropout: number;
  /** "sigmoid": x·σ(1.702x) (fast, used by the offline model); "tanh": GPT-2's gelu_new. */
  activation: "sigmoid" | "tanh";
  layer_norm_epsilon: number;
}

export const DEFAULT_CONFIG: GptConfig = {
  n_layer: 2,
  n_head: 4,
  n_embd: 128,
  block_size: 128,
  vocab_size: 4096,
  dropout: 0,
  activation: "sigmoid",
  layer_norm_epsilon: 1e-5,
};

/** Something that adds to a linear layer's output (LoRA). `name` is e.g. "h.0.attn.c_attn". */
export interface LinearHook {
  delta(name: string, x: tf.Tensor2D, training: boolean): tf.Tensor2D | null;
  /** The layer's weight [in, out] to use instead of the model's variable (a quantized base dequantized on the fly); null: the variable. */
  weight?(name: string): tf.Tensor2D | null;
}

/** Every parameter's name and shape for a config, in a fixed order. */
export function paramShapes(c: GptConfig): Record<string, number[]> {
  const C = c.n_embd;
  const s: Record<string, number[]> = { "wte.weight": [c.vocab_size, C], "wpe.weight": [c.block_size, C] };
  for (let i = 0; i < c.n_layer; i++) {
    const p = `h.${i}.`;
    Object.assign(s, {
      [p + "ln_1.weight"]: [C],
      [p + "ln_1.bias"]: [C],
      [p + "attn.c_attn.weight"]: [C, 3 * C],
      [p + "attn.c_attn.bias"]: [3 * C],
      [p + "attn.c_proj.weight"]: [C, C],
      [p + "attn.c_proj.bias"]: [C],
      [p + "ln_2.weight"]: [C],
      [p + "ln_2.bias"]: [C],
      [p + "mlp.c_fc.weight"]: [C, 4 * C],
      [p + "mlp.c_fc.bias"]: [4 * C],
      [p + "mlp.c_proj.weight"]: [4 * C, C],
      [p + "mlp.c_proj.bias"]: [C],
    });
  }
  s["ln_f.weight"] = [C];
  s["ln_f.bias"] = [C];
  return s;
}

export function validateConfig(c: GptConfig): void {
  for (const k of ["n_layer", "n_head", "n_embd", "block_size", "vocab_size"] as const) {
    if (!Number.isInteger(c[k]) || c[k] <= 0)
      throw new EmbedlabError(`GPT config ${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.n_embd % c.n_head !== 0) throw new EmbedlabError(`n_embd ${c.n_embd} is not divisible by n_head ${c.n_head}`);
}

/** Per-layer keys and values of the tokens seen so far ([B, H, T, hd] each). */
export class KVCache {
  k: (tf.Tensor4D | null)[];
  v: (tf.Tensor4D | null)[];
  length = 0;
  constructor(nLayer: number) {
    this.k = Array(nLayer).fill(null);
    this.v = Array(nLayer).fill(null);
  }
  dispose(): void {
    for (const t of [...this.k, ...this.v]) t?.dispose();
    this.k.fill(null);
    this.v.fill(null);
    this.length = 0;
  }
}

export interface ForwardOptions {
  /** Also return hidden states: [embeddings, block 1 … block n−1, ln_f(block n)] (HF convention). */
  hidden?: boolean;
  /** Apply dropout (config.dropout) and LoRA dropout. */
  training?: boolean;
  /** Incremental decoding: keys/values are appended to the cache; positions continue from it. */
  cache?: KVCache;
  /** Skip the output head (only hidden states are wanted). */
  noLogits?: boolean;
}

export interface ForwardResult {
  /** [B, T, vocab] (absent with noLogits). */
  logits?: tf.Tensor3D;
  hidden?: tf.Tensor3D[];
}

export class GPT {
  readonly params: Record<string, tf.Variable>;
  linearHook: LinearHook | null = null;
  private readonly maskCache = new Map<number, tf.Tensor2D>();
  private dropoutSeed = 1;

  /** Build with given weights (name → tensor) or with GPT-2 initialisation from `seed`. */
  constructor(
    readonly config: GptConfig,
    weights?: Record<string, tf.Tensor>,
    seed = 0,
  ) {
    validateConfig(config);
    const shapes = paramShapes(config);
    const rng = new Rng(seed);
    this.params = {};
    for (const [name, shape] of Object.entries(shapes)) {
      let init: tf.Tensor;
      if (weights) {
        const w = weights[name];
        if (!w) throw new EmbedlabError(`missing weight "${name}" (expected shape [${shape}])`);
        if (w.shape.join() !== shape.join())
          throw new EmbedlabError(`weight "${name}" has shape [${w.shape}], expected [${shape}]`);
        init = w;
      } else if (name.endsWith(".bias")) init = tf.zeros(shape);
      else if (shape.length === 1) init = tf.ones(shape);
      else {
        const std = name.endsWith("c_proj.weight") ? 0.02 / Math.sqrt(2 * config.n_layer) : 0.02;
        const a = new Float32Array(shape.reduce((x, y) => x * y, 1));
        for (let i = 0; i < a.length; i++) a[i] = rng.normal() * std;
        init = tf.tensor(a, shape);
      }
      this.params[name] = tf.variable(init, true, `gpt/${name}/${Math.random().toString(36).slice(2)}`);
      if (!weights) init.dispose();
    }
  }

  /** Number of parameters (the tied head counted once). */
  get numParams(): number {
    return Object.values(this.params).reduce((s, v) => s + v.size, 0);
  }

  variables(filter?: (name: string) => boolean): tf.Variable[] {
    return Object.entries(this.params)
      .filter(([n]) => !filter || filter(n))
      .map(([, v]) => v);
  }

  dispose(): void {
    for (const v of Object.values(this.params)) v.dispose();
    for (const m of this.maskCache.values()) m.dispose();
    this.maskCache.clear();
  }

  private p<R extends tf.Rank>(name: string): tf.Tensor<R> {
    return this.params[name] as unknown as tf.Tensor<R>;
  }

  private lin(name: string, x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const w = this.linearHook?.weight?.(name) ?? this.p<tf.Rank.R2>(name + ".weight");
    const y = linear(x, w, this.p<tf.Rank.R1>(name + ".bias"));
    const d = this.linearHook?.delta(name, x, training);
    return d ? tf.add(y, d) : y;
  }

  private drop<T extends tf.Tensor>(x: T, training: boolean): T {
    const p = this.config.dropout;
    return training && p > 0 ? (tf.dropout(x, p, undefined, this.dropoutSeed++) as T) : x;
  }

  /** Additive causal mask [T, T] (0 allowed, −1e9 future), cached per T. */
  private causalMask(T: number): tf.Tensor2D {
    let m = this.maskCache.get(T);
    if (!m) {
      const a = new Float32Array(T * T);
      for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) a[i * T + j] = -1e9;
      m = tf.keep(tf.tensor2d(a, [T, T]));
      this.maskCache.set(T, m);
    }
    return m;
  }

  /** Attention with tf ops (KV-cache decoding, attention dropout); same maths as causalSelfAttention. */
  private attendTf(
    qkv: tf.Tensor2D,
    l: number,
    B: number,
    T: number,
    p0: number,
    training: boolean,
    cache?: KVCache,
  ): tf.Tensor2D {
    const C = this.config.n_embd;
    const H = this.config.n_head;
    const hd = C / H;
    const scale = 1 / Math.sqrt(hd);
    const [q2, k2, v2] = tf.split(qkv, 3, 1);
    const q = tf.transpose(tf.reshape(q2, [B, T, H, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
    let k = tf.transpose(tf.reshape(k2, [B, T, H, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
    let v = tf.transpose(tf.reshape(v2, [B, T, H, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
    if (cache) {
      const pk = cache.k[l];
      const pv = cache.v[l];
      if (pk && pv) {
        k = tf.concat([pk, k], 2);
        v = tf.concat([pv, v], 2);
      }
      cache.k[l] = tf.keep(k);
      cache.v[l] = tf.keep(v);
      pk?.dispose();
      pv?.dispose();
    }
    let att = tf.mul(mm(q, tf.transpose(k, [0, 1, 3, 2]) as tf.Tensor4D), scale);
    if (T > 1) {
      // query i sits at absolute position p0 + i and may see keys 0 … p0 + i
      const mask = p0 === 0 ? this.causalMask(T) : tf.concat([tf.zeros([T, p0]), this.causalMask(T)], 1);
      att = tf.add(att, mask);
    }
    att = this.drop(tf.softmax(att, -1), training);
    const y = tf.reshape(tf.transpose(mm(att, v), [0, 2, 1, 3]), [B * T, C]) as tf.Tensor2D;
    return y;
  }

  /** Output head on hidden rows [N, C] → logits [N, vocab] (tied to wte). */
  head(h: tf.Tensor2D): tf.Tensor2D {
    return tiedHead(h, this.p<tf.Rank.R2>("wte.weight"));
  }

  /** Forward pass on int32 token ids [B, T]. Call inside tf.tidy (or dispose the results). */
  forward(ids: tf.Tensor2D, opts: ForwardOptions = {}): ForwardResult {
    const c = this.config;
    const [B, T] = ids.shape;
    const C = c.n_embd;
    const H = c.n_head;
    const hd = C / H;
    const training = !!opts.training;
    const cache = opts.cache;
    const p0 = cache ? cache.length : 0;
    if (p0 + T > c.block_size) {
      throw new EmbedlabError(
        `sequence of ${p0 + T} tokens exceeds block_size ${c.block_size}`,
        "truncate the input from the left (generate/embed do this for you)",
      );
    }
    const flatIds = tf.reshape(tf.cast(ids, "int32"), [B * T]) as tf.Tensor1D;
    const tok = gatherRows(this.p<tf.Rank.R2>("wte.weight"), flatIds);
    const pos = tf.slice(this.p<tf.Rank.R2>("wpe.weight"), [p0, 0], [T, C]);
    let x = tf.reshape(tf.add(tf.reshape(tok, [B, T, C]), pos), [B * T, C]) as tf.Tensor2D;
    x = this.drop(x, training);
    const hidden: tf.Tensor3D[] = [];
    const scale = 1 / Math.sqrt(hd);
    for (let l = 0; l < c.n_layer; l++) {
      if (opts.hidden) hidden.push(tf.reshape(x, [B, T, C]));
      const pre = `h.${l}.`;
      // --- causal self-attention ---
      const a = layerNorm(
        x,
        this.p(pre + "ln_1.weight"),
        this.p(pre + "ln_1.bias"),
        c.layer_norm_epsilon,
      ) as tf.Tensor2D;
      const qkv = this.lin(pre + "attn.c_attn", a, training);
      const y =
        !cache && !(training && c.dropout > 0)
          ? causalSelfAttention(qkv, B, T, H)
          : this.attendTf(qkv, l, B, T, p0, training, cache);
      x = tf.add(x, this.drop(this.lin(pre + "attn.c_proj", y, training), training));
      // --- MLP ---
      const m = layerNorm(
        x,
        this.p(pre + "ln_2.weight"),
        this.p(pre + "ln_2.bias"),
        c.layer_norm_epsilon,
      ) as tf.Tensor2D;
      const f = gelu(this.lin(pre + "mlp.c_fc", m, training), c.activation) as tf.Tensor2D;
      x = tf.add(x, this.drop(this.lin(pre + "mlp.c_proj", f, training), training));
    }
    if (cache) cache.length = p0 + T;
    const xf = layerNorm(x, this.p("ln_f.weight"), this.p("ln_f.bias"), c.layer_norm_epsilon) as tf.Tensor2D;
    if (opts.hidden) hidden.push(tf.reshape(xf, [B, T, C]));
    const out: ForwardResult = {};
    if (!opts.noLogits) out.logits = tf.reshape(this.head(xf), [B, T, c.vocab_size]);
    if (opts.hidden) out.hidden = hidden;
    return out;
  }
}
