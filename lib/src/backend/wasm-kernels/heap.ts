/**
 * Helpers shared by the extra wasm kernels: allocate wasm-heap tensors, view them as typed
 * arrays, and run the backend's own (fast, plain 2-D, no transpose flags) matMul on them.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { originalKernel } from "./originals";

export type WasmKernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: BackendWasm;
  attrs?: tf.NamedAttrMap;
};

/** Allocates an (uninitialised) tensor on the wasm heap; free it with `free` unless returned. */
export function alloc(backend: BackendWasm, shape: number[], dtype: tf.DataType = "float32"): tf.TensorInfo {
  return backend.makeOutput(shape, dtype);
}

/**
 * A typed-array view of a heap tensor. Views go stale when the heap grows, so take them
 * only after the last allocation of the kernel.
 */
export function view(backend: BackendWasm, t: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** A new float32 heap tensor of `shape` holding `values` (e.g. a float64 accumulator). */
export function fromValues(backend: BackendWasm, shape: number[], values: ArrayLike<number>): tf.TensorInfo {
  const t = alloc(backend, shape);
  view(backend, t).set(values);
  return t;
}

/**
 * A float32 tensor's values without a copy where they live on the current wasm backend's heap (a
 * view: valid only until the next tensor allocation, which may grow the heap), else dataSync()'s copy.
 */
export function valuesNoCopy(t: tf.Tensor): Float32Array {
  if (t.dtype === "float32" && tf.getBackend() === "wasm") {
    try {
      return (tf.backend() as unknown as BackendWasm).typedArrayFromHeap(t) as Float32Array;
    } catch {
      // not on this backend's heap (made under another backend): read it the usual way
    }
  }
  return t.dataSync() as Float32Array;
}

/** The backend's wasm Memory (for embedlab's modules, which import it), or undefined if not reachable. */
export function wasmMemory(backend: BackendWasm): WebAssembly.Memory | undefined {
  const memory = (backend.wasm as unknown as { asm?: { memory?: WebAssembly.Memory } }).asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/** A heap tensor holding one float64 (a scalar argument for embedlab's wasm modules); free it after. */
export function float64Arg(backend: BackendWasm, memory: WebAssembly.Memory, value: number): tf.TensorInfo {
  const t = alloc(backend, [2]);
  new DataView(memory.buffer).setFloat64(heapOffset(backend, t.dataId), value, true);
  return t;
}

export function free(backend: BackendWasm, t: tf.TensorInfo): void {
  backend.disposeData(t.dataId);
}

/** [m,k] @ [k,n] → [m,n] with the wasm backend's BatchMatMul kernel and no transpose flags. */
export function matMul2d(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  return originalKernel("BatchMatMul")({
    inputs: { a, b },
    backend,
    attrs: { transposeA: false, transposeB: false },
  }) as tf.TensorInfo;
}

/** out[c*rows + r] = src[r*cols + c] (blocked for cache locality). */
export function transpose2d(src: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const B = 32;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) {
        const rs = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = src[rs + c];
      }
    }
  }
}

export function asPair(v: unknown, name: string): [number, number] {
  if (v == null) return [1, 1];
  if (typeof v === "number") return [v, v];
  if (Array.isArray(v) && v.length === 2) return [Number(v[0]), Number(v[1])];
  throw new Error(`${name} must be a number or a pair, got ${JSON.stringify(v)}`);
}

export function requireNhwc(kernel: string, dataFormat: unknown): void {
  if (dataFormat != null && dataFormat !== "NHWC" && dataFormat !== "channelsLast") {
    throw new Error(
      `${kernel} on wasm (embedlab kernel) supports NHWC only, got ${String(dataFormat)}; use dataFormat "channelsLast"`,
    );
  }
}

/** Byte offset of a tensor's data in the backend's heap. */
export function heapOffset(backend: BackendWasm, dataId: object): number {
  const store = (backend as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } | undefined } })
    .dataIdMap;
  const d = store.get(dataId);
  if (!d) throw new Error("tensor is not on the wasm heap");
  return d.memoryOffset;
}
