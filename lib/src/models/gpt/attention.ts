/**
 * Fused causal multi-head self-attention on typed arrays, forward and backward.
 * tfjs-wasm runs batched (rank ≥ 3) matMul through a slow loop (~1 GFLOP/s and worse for the small
 * per-head products here); a plain JS kernel that skips the masked half is several times faster and
 * avoids the split/reshape/transpose chain. On wasm the backend's attention kernels run it instead
 * (backend/wasm-kernels/causal-attention-kernel: the GEMM on heap tensors, several times faster
 * again). Input is the fused projection `qkv [B·T, 3C]` (q | k | v,
 * heads contiguous inside each), output `y [B·T, C]` with heads concatenated, as in GPT-2.
 */
import * as tf from "@tensorflow/tfjs";
import { CAUSAL_ATTENTION, CAUSAL_ATTENTION_GRAD } from "../../backend/wasm-kernels/causal-attention-kernel";

interface Dims {
  B: number;
  T: number;
  H: number;
  hd: number;
}

/** Where head `h` of batch row `b` lives: its first token row, q/k/v column offsets in qkv, its [T, T] block of p. */
function headOffsets(
  b: number,
  h: number,
  { T, H, hd }: Dims,
): { row0: number; qo: number; ko: number; vo: number; pBase: number } {
  const C = H * hd;
  return { row0: b * T, qo: h * hd, ko: C + h * hd, vo: 2 * C + h * hd, pBase: (b * H + h) * T * T };
}

function forwardJs(qkv: Float32Array, dims: Dims): { y: Float32Array; p: Float32Array } {
  const { B, T, H, hd } = dims;
  const C = H * hd;
  const C3 = 3 * C;
  const scale = 1 / Math.sqrt(hd);
  const y = new Float32Array(B * T * C);
  const p = new Float32Array(B * H * T * T);
  const s = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const { row0, qo, ko, vo, pBase } = headOffsets(b, h, dims);
      for (let i = 0; i < T; i++) {
        const qi = (row0 + i) * C3 + qo;
        let m = -Infinity;
        for (let j = 0; j <= i; j++) {
          const kj = (row0 + j) * C3 + ko;
          let acc = 0;
          for (let d = 0; d < hd; d++) acc += qkv[qi + d] * qkv[kj + d];
          acc *= scale;
          s[j] = acc;
          if (acc > m) m = acc;
        }
        let z = 0;
        for (let j = 0; j <= i; j++) {
          const e = Math.exp(s[j] - m);
          s[j] = e;
          z += e;
        }
        const pi = pBase + i * T;
        const yi = (row0 + i) * C + h * hd;
        for (let j = 0; j <= i; j++) {
          const pj = s[j] / z;
          p[pi + j] = pj;
          const vj = (row0 + j) * C3 + vo;
          for (let d = 0; d < hd; d++) y[yi + d] += pj * qkv[vj + d];
        }
      }
    }
  }
  return { y, p };
}

function backwardJs(qkv: Float32Array, p: Float32Array, dy: Float32Array, dims: Dims): Float32Array {
  const { B, T, H, hd } = dims;
  const C = H * hd;
  const C3 = 3 * C;
  const scale = 1 / Math.sqrt(hd);
  const dqkv = new Float32Array(B * T * C3);
  const dp = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const { row0, qo, ko, vo, pBase } = headOffsets(b, h, dims);
      for (let i = 0; i < T; i++) {
        const pi = pBase + i * T;
        const yi = (row0 + i) * C + h * hd;
        const qi = (row0 + i) * C3 + qo;
        let dot = 0;
        for (let j = 0; j <= i; j++) {
          const vj = (row0 + j) * C3 + vo;
          const pj = p[pi + j];
          let acc = 0;
          for (let d = 0; d < hd; d++) {
            const g = dy[yi + d];
            acc += g * qkv[vj + d];
            dqkv[vj + d] += pj * g;
          }
          dp[j] = acc;
          dot += pj * acc;
        }
        for (let j = 0; j <= i; j++) {
          const ds = p[pi + j] * (dp[j] - dot) * scale;
          if (ds === 0) continue;
          const kj = (row0 + j) * C3 + ko;
          for (let d = 0; d < hd; d++) {
            dqkv[qi + d] += ds * qkv[kj + d];
            dqkv[kj + d] += ds * qkv[qi + d];
          }
        }
      }
    }
  }
  return dqkv;
}

/**
 * Attention through the backend's attention kernels (registered on wasm): qkv, y, p and dqkv stay
 * heap tensors, read and written in place.
 */
function viaKernels(qkv: tf.Tensor2D, B: number, T: number, H: number): tf.Tensor2D {
  const attrs = { B, T, H };
  const f = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const [y, p] = tf.engine().runKernel(CAUSAL_ATTENTION, { qkv: x }, attrs) as tf.Tensor[];
    save([x, p]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [sx, sp]: tf.Tensor[]) =>
        tf.engine().runKernel(CAUSAL_ATTENTION_GRAD, { qkv: sx, p: sp, dy }, attrs) as tf.Tensor,
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(qkv) as tf.Tensor2D;
}

/** Causal self-attention of `qkv [B·T, 3C]` → `[B·T, C]` (no dropout), with its gradient. */
export function causalSelfAttention(qkv: tf.Tensor2D, B: number, T: number, H: number): tf.Tensor2D {
  if (tf.getKernel(CAUSAL_ATTENTION, tf.getBackend())) return viaKernels(qkv, B, T, H);
  const C = qkv.shape[1] / 3;
  const dims: Dims = { B, T, H, hd: C / H };
  let saved: { x: Float32Array; p: Float32Array } | null = null;
  const f = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    const xs = x.dataSync() as Float32Array;
    const { y, p } = forwardJs(xs, dims);
    saved = { x: xs, p };
    return {
      value: tf.tensor2d(y, [B * T, C]),
      gradFunc: (dy: tf.Tensor) => {
        if (!saved) throw new Error("attention gradient called twice");
        const g = backwardJs(saved.x, saved.p, dy.dataSync() as Float32Array, dims);
        saved = null;
        return tf.tensor2d(g, [B * T, 3 * C]);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(qkv) as tf.Tensor2D;
}
