/**
 * Incremental decoding of a GPT one token at a time on typed arrays: the same maths as
 * `GPT.forward` with a KV-cache (token + position embeddings, pre-LayerNorm blocks, causal attention,
 * GELU MLP, final LayerNorm, head tied to wte), without a tfjs dispatch per op. At batch 1 the
 * tfjs path spends ~8 ms per token in ~60 op dispatches for ~2 MFLOP of work; here the matrix–vector
 * products run in a WebAssembly SIMD kernel (gemv-simd.ts) and the small vector ops (LayerNorm,
 * attention over the cache, GELU) in plain loops over preallocated buffers.
 *
 * The weights are copied once from the model's variables (LoRA adapters folded in) and reused
 * until a variable is reassigned (training, `LoraAdapters.merge`, loading adapters): `decoderFor`
 * checks the variables' data ids on every call. Keys and values live in preallocated [block_size, C]
 * buffers per layer, written in place.
 */
import type * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../../core";
import { jsGemv, panelIndex, simdGemv, type Gemv } from "./gemv-simd";
import { LoraAdapters } from "./lora";
import type { GPT, GptConfig } from "./model";

const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

interface LayerOffsets {
  ln1g: Float32Array;
  ln1b: Float32Array;
  ln2g: Float32Array;
  ln2b: Float32Array;
  /** Byte offsets of [in, cols] weights and [cols] biases in the kernel's memory. */
  qkvW: number;
  qkvB: number;
  projW: number;
  projB: number;
  fcW: number;
  fcB: number;
  fc2W: number;
  fc2B: number;
  k: Float32Array;
  v: Float32Array;
}

/** A simple bump allocator of 16-byte-aligned float regions. */
class Arena {
  floats = 0;
  take(n: number): number {
    const at = this.floats * 4;
    this.floats += roundUp(n, 4);
    return at;
  }
}

export class TypedDecoder {
  readonly config: GptConfig;
  /** Tokens in the cache (the next token's position). */
  length = 0;
  private readonly f32: Float32Array;
  private readonly gemv: Gemv;
  private readonly layers: LayerOffsets[] = [];
  private readonly wpe: Float32Array;
  private readonly lnfG: Float32Array;
  private readonly lnfB: Float32Array;
  private readonly headW: number;
  private readonly zeros: number;
  private readonly vocabPad: number;
  private readonly x: Float32Array;
  private readonly scores: Float64Array;
  // activation buffers (byte offsets in the kernel memory)
  private readonly bufA: number;
  private readonly bufQkv: number;
  private readonly bufAtt: number;
  private readonly bufOut: number;
  private readonly bufH: number;
  private readonly bufF: number;
  private readonly bufLogits: number;
  /** Which implementation runs the products ("wasm-simd" or "js"). */
  readonly kernel: "wasm-simd" | "js";

  /**
   * Copy the model's weights (`weights`: name → values as in `model.params`, LoRA deltas already
   * added) into the decoder's memory.
   */
  constructor(config: GptConfig, weights: Record<string, Float32Array>, forceJs = false) {
    this.config = config;
    const { n_layer: L, n_embd: C, vocab_size: V, block_size: T } = config;
    const c3 = roundUp(3 * C, 32),
      c1 = roundUp(C, 32),
      c4 = roundUp(4 * C, 32);
    this.vocabPad = roundUp(V, 32);
    const arena = new Arena();
    const plan = Array.from({ length: L }, () => ({
      qkvW: arena.take(C * c3),
      qkvB: arena.take(c3),
      projW: arena.take(C * c1),
      projB: arena.take(c1),
      fcW: arena.take(C * c4),
      fcB: arena.take(c4),
      fc2W: arena.take(4 * C * c1),
      fc2B: arena.take(c1),
    }));
    this.headW = arena.take(C * this.vocabPad);
    this.zeros = arena.take(Math.max(this.vocabPad, c4));
    this.bufA = arena.take(4 * C);
    this.bufQkv = arena.take(c3);
    this.bufAtt = arena.take(C);
    this.bufOut = arena.take(c1);
    this.bufH = arena.take(c4);
    this.bufF = arena.take(c4);
    this.bufLogits = arena.take(this.vocabPad);
    const memory = new WebAssembly.Memory({ initial: Math.ceil((arena.floats * 4) / 65536) + 1 });
    this.f32 = new Float32Array(memory.buffer);
    const simd = forceJs ? undefined : simdGemv(memory);
    this.gemv = simd ?? jsGemv(this.f32);
    this.kernel = simd ? "wasm-simd" : "js";

    const w = (name: string): Float32Array => {
      const a = weights[name];
      if (!a) throw new EmbedlabError(`decoder: missing weight "${name}"`);
      return a;
    };
    /** Copy [rows, cols] into a region in the kernel's panel layout (padding columns stay zero). */
    const put = (at: number, src: Float32Array, rows: number, cols: number): void => {
      const o = at >> 2;
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) this.f32[o + panelIndex(r, c, rows)] = src[r * cols + c];
    };
    for (let l = 0; l < L; l++) {
      const p = `h.${l}.`;
      const o = plan[l];
      put(o.qkvW, w(p + "attn.c_attn.weight"), C, 3 * C);
      put(o.qkvB, w(p + "attn.c_attn.bias"), 1, 3 * C);
      put(o.projW, w(p + "attn.c_proj.weight"), C, C);
      put(o.projB, w(p + "attn.c_proj.bias"), 1, C);
      put(o.fcW, w(p + "mlp.c_fc.weight"), C, 4 * C);
      put(o.fcB, w(p + "mlp.c_fc.bias"), 1, 4 * C);
      put(o.fc2W, w(p + "mlp.c_proj.weight"), 4 * C, C);
      put(o.fc2B, w(p + "mlp.c_proj.bias"), 1, C);
      this.layers.push({
        ...o,
        ln1g: Float32Array.from(w(p + "ln_1.weight")),
        ln1b: Float32Array.from(w(p + "ln_1.bias")),
        ln2g: Float32Array.from(w(p + "ln_2.weight")),
        ln2b: Float32Array.from(w(p + "ln_2.bias")),
        k: new Float32Array(T * C),
        v: new Float32Array(T * C),
      });
    }
    // head: wteᵀ [C, V] (padded to vocabPad columns); the embedding lookup reads its columns
    const wte = w("wte.weight");
    const h0 = this.headW >> 2;
    for (let t = 0; t < V; t++) for (let c = 0; c < C; c++) this.f32[h0 + panelIndex(c, t, C)] = wte[t * C + c];
    this.wpe = Float32Array.from(w("wpe.weight"));
    this.lnfG = Float32Array.from(w("ln_f.weight"));
    this.lnfB = Float32Array.from(w("ln_f.bias"));
    this.x = new Float32Array(C);
    this.scores = new Float64Array(T);
  }

  /** Forget the cached keys and values (the next token is at position 0). */
  reset(): void {
    this.length = 0;
  }

  /**
   * Feed `ids` (appended after the cached tokens) and return the logits after the last one
   * ([vocab_size], a fresh array). Only the last token goes through the output head.
   */
  append(ids: readonly number[]): Float32Array {
    if (ids.length === 0) throw new EmbedlabError("decoder: append needs at least one token");
    const { block_size: T, vocab_size: V } = this.config;
    if (this.length + ids.length > T) {
      throw new EmbedlabError(
        `sequence of ${this.length + ids.length} tokens exceeds block_size ${T}`,
        "reset() the decoder and re-read the last block_size tokens",
      );
    }
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= V) throw new EmbedlabError(`token id ${id} is not in 0…${V - 1}`);
      this.step(id);
    }
    this.layerNorm(this.x, this.lnfG, this.lnfB, this.bufA);
    const C = this.config.n_embd;
    this.gemv(this.bufA, this.headW, this.zeros, this.bufLogits, C, this.vocabPad);
    return this.f32.slice(this.bufLogits >> 2, (this.bufLogits >> 2) + V);
  }

  /** LayerNorm of `x` into the kernel memory at byte offset `out` (tfjs's formula: mean, centred variance). */
  private layerNorm(x: Float32Array, g: Float32Array, b: Float32Array, out: number): void {
    const C = x.length;
    const f = this.f32;
    const o = out >> 2;
    let mean = 0;
    for (let i = 0; i < C; i++) mean += x[i];
    mean /= C;
    let v = 0;
    for (let i = 0; i < C; i++) {
      const d = x[i] - mean;
      v += d * d;
    }
    const inv = 1 / Math.sqrt(v / C + this.config.layer_norm_epsilon);
    for (let i = 0; i < C; i++) f[o + i] = (x[i] - mean) * inv * g[i] + b[i];
  }

  /** One token through every block; leaves the residual stream in `x`. */
  private step(id: number): void {
    const { n_embd: C, n_head: H } = this.config;
    const hd = C / H;
    const scale = 1 / Math.sqrt(hd);
    const pos = this.length;
    const f = this.f32;
    const x = this.x;
    const h0 = this.headW >> 2;
    const e0 = h0 + panelIndex(0, id, C); // column `id` of wteᵀ: C floats 32 apart
    for (let c = 0; c < C; c++) x[c] = f[e0 + 32 * c] + this.wpe[pos * C + c];
    const qkv = this.bufQkv >> 2;
    const att = this.bufAtt >> 2;
    const out = this.bufOut >> 2;
    const s = this.scores;
    for (const ly of this.layers) {
      // --- attention ---
      this.layerNorm(x, ly.ln1g, ly.ln1b, this.bufA);
      this.gemv(this.bufA, ly.qkvW, ly.qkvB, this.bufQkv, C, roundUp(3 * C, 32));
      const K = ly.k;
      const Vc = ly.v;
      K.set(f.subarray(qkv + C, qkv + 2 * C), pos * C);
      Vc.set(f.subarray(qkv + 2 * C, qkv + 3 * C), pos * C);
      for (let h = 0; h < H; h++) {
        const q0 = qkv + h * hd;
        let m = -Infinity;
        for (let j = 0; j <= pos; j++) {
          const k0 = j * C + h * hd;
          let acc = 0;
          for (let d = 0; d < hd; d++) acc += f[q0 + d] * K[k0 + d];
          acc *= scale;
          s[j] = acc;
          if (acc > m) m = acc;
        }
        let z = 0;
        for (let j = 0; j <= pos; j++) {
          const e = Math.exp(s[j] - m);
          s[j] = e;
          z += e;
        }
        const y0 = att + h * hd;
        for (let d = 0; d < hd; d++) f[y0 + d] = 0;
        for (let j = 0; j <= pos; j++) {
          const p = s[j] / z;
          const v0 = j * C + h * hd;
          for (let d = 0; d < hd; d++) f[y0 + d] += p * Vc[v0 + d];
        }
      }
      this.gemv(this.bufAtt, ly.projW, ly.projB, this.bufOut, C, roundUp(C, 32));
      for (let c = 0; c < C; c++) x[c] += f[out + c];
      // --- MLP ---
      this.layerNorm(x, ly.ln2g, ly.ln2b, this.bufA);
      const c4 = roundUp(4 * C, 32);
      this.gemv(this.bufA, ly.fcW, ly.fcB, this.bufH, C, c4);
      this.gelu(this.bufH, this.bufF, 4 * C);
      this.gemv(this.bufF, ly.fc2W, ly.fc2B, this.bufOut, 4 * C, roundUp(C, 32));
      for (let c = 0; c < C; c++) x[c] += f[out + c];
    }
    this.length = pos + 1;
  }

  /** GELU as the model defines it (ops.gelu): x·σ(1.702x), or GPT-2's tanh form written as x·σ(2√(2/π)(x + 0.044715x³)). */
  private gelu(from: number, to: number, n: number): void {
    const f = this.f32;
    const a = from >> 2;
    const b = to >> 2;
    if (this.config.activation === "sigmoid") {
      for (let i = 0; i < n; i++) {
        const v = f[a + i];
        f[b + i] = v / (1 + Math.exp(-1.702 * v));
      }
    } else {
      const k = 2 * Math.sqrt(2 / Math.PI);
      for (let i = 0; i < n; i++) {
        const v = f[a + i];
        f[b + i] = v / (1 + Math.exp(-k * (v + 0.044715 * v * v * v)));
      }
    }
  }
}

/** The weights a decoder needs: the model's variables, with LoRA deltas folded in (eval mode). */
function readWeights(model: GPT): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(model.params)) out[name] = Float32Array.from(v.dataSync() as Float32Array);
  const hook = model.linearHook;
  if (hook instanceof LoraAdapters) {
    for (const d of hook.weightDeltas()) {
      const w = out[`${d.layer}.weight`];
      const cols = w.length / d.inDim;
      for (let i = 0; i < d.inDim; i++)
        for (let j = 0; j < d.outDim; j++) w[i * cols + d.col + j] += d.delta[i * d.outDim + j];
    }
  }
  return out;
}

/** What a cached decoder was built from: every variable's data (reassigning a variable replaces it). */
function fingerprint(model: GPT): object[] | null {
  const hook = model.linearHook;
  if (hook && !(hook instanceof LoraAdapters)) return null;
  const vars: tf.Variable[] = [...Object.values(model.params), ...(hook ? hook.variables() : [])];
  return [hook ?? model, ...vars.map((v) => v.dataId as object)];
}

const decoders = new WeakMap<GPT, { key: object[]; decoder: TypedDecoder }>();

/**
 * A decoder for `model` with its current weights (rebuilt when a variable or the attached adapters
 * changed), or null when the model has a linear hook other than LoRA adapters (use forward then).
 */
export function decoderFor(model: GPT): TypedDecoder | null {
  const key = fingerprint(model);
  if (!key) return null;
  const hit = decoders.get(model);
  if (hit && hit.key.length === key.length && hit.key.every((k, i) => k === key[i])) {
    hit.decoder.reset();
    return hit.decoder;
  }
  const decoder = new TypedDecoder(model.config, readWeights(model));
  decoders.set(model, { key, decoder });
  return decoder;
}
