/**
 * A tiny hand-assembled WebAssembly SIMD module that works in place on tfjs-backend-wasm's own
 * heap (it imports the backend's Memory), for memory-bound loops that are slow in JS:
 *   maxPool2x2Grad — MaxPoolGrad for 2×2/stride-2 windows tiling the input exactly;
 *   colSumBlocks   — float32 column sums of row blocks (combined in float64 by the caller);
 *   scaleRows      — each row times its own factor (the softmax cross-entropy gradient);
 *   rowMax         — the maximum of each row (the softmax cross-entropy's forward);
 *   transpose4     — matrix transposes in 4×4 blocks of shuffles;
 *   patchRows      — the patch rows of small-channel convolutions (conv2d-patch-rows.ts).
 * (The matrix products live in gemm-module.ts.)
 * Arguments are byte offsets into the heap and element counts; channel / column counts must be
 * multiples of 4. Built once per backend; undefined when the backend does not expose its Memory.
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { wasmMemory } from "./heap";
import {
  I32,
  V128,
  bitselect,
  f32x4Add,
  f32x4Gt,
  f32x4Mul,
  load32Splat,
  forLoop,
  inc,
  load,
  memoryModule,
  op,
  store,
  vAnd,
  vAndNot,
  vNot,
  vOr,
  zero128,
  instanceOn,
  transpose4x4,
} from "./wasm-writer";

export type SimdKernels = {
  /** dx = routed dy for x [rows·2, W, C] (rows = n·OH, W = 2·OW), dy [rows, OW, C]. */
  maxPool2x2Grad(x: number, dy: number, dx: number, rows: number, ow: number, c: number): void;
  /** out[b, c] = Σ_{r in block b} x[r, c] (float32) for blocks of `block` rows; rows % block == 0. */
  colSumBlocks(x: number, out: number, rows: number, cols: number, block: number): void;
  /** out[r, c] = x[r, c]·s[r] (float32) for x, out [rows, cols] and s [rows]; cols % 4 == 0. */
  scaleRows(x: number, s: number, out: number, rows: number, cols: number): void;
  /** out[r] = max over x[r, ·] (float32; NaN if any is NaN) for x [rows, cols]; cols % 16 == 0, cols > 0. */
  rowMax(x: number, out: number, rows: number, cols: number): void;
  /** out[b][c][r] = x[b][r][c] (32-bit values) for `batch` [rows, cols] matrices; rows, cols % 4 == 0. */
  transpose4(x: number, out: number, batch: number, rows: number, cols: number): void;
  /**
   * One image row's patch rows (conv2d-patch-rows.ts) from a zero-padded NHWC image of ≤ 4 channels:
   * for p < positions and kh < fh, the 16 bytes at src + kh·rowBytes + p·pix go to dst + (p·fh + kh)·pix
   * (in that order, so each store's bytes past pix are overwritten by the next; the caller leaves 16
   * bytes of slack after src's and dst's last element).
   */
  patchRows(src: number, rowBytes: number, positions: number, fh: number, pix: number, dst: number): void;
};

function maxPoolBody(): { params: number; locals: number[]; code: number[] } {
  // params: 0 x, 1 dy, 2 dx, 3 rows, 4 ow, 5 c
  // locals (i32): 6 r, 7 j, 8 k, 9 cq (c/4), 10 rowBytes (2·ow·c·4), 11 pixBytes (c·4), 12 px, 13 pd
  // locals (v128): 14 a, 15 b, 16 cc, 17 d, 18 m1, 19 m2, 20 m3, 21 best, 22 g
  const [x, dy, dx, rows, ow, c] = [0, 1, 2, 3, 4, 5];
  const [r, j, k, cq, rowBytes, pixBytes, px, pd] = [6, 7, 8, 9, 10, 11, 12, 13];
  const [a, b, cc, d, m1, m2, m3, best, g] = [14, 15, 16, 17, 18, 19, 20, 21, 22];
  const inner = [
    // a, b: top-left/right; cc, d: bottom-left/right (offset px / px+pix / px+row / px+row+pix)
    ...op.get(px),
    ...op.get(x),
    ...op.add,
    ...load(),
    ...op.set(a),
    ...op.get(px),
    ...op.get(x),
    ...op.add,
    ...op.get(pixBytes),
    ...op.add,
    ...load(),
    ...op.set(b),
    ...op.get(px),
    ...op.get(x),
    ...op.add,
    ...op.get(rowBytes),
    ...op.add,
    ...load(),
    ...op.set(cc),
    ...op.get(px),
    ...op.get(x),
    ...op.add,
    ...op.get(rowBytes),
    ...op.add,
    ...op.get(pixBytes),
    ...op.add,
    ...load(),
    ...op.set(d),
    ...op.get(pd),
    ...op.get(dy),
    ...op.add,
    ...load(),
    ...op.set(g),
    // first strictly-largest in row-major order
    ...op.get(b),
    ...op.get(a),
    ...f32x4Gt,
    ...op.set(m1),
    ...op.get(b),
    ...op.get(a),
    ...op.get(m1),
    ...bitselect,
    ...op.set(best),
    ...op.get(cc),
    ...op.get(best),
    ...f32x4Gt,
    ...op.set(m2),
    ...op.get(cc),
    ...op.get(best),
    ...op.get(m2),
    ...bitselect,
    ...op.set(best),
    ...op.get(d),
    ...op.get(best),
    ...f32x4Gt,
    ...op.set(m3),
    // winner masks: w3 = m3, w2 = m2 & ~m3, w1 = m1 & ~(m2|m3), w0 = ~(m1|m2|m3)
    ...op.get(px),
    ...op.get(dx),
    ...op.add,
    ...op.get(g),
    ...op.get(m1),
    ...op.get(m2),
    ...vOr,
    ...op.get(m3),
    ...vOr,
    ...vNot,
    ...vAnd,
    ...store(),
    ...op.get(px),
    ...op.get(dx),
    ...op.add,
    ...op.get(pixBytes),
    ...op.add,
    ...op.get(g),
    ...op.get(m1),
    ...op.get(m2),
    ...op.get(m3),
    ...vOr,
    ...vAndNot,
    ...vAnd,
    ...store(),
    ...op.get(px),
    ...op.get(dx),
    ...op.add,
    ...op.get(rowBytes),
    ...op.add,
    ...op.get(g),
    ...op.get(m2),
    ...op.get(m3),
    ...vAndNot,
    ...vAnd,
    ...store(),
    ...op.get(px),
    ...op.get(dx),
    ...op.add,
    ...op.get(rowBytes),
    ...op.add,
    ...op.get(pixBytes),
    ...op.add,
    ...op.get(g),
    ...op.get(m3),
    ...vAnd,
    ...store(),
    ...inc(px, op.i32(16)),
    ...inc(pd, op.i32(16)),
  ];
  const code = [
    ...op.get(c),
    ...op.i32(2),
    0x76 /* i32.shr_u */,
    ...op.set(cq),
    ...op.get(c),
    ...op.i32(2),
    ...op.shl,
    ...op.set(pixBytes),
    ...op.get(ow),
    ...op.get(pixBytes),
    ...op.mul,
    ...op.i32(1),
    ...op.shl,
    ...op.set(rowBytes),
    ...op.i32(0),
    ...op.set(px),
    ...op.i32(0),
    ...op.set(pd),
    ...forLoop(r, rows, [
      ...forLoop(j, ow, [
        ...forLoop(k, cq, inner),
        ...inc(px, op.get(pixBytes)), // skip the window's right-hand pixel
      ]),
      ...inc(px, op.get(rowBytes)), // skip the window's bottom row
    ]),
  ];
  return { params: 6, locals: [...new Array(8).fill(I32), ...new Array(9).fill(V128)], code };
}

function colSumBody(): { params: number; locals: number[]; code: number[] } {
  // params: 0 x, 1 out, 2 rows, 3 cols, 4 block
  // locals: 5 nb (blocks), 6 bi, 7 k, 8 cq, 9 r, 10 rowBytes, 11 pIn (start of block), 12 p, 13 po ; v128 14 acc
  const [x, out, rows, cols, block] = [0, 1, 2, 3, 4];
  const [nb, bi, k, cq, r, rowBytes, pIn, p, po] = [5, 6, 7, 8, 9, 10, 11, 12, 13];
  const acc = 14;
  const code = [
    ...op.get(rows),
    ...op.get(block),
    0x6e /* i32.div_u */,
    ...op.set(nb),
    ...op.get(cols),
    ...op.i32(2),
    0x76,
    ...op.set(cq),
    ...op.get(cols),
    ...op.i32(2),
    ...op.shl,
    ...op.set(rowBytes),
    ...op.get(x),
    ...op.set(pIn),
    ...op.get(out),
    ...op.set(po),
    ...forLoop(bi, nb, [
      ...forLoop(k, cq, [
        ...zero128,
        ...op.set(acc),
        // p = pIn + 16k
        ...op.get(pIn),
        ...op.get(k),
        ...op.i32(4),
        ...op.shl,
        ...op.add,
        ...op.set(p),
        ...forLoop(r, block, [
          ...op.get(acc),
          ...op.get(p),
          ...load(),
          ...f32x4Add,
          ...op.set(acc),
          ...inc(p, op.get(rowBytes)),
        ]),
        ...op.get(po),
        ...op.get(acc),
        ...store(),
        ...inc(po, op.i32(16)),
      ]),
      ...op.get(pIn),
      ...op.get(rowBytes),
      ...op.get(block),
      ...op.mul,
      ...op.add,
      ...op.set(pIn),
    ]),
  ];
  return { params: 5, locals: [...new Array(9).fill(I32), V128], code };
}

/** scaleRows: out[r, ·] = x[r, ·]·s[r] (float32) for rows × cols floats; cols % 4 == 0. */
function scaleRowsBody(): { params: number; locals: number[]; code: number[] } {
  // params: 0 x, 1 s, 2 out, 3 rows, 4 cols; locals (i32): 5 r, 6 k, 7 cq; v128: 8 splat
  const [x, sp, out, rows, cols] = [0, 1, 2, 3, 4];
  const [r, k, cq, splat] = [5, 6, 7, 8];
  const code = [
    ...op.get(cols),
    ...op.i32(2),
    0x76 /* i32.shr_u */,
    ...op.set(cq),
    ...forLoop(r, rows, [
      ...op.get(sp),
      ...load32Splat(),
      ...op.set(splat),
      ...inc(sp, op.i32(4)),
      ...forLoop(k, cq, [
        ...op.get(out),
        ...op.get(x),
        ...load(),
        ...op.get(splat),
        ...f32x4Mul,
        ...store(),
        ...inc(x, op.i32(16)),
        ...inc(out, op.i32(16)),
      ]),
    ]),
  ];
  return { params: 5, locals: [I32, I32, I32, V128], code };
}

/**
 * rowMax: out[r] = max_c x[r, c] (f32x4.max / f32.max: NaN if any, max(−0, +0) = +0); cols % 16 == 0,
 * cols > 0. Four accumulators: one alone waits on each max (V8's f32x4.max is a several-instruction
 * sequence), measured ~2x slower.
 */
function rowMaxBody(): { params: number; locals: number[]; code: number[] } {
  // params: 0 x, 1 out, 2 rows, 3 cols; locals (i32): 4 r, 5 k, 6 c16; v128: 7 … 10 acc
  const [x, out, rows, cols] = [0, 1, 2, 3];
  const [r, k, c16] = [4, 5, 6];
  const acc = [7, 8, 9, 10];
  const fmax = op.simd(0xe9); /* f32x4.max */
  const lane = (i: number) => [...op.get(acc[0]), ...op.simd(0x1f, i) /* f32x4.extract_lane */];
  const code = [
    ...op.get(cols),
    ...op.i32(4),
    0x76 /* i32.shr_u */,
    ...op.i32(1),
    ...op.sub,
    ...op.set(c16),
    ...forLoop(r, rows, [
      ...acc.flatMap((a, i) => [...op.get(x), ...load(16 * i), ...op.set(a)]),
      ...inc(x, op.i32(64)),
      ...forLoop(k, c16, [
        ...acc.flatMap((a, i) => [...op.get(a), ...op.get(x), ...load(16 * i), ...fmax, ...op.set(a)]),
        ...inc(x, op.i32(64)),
      ]),
      ...op.get(acc[0]),
      ...op.get(acc[1]),
      ...fmax,
      ...op.get(acc[2]),
      ...op.get(acc[3]),
      ...fmax,
      ...fmax,
      ...op.set(acc[0]),
      ...op.get(out),
      ...lane(0),
      ...lane(1),
      0x97 /* f32.max */,
      ...lane(2),
      0x97,
      ...lane(3),
      0x97,
      0x38,
      2,
      0 /* f32.store */,
      ...inc(out, op.i32(4)),
    ]),
  ];
  return { params: 4, locals: [I32, I32, I32, V128, V128, V128, V128], code };
}

/**
 * transpose4: out[b][c][r] = x[b][r][c] for `batch` row-major [rows, cols] matrices of 32-bit values,
 * rows % 4 == 0 and cols % 4 == 0: 4×4 blocks, each four loads, eight shuffles and four stores,
 * taken down the input's columns so the writes run on contiguously (blocks along the input rows,
 * contiguous reads, measured 1.7–10x slower: 4096×128 1.24 vs 0.23 ms, 128×4096 0.44 vs 0.26).
 */
function transposeBody(): { params: number; locals: number[]; code: number[] } {
  // params: 0 x, 1 out, 2 batch, 3 rows, 4 cols
  // locals (i32): 5 bi, 6 r, 7 c, 8 rq, 9 cq, 10 src, 11 dst, 12 rowBytes (4·cols), 13 colBytes (4·rows)
  // v128: 14 … 17 a0–a3, 18 … 21 t0–t3
  const [x, out, batch, rows, cols] = [0, 1, 2, 3, 4];
  const [bi, r, c, rq, cq, src, dst, rowBytes, colBytes] = [5, 6, 7, 8, 9, 10, 11, 12, 13];
  const a = [14, 15, 16, 17],
    t = [18, 19, 20, 21];
  const row = (i: number) => [...op.get(src), ...op.get(rowBytes), ...op.i32(i), ...op.mul, ...op.add];
  const outRow = (i: number) => [...op.get(dst), ...op.get(colBytes), ...op.i32(i), ...op.mul, ...op.add];
  const block = [
    ...a.flatMap((v, i) => [...row(i), ...load(), ...op.set(v)]),
    ...transpose4x4(a, t, outRow, () => store()),
    // next block: down the input column
    ...inc(src, [...op.get(rowBytes), ...op.i32(4), ...op.mul]),
    ...inc(dst, op.i32(16)),
  ];
  // src, dst at the start of block column c
  const colStart = [
    ...op.get(x),
    ...op.get(c),
    ...op.i32(4),
    ...op.shl,
    ...op.add,
    ...op.set(src),
    ...op.get(out),
    ...op.get(c),
    ...op.get(colBytes),
    ...op.mul,
    ...op.i32(2),
    ...op.shl,
    ...op.add,
    ...op.set(dst),
  ];
  const code = [
    ...op.get(rows),
    ...op.i32(2),
    0x76 /* i32.shr_u */,
    ...op.set(rq),
    ...op.get(cols),
    ...op.i32(2),
    0x76,
    ...op.set(cq),
    ...op.get(cols),
    ...op.i32(2),
    ...op.shl,
    ...op.set(rowBytes),
    ...op.get(rows),
    ...op.i32(2),
    ...op.shl,
    ...op.set(colBytes),
    ...forLoop(bi, batch, [
      ...forLoop(c, cq, [...colStart, ...forLoop(r, rq, block)]),
      ...inc(x, [...op.get(rowBytes), ...op.get(rows), ...op.mul]),
      ...inc(out, [...op.get(rowBytes), ...op.get(rows), ...op.mul]),
    ]),
  ];
  return { params: 5, locals: [...new Array(9).fill(I32), ...new Array(8).fill(V128)], code };
}

function patchRowsBody(): { params: number; locals: number[]; code: number[] } {
  // params: 0 src, 1 rowBytes, 2 positions, 3 fh, 4 pix, 5 dst; i32 locals: 6 p, 7 kh, 8 q (source pointer)
  const [src, rowBytes, positions, fh, pix, dst, p, kh, q] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const code = [
    ...forLoop(p, positions, [
      ...op.get(src),
      ...op.set(q),
      ...forLoop(kh, fh, [
        ...op.get(dst),
        ...op.get(q),
        ...load(),
        ...store(),
        ...inc(q, op.get(rowBytes)),
        ...inc(dst, op.get(pix)),
      ]),
      ...inc(src, op.get(pix)),
    ]),
  ];
  return { params: 6, locals: new Array(3).fill(I32), code };
}

function moduleBytes(): Uint8Array {
  const names = ["maxPool2x2Grad", "colSumBlocks", "scaleRows", "rowMax", "transpose4", "patchRows"];
  return memoryModule(
    [maxPoolBody(), colSumBody(), scaleRowsBody(), rowMaxBody(), transposeBody(), patchRowsBody()].map((f, i) => ({
      name: names[i],
      ...f,
    })),
  );
}

/** The module bound to `backend`'s heap, or undefined if its Memory is not reachable. */
export function simdKernels(backend: BackendWasm): SimdKernels | undefined {
  const memory = wasmMemory(backend);
  return memory ? instanceOn(memory, "simd", moduleBytes, (ex) => ex as unknown as SimdKernels) : undefined;
}
