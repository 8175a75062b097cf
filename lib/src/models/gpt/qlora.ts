/**
 * QLoRA's storage of a frozen base: every linear weight of the GPT blocks in 4-bit NormalFloat (NF4, the
 * QLoRA paper's 16 quantiles of a standard normal, scaled to [−1, 1]) with one fp32 absmax scale per block
 * of 64 weights, dequantized on the fly in each forward pass; LoRA adapters stay fp32 and are trained as
 * usual; for inference the dequantized base and the adapters are merged into the model's fp32 weights.
 * Embeddings, biases and LayerNorms stay fp32 (QLoRA quantizes the linear layers only). QLoRA also
 * quantizes the scales themselves to 8 bits ("double quantization"); this keeps them fp32 and says so.
 */
import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../../core";
import type { GPT, LinearHook } from "./model";
import { LoraAdapters } from "./lora";

/** The 16 NF4 code values (QLoRA, Dettmers et al. 2023, appendix E), ascending, exactly 0 and ±1 included. */
export const NF4_CODES = Float32Array.from([
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334,
  -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
  0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
]);

/** A 4-bit tensor: two codes per byte (low nibble first), one absmax scale per block. */
export interface Nf4Tensor {
  shape: number[];
  blockSize: number;
  /** ceil(n / 2) bytes. */
  codes: Uint8Array;
  /** One scale per block: the block's largest |value|. */
  absmax: Float32Array;
}

/** Index of the NF4 code nearest to `x` (x in [−1, 1]). */
function nearestCode(x: number): number {
  let lo = 0;
  let hi = NF4_CODES.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (NF4_CODES[mid] <= x) lo = mid;
    else hi = mid;
  }
  return x - NF4_CODES[lo] <= NF4_CODES[hi] - x ? lo : hi;
}

/** Quantize to NF4 with per-block absmax scaling (block 64 by default, as QLoRA). */
export function quantizeNf4(values: ArrayLike<number>, shape: number[], blockSize = 64): Nf4Tensor {
  const n = values.length;
  if (shape.reduce((a, b) => a * b, 1) !== n)
    throw new EmbedlabError(
      `quantizeNf4: ${n} values do not fill shape [${shape}]`,
      "pass the tensor's flat data and its shape",
    );
  if (!(Number.isInteger(blockSize) && blockSize > 0))
    throw new EmbedlabError(`quantizeNf4: block size must be a positive integer, got ${blockSize}`);
  const blocks = Math.ceil(n / blockSize);
  const absmax = new Float32Array(blocks);
  const codes = new Uint8Array(Math.ceil(n / 2));
  for (let b = 0; b < blocks; b++) {
    const end = Math.min(n, (b + 1) * blockSize);
    let m = 0;
    for (let i = b * blockSize; i < end; i++) m = Math.max(m, Math.abs(values[i]));
    absmax[b] = m;
    for (let i = b * blockSize; i < end; i++) {
      const c = nearestCode(m > 0 ? values[i] / m : 0);
      codes[i >> 1] |= (i & 1) === 0 ? c : c << 4;
    }
  }
  return { shape: [...shape], blockSize, codes, absmax };
}

/** The fp32 values an NF4 tensor stands for: code value × its block's absmax. */
export function dequantizeNf4(q: Nf4Tensor): Float32Array {
  const n = q.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const byte = q.codes[i >> 1];
    const c = (i & 1) === 0 ? byte & 15 : byte >> 4;
    out[i] = NF4_CODES[c] * q.absmax[Math.floor(i / q.blockSize)];
  }
  return out;
}

/** Bytes an NF4 tensor takes: the packed codes plus the fp32 scales. */
export function nf4Bytes(q: Nf4Tensor): number {
  return q.codes.byteLength + q.absmax.byteLength;
}

/** Weight memory of a model whose block linear weights are stored in NF4, against all-fp32. */
export interface WeightMemory {
  /** Every parameter in fp32. */
  fp32Bytes: number;
  /** Quantized linear weights (codes + scales) plus every other parameter in fp32. */
  quantizedBytes: number;
  /** The linear weights alone: fp32 and NF4. */
  linearFp32Bytes: number;
  linearNf4Bytes: number;
  /** The adapters (fp32, trained). */
  adapterBytes: number;
}

/** The linear layers QLoRA quantizes: every block's attention and MLP projections. */
function linearLayers(model: GPT): string[] {
  const out: string[] = [];
  for (let l = 0; l < model.config.n_layer; l++)
    for (const n of ["attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"]) out.push(`h.${l}.${n}`);
  return out;
}

/**
 * A GPT's frozen base in NF4, with LoRA adapters on top. Attach replaces the model's linear hook: each
 * linear layer's weight is dequantized from NF4 in the forward pass (the fp32 variable is not read) and the
 * adapters add their deltas. The model's fp32 weight variables keep their values until `mergeForInference`
 * overwrites them with dequantized base + adapter delta; a checkpoint of the base should be written from
 * `layers` (that is what would be stored).
 */
export class QuantizedBase implements LinearHook {
  readonly layers = new Map<string, Nf4Tensor>();

  constructor(
    readonly model: GPT,
    readonly adapters: LoraAdapters,
    blockSize = 64,
  ) {
    for (const name of linearLayers(model)) {
      const v = model.params[`${name}.weight`];
      this.layers.set(name, quantizeNf4(v.dataSync() as Float32Array, v.shape, blockSize));
    }
    if (model.linearHook !== adapters)
      throw new EmbedlabError(
        "QuantizedBase: the adapters must be attached to the model",
        "create LoraAdapters on the model first",
      );
    model.linearHook = this;
  }

  weight(name: string): tf.Tensor2D | null {
    const q = this.layers.get(name);
    return q ? tf.tensor2d(dequantizeNf4(q), q.shape as [number, number]) : null;
  }

  delta(name: string, x: tf.Tensor2D, training: boolean): tf.Tensor2D | null {
    return this.adapters.delta(name, x, training);
  }

  memory(): WeightMemory {
    const fp32Bytes = this.model.numParams * 4;
    let linearFp32Bytes = 0;
    let linearNf4Bytes = 0;
    for (const q of this.layers.values()) {
      linearFp32Bytes += q.shape.reduce((a, b) => a * b, 1) * 4;
      linearNf4Bytes += nf4Bytes(q);
    }
    return {
      fp32Bytes,
      quantizedBytes: fp32Bytes - linearFp32Bytes + linearNf4Bytes,
      linearFp32Bytes,
      linearNf4Bytes,
      adapterBytes: this.adapters.numParams * 4,
    };
  }

  /** Write dequantized base weights into the model's variables, add the adapters (LoraAdapters.merge) and detach. */
  mergeForInference(): void {
    for (const [name, q] of this.layers) {
      const v = this.model.params[`${name}.weight`];
      tf.tidy(() => v.assign(tf.tensor(dequantizeNf4(q), q.shape)));
    }
    this.model.linearHook = this.adapters;
    this.adapters.merge();
  }
}
