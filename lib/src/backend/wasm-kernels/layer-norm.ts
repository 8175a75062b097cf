/**
 * LayerNorm over the last axis, fused, on typed arrays (row statistics in float64), and as two wasm
 * kernels that run the same loops on heap tensors in place (no copies to and from JS arrays):
 *
 *   EmbedlabLayerNorm     {x [rows, C], g [C], b [C]}, attrs {eps} → [y, xhat [rows, C], rstd [rows]]
 *   EmbedlabLayerNormGrad {dy, xhat, rstd, g} → [dx, dg [C], db [C]]
 *
 * (x may have any rank; rows = its size / C). The kernels run the loops compiled to wasm
 * (layer-norm-module.ts, the same float64 operations: bit-identical; EMBEDLAB_WASM_LN=0 runs the JS
 * loops on heap views instead). models/gpt/layer-norm.ts calls the kernels where they are registered
 * and the JS loops directly elsewhere.
 */
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { alloc, float64Arg, free, heapOffset, view, wasmMemory, type WasmKernelArgs } from "./heap";
import { layerNormKernels, type LayerNormKernels } from "./layer-norm-module";

export const LAYER_NORM = "EmbedlabLayerNorm";
export const LAYER_NORM_GRAD = "EmbedlabLayerNormGrad";

/** y = xhat·g + b with xhat = (x − mean)/σ per row of x [rows, C]; fills y, xhat, rstd (1/σ per row). */
export function layerNormRows(
  x: Float32Array,
  g: Float32Array,
  b: Float32Array,
  C: number,
  eps: number,
  y: Float32Array,
  xhat: Float32Array,
  rstd: Float32Array,
): void {
  const rows = rstd.length;
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    let s = 0;
    for (let j = 0; j < C; j++) s += x[o + j];
    const mean = s / C;
    let q = 0;
    for (let j = 0; j < C; j++) {
      const d = x[o + j] - mean;
      q += d * d;
    }
    const rs = 1 / Math.sqrt(q / C + eps);
    rstd[r] = rs;
    for (let j = 0; j < C; j++) {
      const h = (x[o + j] - mean) * rs;
      xhat[o + j] = h;
      y[o + j] = h * g[j] + b[j];
    }
  }
}

/** dx (filled) and dg, db (float64, accumulated) from dy and the forward's xhat, rstd. */
export function layerNormRowsGrad(
  dy: Float32Array,
  xhat: Float32Array,
  rstd: Float32Array,
  g: Float32Array,
  C: number,
  dx: Float32Array,
  dg: Float64Array,
  db: Float64Array,
): void {
  const rows = rstd.length;
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    let s1 = 0,
      s2 = 0;
    for (let j = 0; j < C; j++) {
      const d = dy[o + j];
      const h = xhat[o + j];
      dg[j] += d * h;
      db[j] += d;
      const dh = d * g[j];
      s1 += dh;
      s2 += dh * h;
    }
    const m1 = s1 / C,
      m2 = s2 / C,
      rs = rstd[r];
    for (let j = 0; j < C; j++) dx[o + j] = rs * (dy[o + j] * g[j] - m1 - xhat[o + j] * m2);
  }
}

function checkRows(kernel: string, x: tf.TensorInfo, g: tf.TensorInfo): number {
  const C = x.shape[x.shape.length - 1];
  if (x.dtype !== "float32" || g.shape.length !== 1 || g.shape[0] !== C)
    throw new Error(`${kernel}: want float32 x [..., C] and g [C]; got x [${x.shape}] ${x.dtype}, g [${g.shape}]`);
  return C;
}

/** The wasm loops on `backend`'s heap, or undefined (then the JS loops run on heap views). */
function moduleOf(backend: BackendWasm): { k: LayerNormKernels; memory: WebAssembly.Memory } | undefined {
  if (process.env.EMBEDLAB_WASM_LN === "0") return undefined;
  const memory = wasmMemory(backend);
  const k = memory ? layerNormKernels(memory) : undefined;
  return k && memory ? { k, memory } : undefined;
}

const at = (backend: BackendWasm, t: tf.TensorInfo) => heapOffset(backend, t.dataId);

function forward({ inputs, backend, attrs }: WasmKernelArgs): tf.TensorInfo[] {
  const { x, g, b } = inputs as { x: tf.TensorInfo; g: tf.TensorInfo; b: tf.TensorInfo };
  const C = checkRows(LAYER_NORM, x, g);
  const rows = C === 0 ? 0 : x.shape.reduce((p, q) => p * q, 1) / C;
  const y = alloc(backend, x.shape),
    xhat = alloc(backend, x.shape),
    rstd = alloc(backend, [rows]);
  const eps = Number(attrs?.eps ?? 1e-5);
  const mod = moduleOf(backend);
  if (mod) {
    const e = float64Arg(backend, mod.memory, eps);
    mod.k.ln(
      at(backend, x),
      at(backend, g),
      at(backend, b),
      at(backend, y),
      at(backend, xhat),
      at(backend, rstd),
      rows,
      C,
      at(backend, e),
    );
    free(backend, e);
    return [y, xhat, rstd];
  }
  layerNormRows(
    view(backend, x),
    view(backend, g),
    view(backend, b),
    C,
    eps,
    view(backend, y),
    view(backend, xhat),
    view(backend, rstd),
  );
  return [y, xhat, rstd];
}

function backward({ inputs, backend }: WasmKernelArgs): tf.TensorInfo[] {
  const { dy, xhat, rstd, g } = inputs as Record<"dy" | "xhat" | "rstd" | "g", tf.TensorInfo>;
  const C = checkRows(LAYER_NORM_GRAD, xhat, g);
  const dx = alloc(backend, xhat.shape),
    dg = alloc(backend, [C]),
    db = alloc(backend, [C]);
  const mod = moduleOf(backend);
  if (mod) {
    const acc = alloc(backend, [4 * C]); // dg, db: 2·C float64
    view(backend, acc).fill(0);
    const rows = C === 0 ? 0 : xhat.shape.reduce((p, q) => p * q, 1) / C;
    mod.k.lnGrad(
      at(backend, dy),
      at(backend, xhat),
      at(backend, rstd),
      at(backend, g),
      at(backend, dx),
      at(backend, acc),
      rows,
      C,
    );
    const o = at(backend, acc);
    const sums = new Float64Array(mod.memory.buffer.slice(o, o + 16 * C));
    view(backend, dg).set(sums.subarray(0, C));
    view(backend, db).set(sums.subarray(C));
    free(backend, acc);
    return [dx, dg, db];
  }
  const dg64 = new Float64Array(C),
    db64 = new Float64Array(C);
  layerNormRowsGrad(
    view(backend, dy),
    view(backend, xhat),
    view(backend, rstd),
    view(backend, g),
    C,
    view(backend, dx),
    dg64,
    db64,
  );
  view(backend, dg).set(dg64);
  view(backend, db).set(db64);
  return [dx, dg, db];
}

export const layerNormConfig: tf.KernelConfig = {
  kernelName: LAYER_NORM,
  backendName: "wasm",
  kernelFunc: forward as unknown as tf.KernelFunc,
};

export const layerNormGradConfig: tf.KernelConfig = {
  kernelName: LAYER_NORM_GRAD,
  backendName: "wasm",
  kernelFunc: backward as unknown as tf.KernelFunc,
};
