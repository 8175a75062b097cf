/**
 * The tile transforms of Winograd's F(2×2, 3×3) convolution (winograd.ts) in wasm SIMD, four channels
 * per f32x4, in place on tfjs-backend-wasm's heap (byte offsets). One module per channel count `ch`
 * (a multiple of 4), so every offset inside a tile is an immediate. With
 *   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  Aᵀ = [1 1 1 0; 0 1 −1 −1],
 * and ξ = 4i + j the 16 positions of a 4×4 tile:
 *
 *   input(src, rowBytes, tiles, dst): for `tiles` tiles along one tile row (tile t's 4×4 pixels at
 *     src + 8·ch·t, rows `rowBytes` apart, NHWC), V = Bᵀ·d·B per channel, stored [tile][ξ][ch]
 *     (dst + tileBytes·t + 4·ch·ξ + 4c);
 *   output(src, tiles, dst, rowBytes): the inverse, Y = Aᵀ·M·A for M stored [tile][ξ][ch], each
 *     tile's 2×2 pixels stored NHWC at dst + 8·ch·t, rows `rowBytes` apart;
 *   outputGrad(src, rowBytes, tiles, dst, panelBytes, xiBytes): its adjoint, dM = A·dY·Aᵀ of each
 *     2×2 tile of dY (read like output's Y), stored as the GEMM's packed right operand, 8-channel
 *     panels of `panelBytes` (32 per tile of the block), one set of panels per ξ, `xiBytes` apart:
 *     dM[ξ][c / 8][t][c % 8] at dst + ξ·xiBytes + (c/8)·panelBytes + 32·t + 4·(c % 8).
 */
import {
  I32,
  V128,
  f32x4Add,
  f32x4Neg,
  f32x4Sub,
  forLoop,
  inc,
  instanceOn,
  load,
  memoryModule,
  op,
  store,
  type WasmFunction,
} from "./wasm-writer";

const get = op.get,
  set = op.set;

/** Bytes per pixel of `ch` channels. */
const pixelBytes = (ch: number) => 4 * ch;
/**
 * Bytes per tile of V or M ([tile][ξ][ch]): 16 pixels' worth plus one cache line, so that reading one
 * ξ down consecutive tiles (the GEMM's rows) does not hit the same few L1 sets (2 or 4 KiB strides did).
 */
export const tileBytes = (ch: number) => 64 * ch + 64;

function inputBody(ch: number): WasmFunction {
  // params: 0 src, 1 rowBytes, 2 tiles, 3 dst; i32 locals: 4 t, 5 q, 6 quads, 7 sp, 8 dp, 9–12 row pointers, 13 dq
  // v128 locals: 14–17 one column of d, 18–33 T = Bᵀ·d (T[i][j] at 18 + 4i + j)
  const [src, rowBytes, tiles, dst, t, q, quads, sp, dp] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const r = [9, 10, 11, 12],
    dq = 13;
  const e = [14, 15, 16, 17];
  const T = (i: number, j: number) => 18 + 4 * i + j;
  const pix = pixelBytes(ch);
  const vop = (x: number, y: number, f: number[]) => [...get(x), ...get(y), ...f];
  const column = (j: number) => [
    ...r.flatMap((p, i) => [...get(p), ...load(j * pix), ...set(e[i])]),
    ...vop(e[0], e[2], f32x4Sub),
    ...set(T(0, j)),
    ...vop(e[1], e[2], f32x4Add),
    ...set(T(1, j)),
    ...vop(e[2], e[1], f32x4Sub),
    ...set(T(2, j)),
    ...vop(e[1], e[3], f32x4Sub),
    ...set(T(3, j)),
  ];
  const out = (i: number, j: number, x: number, y: number, f: number[]) => [
    ...get(dq),
    ...vop(x, y, f),
    ...store((4 * i + j) * pix),
  ];
  const row = (i: number) => [
    ...out(i, 0, T(i, 0), T(i, 2), f32x4Sub),
    ...out(i, 1, T(i, 1), T(i, 2), f32x4Add),
    ...out(i, 2, T(i, 2), T(i, 1), f32x4Sub),
    ...out(i, 3, T(i, 1), T(i, 3), f32x4Sub),
  ];
  const code = [
    ...op.i32(ch / 4),
    ...set(quads),
    ...get(src),
    ...set(sp),
    ...get(dst),
    ...set(dp),
    ...forLoop(t, tiles, [
      ...get(sp),
      ...set(r[0]),
      ...get(dp),
      ...set(dq),
      ...forLoop(q, quads, [
        ...[1, 2, 3].flatMap((i) => [...get(r[i - 1]), ...get(rowBytes), ...op.add, ...set(r[i])]),
        ...[0, 1, 2, 3].flatMap(column),
        ...[0, 1, 2, 3].flatMap(row),
        ...inc(r[0], op.i32(16)),
        ...inc(dq, op.i32(16)),
      ]),
      ...inc(sp, op.i32(2 * pix)),
      ...inc(dp, op.i32(tileBytes(ch))),
    ]),
  ];
  return { name: "input", params: 4, locals: [...new Array(10).fill(I32), ...new Array(20).fill(V128)], code };
}

function outputBody(ch: number): WasmFunction {
  // params: 0 src, 1 tiles, 2 dst, 3 rowBytes; i32 locals: 4 t, 5 q, 6 quads, 7 sp, 8 dp, 9 sq, 10 d0, 11 d1
  // v128 locals: 12 a, 13 b, 14–21 S = Aᵀ·M (S[i][j] at 14 + 4i + j)
  const [src, tiles, dst, rowBytes, t, q, quads, sp, dp, sq, d0, d1] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const [a, b] = [12, 13];
  const S = (i: number, j: number) => 14 + 4 * i + j;
  const pix = pixelBytes(ch);
  const m = (i: number, j: number) => [...get(sq), ...load((4 * i + j) * pix)];
  // S[0][j] = m0j + m1j + m2j, S[1][j] = m1j − m2j − m3j
  const column = (j: number) => [
    ...m(1, j),
    ...set(a),
    ...m(2, j),
    ...set(b),
    ...m(0, j),
    ...get(a),
    ...f32x4Add,
    ...get(b),
    ...f32x4Add,
    ...set(S(0, j)),
    ...get(a),
    ...get(b),
    ...f32x4Sub,
    ...m(3, j),
    ...f32x4Sub,
    ...set(S(1, j)),
  ];
  // Y[i][0] = S[i][0] + S[i][1] + S[i][2], Y[i][1] = S[i][1] − S[i][2] − S[i][3]
  const row = (i: number, dptr: number) => [
    ...get(dptr),
    ...get(S(i, 0)),
    ...get(S(i, 1)),
    ...f32x4Add,
    ...get(S(i, 2)),
    ...f32x4Add,
    ...store(0),
    ...get(dptr),
    ...get(S(i, 1)),
    ...get(S(i, 2)),
    ...f32x4Sub,
    ...get(S(i, 3)),
    ...f32x4Sub,
    ...store(pix),
  ];
  const code = [
    ...op.i32(ch / 4),
    ...set(quads),
    ...get(src),
    ...set(sp),
    ...get(dst),
    ...set(dp),
    ...forLoop(t, tiles, [
      ...get(sp),
      ...set(sq),
      ...get(dp),
      ...set(d0),
      ...forLoop(q, quads, [
        ...[0, 1, 2, 3].flatMap(column),
        ...get(d0),
        ...get(rowBytes),
        ...op.add,
        ...set(d1),
        ...row(0, d0),
        ...row(1, d1),
        ...inc(sq, op.i32(16)),
        ...inc(d0, op.i32(16)),
      ]),
      ...inc(sp, op.i32(tileBytes(ch))),
      ...inc(dp, op.i32(2 * pix)),
    ]),
  ];
  return { name: "output", params: 4, locals: [...new Array(8).fill(I32), ...new Array(10).fill(V128)], code };
}

function outputGradBody(ch: number): WasmFunction {
  // params: 0 src, 1 rowBytes, 2 tiles, 3 dst, 4 panelBytes, 5 xs (bytes between ξ)
  // i32 locals: 6 t, 7 q, 8 quads, 9 sp, 10 dp, 11 s0, 12 s1, 13 p (store pointer)
  // v128 locals: 14–17 dY (y[r][c] at 14 + 2r + c), 18 u0, 19 u1
  const [src, rowBytes, tiles, dst, panelBytes, xs, t, q, quads, sp, dp, s0, s1, p] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
  ];
  const y = (r: number, c: number) => 14 + 2 * r + c;
  const [u0, u1] = [18, 19];
  const pix = pixelBytes(ch);
  const put = (value: number[]) => [...get(p), ...value, ...store(0), ...inc(p, get(xs))];
  // row i of dM from u_i = (u0, u1): [u0, u0 + u1, u0 − u1, −u1]
  const dmRow = (u: number[][]) => [
    ...u[0],
    ...set(u0),
    ...u[1],
    ...set(u1),
    ...put(get(u0)),
    ...put([...get(u0), ...get(u1), ...f32x4Add]),
    ...put([...get(u0), ...get(u1), ...f32x4Sub]),
    ...put([...get(u1), ...f32x4Neg]),
  ];
  const vy = (r: number, c: number) => get(y(r, c));
  // u0 = dY0, u1 = dY0 + dY1, u2 = dY0 − dY1, u3 = −dY1 (rows of dY, per column c)
  const code = [
    ...op.i32(ch / 4),
    ...set(quads),
    ...get(src),
    ...set(sp),
    ...get(dst),
    ...set(dp),
    ...forLoop(t, tiles, [
      ...get(sp),
      ...set(s0),
      ...forLoop(q, quads, [
        ...get(s0),
        ...get(rowBytes),
        ...op.add,
        ...set(s1),
        ...[0, 1].flatMap((c) => [
          ...get(s0),
          ...load(c * pix),
          ...set(y(0, c)),
          ...get(s1),
          ...load(c * pix),
          ...set(y(1, c)),
        ]),
        // p = dp + (q >> 1)·panelBytes + 16·(q & 1)
        ...get(dp),
        ...get(q),
        ...op.i32(1),
        0x76 /* i32.shr_u */,
        ...get(panelBytes),
        ...op.mul,
        ...op.add,
        ...get(q),
        ...op.i32(1),
        0x71 /* i32.and */,
        ...op.i32(4),
        ...op.shl,
        ...op.add,
        ...set(p),
        ...dmRow([vy(0, 0), vy(0, 1)]),
        ...dmRow([
          [...vy(0, 0), ...vy(1, 0), ...f32x4Add],
          [...vy(0, 1), ...vy(1, 1), ...f32x4Add],
        ]),
        ...dmRow([
          [...vy(0, 0), ...vy(1, 0), ...f32x4Sub],
          [...vy(0, 1), ...vy(1, 1), ...f32x4Sub],
        ]),
        ...dmRow([
          [...vy(1, 0), ...f32x4Neg],
          [...vy(1, 1), ...f32x4Neg],
        ]),
        ...inc(s0, op.i32(16)),
      ]),
      ...inc(sp, op.i32(2 * pix)),
      ...inc(dp, op.i32(32)),
    ]),
  ];
  return {
    name: "outputGrad",
    params: 6,
    locals: [...new Array(8).fill(I32), ...new Array(6).fill(V128)],
    code,
  };
}

export type WinogradTransforms = {
  input(src: number, rowBytes: number, tiles: number, dst: number): void;
  output(src: number, tiles: number, dst: number, rowBytes: number): void;
  outputGrad(src: number, rowBytes: number, tiles: number, dst: number, panelBytes: number, xiBytes: number): void;
};

/** The transforms for `ch` channels (ch % 4 == 0) on `memory`; undefined if the module does not instantiate. */
export function winogradTransforms(memory: WebAssembly.Memory, ch: number): WinogradTransforms | undefined {
  if (ch % 4 !== 0 || ch <= 0) return undefined;
  return instanceOn(
    memory,
    `winograd-${ch}`,
    () => memoryModule([inputBody(ch), outputBody(ch), outputGradBody(ch)]),
    (wasmExports) => {
      const ex = wasmExports as unknown as WinogradTransforms;
      return { input: ex.input, output: ex.output, outputGrad: ex.outputGrad };
    },
  );
}
