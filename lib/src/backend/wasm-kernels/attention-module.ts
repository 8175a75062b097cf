/**
 * The causal softmax gradient of one attention head (attention-blocks.ts causalSoftmaxGrad) in wasm,
 * scalar float64: the JS loop's operations in the same order (float32 values promoted exactly, each
 * float64 operation rounded as JS rounds it, float32 when stored), so the same results bit for bit,
 * without JS's bounds checks. Works in place on tfjs-backend-wasm's heap (byte offsets):
 *
 *   softmaxGrad(p, dp, ds, T, scale): for i < T, with dot = Σ_{j ≤ i} p[i, j]·dp[i, j],
 *   ds[i, j] = p[i, j]·(dp[i, j] − dot)·scale for j ≤ i and 0 above the diagonal
 *   (p, dp, ds [T, T] row-major; scale: offset of one float64);
 *   causalMask(s, blocks, T): −∞ above the diagonal of each [T, T] block (the forward's scores; one
 *   call instead of a typed-array fill per row);
 *   packTransposed(src, ld, T, hd, dst): Kᵀ / Vᵀ of one head packed as the GEMM's right operand, by
 *   SIMD 4×4 transposes (a copy: the JS loop's values).
 */
import {
  F64,
  I32,
  V128,
  elemAddr as addr,
  f32AsF64At as at,
  f32Const,
  f32DemoteF64 as demote,
  f32Store,
  f64Add as fAdd,
  f64Const,
  f64Load,
  f64Mul as fMul,
  f64Sub as fSub,
  forLoop,
  inc,
  memoryModule,
  op,
  uleb,
  type WasmFunction,
  instanceOn,
  transpose4x4,
} from "./wasm-writer";

const get = op.get,
  set = op.set;

function softmaxGradBody(): WasmFunction {
  // params: 0 p, 1 dp, 2 ds, 3 T, 4 scalePtr; i32 locals: 5 i, 6 j, 7 n (i + 1), 8 rest (T − i − 1), 9 zj
  // f64 locals: 10 dot, 11 scale
  const [p, dp, ds, T, scalePtr, i, j, n, rest, zj] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [dot, scale] = [10, 11];
  const rowBytes = [...get(T), ...op.i32(2), ...op.shl];
  const code = [
    ...get(scalePtr),
    ...f64Load,
    ...set(scale),
    ...forLoop(i, T, [
      ...get(i),
      ...op.i32(1),
      ...op.add,
      ...set(n),
      ...get(T),
      ...get(n),
      ...op.sub,
      ...set(rest),
      // dot = Σ_{j ≤ i} p·dp
      ...f64Const(0),
      ...set(dot),
      ...forLoop(j, n, [...get(dot), ...at(p, j), ...at(dp, j), ...fMul, ...fAdd, ...set(dot)]),
      // ds = p·(dp − dot)·scale on and below the diagonal
      ...forLoop(j, n, [
        ...addr(ds, j),
        ...at(p, j),
        ...at(dp, j),
        ...get(dot),
        ...fSub,
        ...fMul,
        ...get(scale),
        ...fMul,
        ...demote,
        ...f32Store,
      ]),
      // 0 above it
      ...forLoop(zj, rest, [
        ...get(ds),
        ...get(n),
        ...get(zj),
        ...op.add,
        ...op.i32(2),
        ...op.shl,
        ...op.add,
        ...f32Const(0),
        ...f32Store,
      ]),
      ...inc(p, rowBytes),
      ...inc(dp, rowBytes),
      ...inc(ds, rowBytes),
    ]),
  ];
  return { name: "softmaxGrad", params: 5, locals: [...new Array(5).fill(I32), F64, F64], code };
}

function causalMaskBody(): WasmFunction {
  // params: 0 s, 1 blocks, 2 T; i32 locals: 3 b, 4 i, 5 j, 6 rest, 7 q (address)
  const [s, blocks, T, b, i, j, rest, q] = [0, 1, 2, 3, 4, 5, 6, 7];
  const code = [
    ...forLoop(b, blocks, [
      ...forLoop(i, T, [
        // q = s + 4·(i + 1), rest = T − i − 1
        ...get(s),
        ...get(i),
        ...op.i32(1),
        ...op.add,
        ...op.i32(2),
        ...op.shl,
        ...op.add,
        ...set(q),
        ...get(T),
        ...get(i),
        ...op.sub,
        ...op.i32(1),
        ...op.sub,
        ...set(rest),
        ...forLoop(j, rest, [
          ...get(q),
          0x43,
          0x00,
          0x00,
          0x80,
          0xff /* f32.const −∞ */,
          ...f32Store,
          ...inc(q, op.i32(4)),
        ]),
        ...inc(s, [...get(T), ...op.i32(2), ...op.shl]),
      ]),
    ]),
  ];
  return { name: "causalMask", params: 3, locals: new Array(5).fill(I32), code };
}

function packTransposedBody(): WasmFunction {
  // params: 0 src (row 0, first column), 1 ld (row stride, bytes), 2 T, 3 hd, 4 dst
  // i32 locals: 5 jp, 6 dq, 7 panels (T/8), 8 quads (hd/4), 9 row (src of the panel's row 0), 10 out
  // v128 locals: 11 … 18 the 8 rows' 4 values, 19 … 22 shuffle temporaries
  const [src, ld, T, hd, dst, jp, dq, panels, quads, row, out] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const v = Array.from({ length: 8 }, (_, i) => 11 + i);
  const t = [19, 20, 21, 22];
  /** The 4×4 transpose of rows a0…a3 (locals), its row d stored at out + 32·d + off. */
  const transpose4 = (a: number[], off: number) =>
    transpose4x4(
      a,
      t,
      () => get(out),
      (d) => op.simd(0x0b, 0, ...uleb(32 * d + off)) /* v128.store */,
    );
  const code = [
    ...get(T),
    ...op.i32(3),
    0x76 /* i32.shr_u */,
    ...set(panels),
    ...get(hd),
    ...op.i32(2),
    0x76,
    ...set(quads),
    ...get(dst),
    ...set(out),
    ...forLoop(jp, panels, [
      // row = src + 8·jp·ld
      ...get(src),
      ...get(jp),
      ...op.i32(3),
      ...op.shl,
      ...get(ld),
      ...op.mul,
      ...op.add,
      ...set(row),
      ...forLoop(dq, quads, [
        // the 8 rows' values d = 4dq … 4dq + 3
        ...v.flatMap((x, lane) => [
          ...get(row),
          ...get(ld),
          ...op.i32(lane),
          ...op.mul,
          ...op.add,
          ...get(dq),
          ...op.i32(4),
          ...op.shl,
          ...op.add,
          ...op.simd(0x00, 0, 0) /* v128.load */,
          ...set(x),
        ]),
        ...transpose4(v.slice(0, 4), 0),
        ...transpose4(v.slice(4), 16),
        ...inc(out, op.i32(128)),
      ]),
    ]),
  ];
  return { name: "packTransposed", params: 5, locals: [...new Array(6).fill(I32), ...new Array(12).fill(V128)], code };
}

export type AttentionKernels = {
  /** The heap these work on. */
  memory: WebAssembly.Memory;
  softmaxGrad(p: number, dp: number, ds: number, T: number, scale: number): void;
  /** −∞ above the diagonal of `blocks` consecutive [T, T] float32 blocks at s. */
  causalMask(s: number, blocks: number, T: number): void;
  /**
   * dst[jp][d][lane] = the float at src + (8jp + lane)·ld + 4d (bytes): a [T, hd] block's transpose
   * packed in 8-wide panels (the GEMM's B layout); T % 8 == 0, hd % 4 == 0.
   */
  packTransposed(src: number, ld: number, T: number, hd: number, dst: number): void;
};

/** The module bound to `memory` (tfjs-backend-wasm's heap); undefined if it does not instantiate. */
export function attentionKernels(memory: WebAssembly.Memory): AttentionKernels | undefined {
  return instanceOn(
    memory,
    "attention",
    () => memoryModule([softmaxGradBody(), causalMaskBody(), packTransposedBody()]),
    (wasmExports) => {
      const ex = wasmExports as unknown as Omit<AttentionKernels, "memory">;
      return { memory, softmaxGrad: ex.softmaxGrad, causalMask: ex.causalMask, packTransposed: ex.packTransposed };
    },
  );
}
