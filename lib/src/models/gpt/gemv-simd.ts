/**
 * A hand-assembled WebAssembly SIMD kernel for the decoder's matrix–vector products,
 *   y[0:cols] = x[0:n] · W[n, cols] + b[0:cols]   (cols a multiple of 32),
 * on a Memory the caller owns. W is stored in column panels (`panelIndex`): the n × 32 block of
 * columns 32p … 32p + 31 is contiguous, row after row. Each pass keeps one panel's 32 outputs in
 * eight f32x4 accumulators and reads the panel once front to back (one splat of x[i], eight 128-bit
 * loads, eight mul+add per row), so W — the only large operand — streams sequentially exactly once,
 * with no horizontal sums. (Row-major W made each pass stride through every row: 4–10x slower once
 * the weights no longer fit in L2.) Float32 products summed in row order, then the bias added: the
 * order tfjs's matMul + add uses. Pure JS reaches ~1–1.5 GFLOP/s on these shapes; this ~15–19.
 */

import {
  I32,
  V128,
  f32x4Add,
  f32x4Mul,
  load,
  load32Splat,
  memoryModule,
  op,
  store,
  zero128,
} from "../../backend/wasm-kernels/wasm-writer";

const { get, set, i32, add: I32_ADD, mul: I32_MUL, shl: I32_SHL, ltU: I32_LT_U } = op;

function gemvBody(): { locals: number[]; code: number[] } {
  const [x, w, b, y, n, cols] = [0, 1, 2, 3, 4, 5];
  const [jb, xp, wp, xe, colBytes] = [6, 7, 8, 9, 10];
  const xs = 11;
  const acc = [12, 13, 14, 15, 16, 17, 18, 19];
  const inner = [
    ...get(xp),
    ...load32Splat(),
    ...set(xs),
    ...acc.flatMap((a, k) => [...get(a), ...get(xs), ...get(wp), ...load(16 * k), ...f32x4Mul, ...f32x4Add, ...set(a)]),
    ...get(wp),
    ...i32(128),
    ...I32_ADD,
    ...set(wp),
    ...get(xp),
    ...i32(4),
    ...I32_ADD,
    ...set(xp),
    ...get(xp),
    ...get(xe),
    ...I32_LT_U,
    ...op.brIf(0), // continue the row loop
  ];
  const outer = [
    ...acc.flatMap((a) => [...zero128, ...set(a)]),
    ...get(x),
    ...set(xp),
    ...get(w),
    ...get(jb),
    ...get(n),
    ...I32_MUL,
    ...I32_ADD,
    ...set(wp),
    ...op.loop,
    ...inner,
    ...op.end,
    // y[jb + 16k] = acc_k + b[jb + 16k]
    ...acc.flatMap((a, k) => [
      ...get(y),
      ...get(jb),
      ...I32_ADD,
      ...get(a),
      ...get(b),
      ...get(jb),
      ...I32_ADD,
      ...load(16 * k),
      ...f32x4Add,
      ...store(16 * k),
    ]),
    ...get(jb),
    ...i32(128),
    ...I32_ADD,
    ...set(jb),
    ...get(jb),
    ...get(colBytes),
    ...I32_LT_U,
    ...op.brIf(0), // next column block
  ];
  const code = [
    ...get(cols),
    ...i32(2),
    ...I32_SHL,
    ...set(colBytes),
    ...get(x),
    ...get(n),
    ...i32(2),
    ...I32_SHL,
    ...I32_ADD,
    ...set(xe),
    ...i32(0),
    ...set(jb),
    ...op.loop,
    ...outer,
    ...op.end,
  ];
  return {
    locals: [...new Array<number>(5).fill(I32), ...new Array<number>(9).fill(V128)],
    code,
  };
}

function moduleBytes(): Uint8Array {
  return memoryModule([{ name: "gemv", params: 6, ...gemvBody() }]);
}

/** Where element (row i, column j) of an [n, cols] matrix lives in the panel layout (float index from W's start). */
export const panelIndex = (i: number, j: number, n: number): number => (j >> 5) * n * 32 + i * 32 + (j & 31);

/**
 * `gemv(x, w, b, y, n, cols)`: byte offsets into the memory, element counts (cols % 32 == 0, n ≥ 1);
 * W in the panel layout.
 */
export type Gemv = (x: number, w: number, b: number, y: number, n: number, cols: number) => void;

let compiled: WebAssembly.Module | null | undefined;

/** The kernel bound to `memory`, or undefined where WebAssembly SIMD is unavailable. */
export function simdGemv(memory: WebAssembly.Memory): Gemv | undefined {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(moduleBytes());
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return undefined;
  const inst = new WebAssembly.Instance(compiled, { env: { memory } });
  return inst.exports.gemv as Gemv;
}

/** The same product in plain JS on a Float32Array view (fallback and reference). */
export function jsGemv(f32: Float32Array): Gemv {
  return (x, w, b, y, n, cols) => {
    const xo = x >> 2,
      wo = w >> 2,
      bo = b >> 2,
      yo = y >> 2;
    for (let j = 0; j < cols; j++) f32[yo + j] = 0;
    for (let i = 0; i < n; i++) {
      const xi = f32[xo + i];
      for (let j = 0; j < cols; j++) f32[yo + j] += xi * f32[wo + panelIndex(i, j, n)];
    }
    for (let j = 0; j < cols; j++) f32[yo + j] += f32[bo + j];
  };
}
