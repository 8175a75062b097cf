/**
 * LayerNorm's row loops (layer-norm.ts layerNormRows / layerNormRowsGrad) in wasm, scalar float64:
 * the same operations in the same order as the JS loops (float32 values promoted exactly, each
 * float64 operation rounded as JS rounds it, float32 only when stored), so the same results bit for
 * bit, without JS's bounds checks. Works in place on tfjs-backend-wasm's heap (byte offsets):
 *
 *   ln(x, g, b, y, xhat, rstd, rows, C, eps)    eps: offset of one float64
 *   lnGrad(dy, xhat, rstd, g, dx, dgb, rows, C)  dgb: 2·C float64 accumulators (dg then db), added to
 */
import {
  F64,
  I32,
  elemAddr as addr,
  f32AsF64At as at,
  f32DemoteF64 as demote,
  f32Load,
  f32Store,
  f64Add as fAdd,
  f64Const,
  f64Div as fDiv,
  f64Load,
  f64Mul as fMul,
  f64PromoteF32 as promote,
  f64Sqrt as fSqrt,
  f64Store,
  f64Sub as fSub,
  forLoop,
  inc,
  memoryModule,
  op,
  type WasmFunction,
  instanceOn,
} from "./wasm-writer";

const get = op.get,
  set = op.set;

function lnBody(): WasmFunction {
  // params: 0 x, 1 g, 2 b, 3 y, 4 xhat, 5 rstd, 6 rows, 7 C, 8 eps; i32 locals 9 r, 10 j
  // f64 locals: 11 s, 12 mean, 13 q, 14 d, 15 rs, 16 h, 17 cf (C as float64), 18 epsv
  const [x, g, b, y, xhat, rstd, rows, C, eps, r, j] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [s, mean, q, d, rs, h, cf, epsv] = [11, 12, 13, 14, 15, 16, 17, 18];
  const rowBytes = [...get(C), ...op.i32(2), ...op.shl];
  const code = [
    ...get(C),
    0xb8 /* f64.convert_i32_u */,
    ...set(cf),
    ...get(eps),
    ...f64Load,
    ...set(epsv),
    ...forLoop(r, rows, [
      // s = Σ x; mean = s / C
      ...f64Const(0),
      ...set(s),
      ...forLoop(j, C, [...get(s), ...at(x, j), ...fAdd, ...set(s)]),
      ...get(s),
      ...get(cf),
      ...fDiv,
      ...set(mean),
      // q = Σ (x − mean)²; rs = 1 / √(q / C + eps)
      ...f64Const(0),
      ...set(q),
      ...forLoop(j, C, [
        ...at(x, j),
        ...get(mean),
        ...fSub,
        ...set(d),
        ...get(q),
        ...get(d),
        ...get(d),
        ...fMul,
        ...fAdd,
        ...set(q),
      ]),
      ...f64Const(1),
      ...get(q),
      ...get(cf),
      ...fDiv,
      ...get(epsv),
      ...fAdd,
      ...fSqrt,
      ...fDiv,
      ...set(rs),
      ...get(rstd),
      ...get(rs),
      ...demote,
      ...f32Store,
      ...inc(rstd, op.i32(4)),
      // h = (x − mean)·rs; xhat = h; y = h·g + b
      ...forLoop(j, C, [
        ...at(x, j),
        ...get(mean),
        ...fSub,
        ...get(rs),
        ...fMul,
        ...set(h),
        ...addr(xhat, j, 2),
        ...get(h),
        ...demote,
        ...f32Store,
        ...addr(y, j, 2),
        ...get(h),
        ...at(g, j),
        ...fMul,
        ...at(b, j),
        ...fAdd,
        ...demote,
        ...f32Store,
      ]),
      ...inc(x, rowBytes),
      ...inc(xhat, rowBytes),
      ...inc(y, rowBytes),
    ]),
  ];
  return { name: "ln", params: 9, locals: [I32, I32, ...new Array(8).fill(F64)], code };
}

function lnGradBody(): WasmFunction {
  // params: 0 dy, 1 xhat, 2 rstd, 3 g, 4 dx, 5 dgb, 6 rows, 7 C; i32 locals 8 r, 9 j, 10 dbOff
  // f64 locals: 11 s1, 12 s2, 13 dd, 14 h, 15 dh, 16 m1, 17 m2, 18 rs, 19 cf
  const [dy, xhat, rstd, g, dx, dgb, rows, C, r, j, dbOff] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [s1, s2, dd, h, dh, m1, m2, rs, cf] = [11, 12, 13, 14, 15, 16, 17, 18, 19];
  const rowBytes = [...get(C), ...op.i32(2), ...op.shl];
  const dgAt = () => addr(dgb, j, 3);
  const dbAt = () => [...addr(dgb, j, 3), ...get(dbOff), ...op.add];
  const code = [
    ...get(C),
    0xb8 /* f64.convert_i32_u */,
    ...set(cf),
    ...get(C),
    ...op.i32(3),
    ...op.shl,
    ...set(dbOff),
    ...forLoop(r, rows, [
      ...f64Const(0),
      ...set(s1),
      ...f64Const(0),
      ...set(s2),
      ...forLoop(j, C, [
        ...at(dy, j),
        ...set(dd),
        ...at(xhat, j),
        ...set(h),
        // dg[j] += d·h; db[j] += d
        ...dgAt(),
        ...dgAt(),
        ...f64Load,
        ...get(dd),
        ...get(h),
        ...fMul,
        ...fAdd,
        ...f64Store,
        ...dbAt(),
        ...dbAt(),
        ...f64Load,
        ...get(dd),
        ...fAdd,
        ...f64Store,
        // dh = d·g; s1 += dh; s2 += dh·h
        ...get(dd),
        ...at(g, j),
        ...fMul,
        ...set(dh),
        ...get(s1),
        ...get(dh),
        ...fAdd,
        ...set(s1),
        ...get(s2),
        ...get(dh),
        ...get(h),
        ...fMul,
        ...fAdd,
        ...set(s2),
      ]),
      ...get(s1),
      ...get(cf),
      ...fDiv,
      ...set(m1),
      ...get(s2),
      ...get(cf),
      ...fDiv,
      ...set(m2),
      ...get(rstd),
      ...f32Load,
      ...promote,
      ...set(rs),
      ...inc(rstd, op.i32(4)),
      // dx = rs·(dy·g − m1 − xhat·m2)
      ...forLoop(j, C, [
        ...addr(dx, j, 2),
        ...get(rs),
        ...at(dy, j),
        ...at(g, j),
        ...fMul,
        ...get(m1),
        ...fSub,
        ...at(xhat, j),
        ...get(m2),
        ...fMul,
        ...fSub,
        ...fMul,
        ...demote,
        ...f32Store,
      ]),
      ...inc(dy, rowBytes),
      ...inc(xhat, rowBytes),
      ...inc(dx, rowBytes),
    ]),
  ];
  return { name: "lnGrad", params: 8, locals: [I32, I32, I32, ...new Array(9).fill(F64)], code };
}

export type LayerNormKernels = {
  ln(
    x: number,
    g: number,
    b: number,
    y: number,
    xhat: number,
    rstd: number,
    rows: number,
    C: number,
    eps: number,
  ): void;
  lnGrad(dy: number, xhat: number, rstd: number, g: number, dx: number, dgb: number, rows: number, C: number): void;
};

/** The module bound to `memory` (tfjs-backend-wasm's heap); undefined if it does not instantiate. */
export function layerNormKernels(memory: WebAssembly.Memory): LayerNormKernels | undefined {
  return instanceOn(
    memory,
    "layer-norm",
    () => memoryModule([lnBody(), lnGradBody()]),
    (ex) => ex as unknown as LayerNormKernels,
  );
}
