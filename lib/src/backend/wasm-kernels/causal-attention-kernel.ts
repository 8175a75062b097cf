/**
 * Causal self-attention as two wasm kernels, so the GPT's attention reads and writes heap tensors in
 * place (no copies to and from JS arrays, no JS garbage per step):
 *
 *   EmbedlabCausalAttention     {qkv [B·T, 3C]} → [y [B·T, C], p [B, H, T, T]]
 *   EmbedlabCausalAttentionGrad {qkv, p, dy [B·T, C]} → dqkv [B·T, 3C]
 *
 * attrs {B, T, H}. They run on the GEMM (causal-attention-gemm.ts) where it applies (T and hd
 * multiples of 8), else on the per-head XNNPACK products (causal-attention.ts), same results.
 */
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { fromValues, view, wasmMemory, type WasmKernelArgs } from "./heap";
import { attentionKernels } from "./attention-module";
import { backendGemm } from "./gemm";
import {
  attentionBackwardGemm,
  attentionForwardGemm,
  attentionGemmApplies,
  type AttentionDims,
} from "./causal-attention-gemm";
import { causalAttentionBackward, causalAttentionForward } from "./causal-attention";

export const CAUSAL_ATTENTION = "EmbedlabCausalAttention";
export const CAUSAL_ATTENTION_GRAD = "EmbedlabCausalAttentionGrad";

function dimsOf(qkv: tf.TensorInfo, attrs: tf.NamedAttrMap | undefined): AttentionDims {
  const { B, T, H } = (attrs ?? {}) as { B?: number; T?: number; H?: number };
  const [rows, c3] = qkv.shape;
  if (!B || !T || !H || qkv.shape.length !== 2 || rows !== B * T || c3 % (3 * H) !== 0)
    throw new Error(`${CAUSAL_ATTENTION}: qkv [${qkv.shape}] does not fit B ${B}, T ${T}, H ${H} (want [B·T, 3·H·hd])`);
  return { B, T, H, hd: c3 / 3 / H };
}

/** The GEMM path's kernels when it applies (T, hd multiples of 8; both modules instantiate). */
function gemmPath(backend: BackendWasm, dims: AttentionDims) {
  if (!attentionGemmApplies(dims)) return undefined;
  const gemm = backendGemm(backend);
  const memory = wasmMemory(backend);
  const ak = memory ? attentionKernels(memory) : undefined;
  return gemm && ak ? { gemm, ak } : undefined;
}

function forward({ inputs, backend, attrs }: WasmKernelArgs): tf.TensorInfo[] {
  const { qkv } = inputs as { qkv: tf.TensorInfo };
  const dims = dimsOf(qkv, attrs);
  const fast = gemmPath(backend, dims);
  if (fast) {
    const { y, p } = attentionForwardGemm(backend, fast.gemm, fast.ak, qkv, dims);
    return [y, p];
  }
  const { B, T, H, hd } = dims;
  const r = causalAttentionForward(backend, view(backend, qkv).slice(), dims);
  return [fromValues(backend, [B * T, H * hd], r.y), fromValues(backend, [B, H, T, T], r.p)];
}

function backward({ inputs, backend, attrs }: WasmKernelArgs): tf.TensorInfo {
  const { qkv, p, dy } = inputs as { qkv: tf.TensorInfo; p: tf.TensorInfo; dy: tf.TensorInfo };
  const dims = dimsOf(qkv, attrs);
  const fast = gemmPath(backend, dims);
  if (fast) return attentionBackwardGemm(backend, fast.gemm, fast.ak, qkv, p, dy, dims);
  const copy = (t: tf.TensorInfo) => view(backend, t).slice();
  return fromValues(backend, qkv.shape, causalAttentionBackward(backend, copy(qkv), copy(p), copy(dy), dims));
}

export const causalAttentionConfig: tf.KernelConfig = {
  kernelName: CAUSAL_ATTENTION,
  backendName: "wasm",
  kernelFunc: forward as unknown as tf.KernelFunc,
};

export const causalAttentionGradConfig: tf.KernelConfig = {
  kernelName: CAUSAL_ATTENTION_GRAD,
  backendName: "wasm",
  kernelFunc: backward as unknown as tf.KernelFunc,
};
