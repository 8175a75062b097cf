/**
 * A tiny hand-assembled WebAssembly SIMD module that works in place on tfjs-backend-wasm's own
 * heap (it imports the backend's Memory), for memory-bound loops that are slow in JS:
 *   maxPool2x2Grad — MaxPoolGrad for 2×2/stride-2 windows tiling the input exactly;
 *   colSumBlocks   — float32 column sums of row blocks (combined in float64 by the caller);
 *   gemmRows6x8    — Σ_p A[k, p]·B[p, c] for small outputs with a long reduction (6×8 register
 *                    tiles, rows of A read in place through a pointer table: no packing).
 * Arguments are byte offsets into the heap and element counts; channel / column counts must be
 * multiples of 4. Built once per backend; undefined when the backend does not expose its Memory.
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  I32,
  V128,
  bitselect,
  f32x4Add,
  f32x4Gt,
  f32x4Mul,
  forLoop,
  i32Load,
  inc,
  load,
  load32Splat,
  memoryModule,
  op,
  store,
  vAnd,
  vAndNot,
  vNot,
  vOr,
  zero128,
} from "./wasm-writer";

export type SimdKernels = {
  /** dx = routed dy for x [rows·2, W, C] (rows = n·OH, W = 2·OW), dy [rows, OW, C]. */
  maxPool2x2Grad(x: number, dy: number, dx: number, rows: number, ow: number, c: number): void;
  /** out[b, c] = Σ_{r in block b} x[r, c] (float32) for blocks of `block` rows; rows % block == 0. */
  colSumBlocks(x: number, out: number, rows: number, cols: number, block: number): void;
  /**
   * out[6·t + i, c] = Σ_q A_{6t+i}[q] · b[q, c] (float32) for t < tiles, over the q = imgs·h·w
   * rows of b ([q, cols], cols % 8 == 0). Row pointer A_r is the int32 at rowTable + 4r (byte
   * offset); it advances 4 bytes per q, plus skipRow bytes after every w and skipImg after every h·w.
   */
  gemmRows6x8(
    rowTable: number,
    tiles: number,
    b: number,
    cols: number,
    imgs: number,
    h: number,
    w: number,
    skipRow: number,
    skipImg: number,
    out: number,
  ): void;
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

function gemmBody(): { params: number; locals: number[]; code: number[] } {
  // params: 0 rowTable, 1 tiles, 2 b, 3 cols, 4 imgs, 5 h, 6 w, 7 skipRow, 8 skipImg, 9 out
  // i32 locals: 10 t, 11 ct, 12 cq (cols/8), 13 p, 14 pa, 15 pb, 16 rowBytes, 17..22 row ptrs, 23 po, 24 img, 25 r
  // v128 locals: 26..37 acc, 38 b0, 39 b1, 40 s
  const [table, tiles, b, cols, imgs, h, w, skipRow, skipImg, out] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [t, ct, cq, p, pa, pb, rowBytes] = [10, 11, 12, 13, 14, 15, 16];
  const rp = [17, 18, 19, 20, 21, 22],
    po = 23,
    img = 24,
    r = 25;
  const acc = Array.from({ length: 12 }, (_, i) => 26 + i);
  const [b0, b1, sp] = [38, 39, 40];
  const step: number[] = [...op.get(pb), ...load(), ...op.set(b0), ...op.get(pb), ...load(16), ...op.set(b1)];
  for (let i = 0; i < 6; i++) {
    step.push(
      ...op.get(rp[i]),
      ...op.get(pa),
      ...op.add,
      ...load32Splat(),
      ...op.set(sp),
      ...op.get(acc[2 * i]),
      ...op.get(sp),
      ...op.get(b0),
      ...f32x4Mul,
      ...f32x4Add,
      ...op.set(acc[2 * i]),
      ...op.get(acc[2 * i + 1]),
      ...op.get(sp),
      ...op.get(b1),
      ...f32x4Mul,
      ...f32x4Add,
      ...op.set(acc[2 * i + 1]),
    );
  }
  step.push(...inc(pb, op.get(rowBytes)), ...inc(pa, op.i32(4)));
  const stores: number[] = [];
  for (let i = 0; i < 6; i++) {
    // out + ((6t + i)·cols + 8ct)·4 = po + i·rowBytes
    stores.push(
      ...op.get(po),
      ...op.get(rowBytes),
      ...op.i32(i),
      ...op.mul,
      ...op.add,
      ...op.get(acc[2 * i]),
      ...store(),
      ...op.get(po),
      ...op.get(rowBytes),
      ...op.i32(i),
      ...op.mul,
      ...op.add,
      ...op.get(acc[2 * i + 1]),
      ...store(16),
    );
  }
  const zeroAcc = acc.flatMap((a) => [...zero128, ...op.set(a)]);
  const loadRows = rp.flatMap((r, i) => [
    ...op.get(table),
    ...op.get(t),
    ...op.i32(24),
    ...op.mul,
    ...op.add,
    ...i32Load(4 * i),
    ...op.set(r),
  ]);
  const code = [
    ...op.get(cols),
    ...op.i32(3),
    0x76,
    ...op.set(cq),
    ...op.get(cols),
    ...op.i32(2),
    ...op.shl,
    ...op.set(rowBytes),
    ...forLoop(t, tiles, [
      ...loadRows,
      ...forLoop(ct, cq, [
        ...zeroAcc,
        ...op.get(b),
        ...op.get(ct),
        ...op.i32(5),
        ...op.shl,
        ...op.add,
        ...op.set(pb),
        ...op.i32(0),
        ...op.set(pa),
        ...forLoop(img, imgs, [
          ...forLoop(r, h, [...forLoop(p, w, step), ...inc(pa, op.get(skipRow))]),
          ...inc(pa, op.get(skipImg)),
        ]),
        // po = out + (6t·cols + 8ct)·4
        ...op.get(out),
        ...op.get(t),
        ...op.i32(6),
        ...op.mul,
        ...op.get(rowBytes),
        ...op.mul,
        ...op.add,
        ...op.get(ct),
        ...op.i32(5),
        ...op.shl,
        ...op.add,
        ...op.set(po),
        ...stores,
      ]),
    ]),
  ];
  return { params: 10, locals: [...new Array(16).fill(I32), ...new Array(15).fill(V128)], code };
}

function moduleBytes(): Uint8Array {
  const names = ["maxPool2x2Grad", "colSumBlocks", "gemmRows6x8"];
  return memoryModule([maxPoolBody(), colSumBody(), gemmBody()].map((f, i) => ({ name: names[i], ...f })));
}

const cache = new WeakMap<object, SimdKernels | null>();

/** The module bound to `backend`'s heap, or undefined if its Memory is not reachable. */
export function simdKernels(backend: BackendWasm): SimdKernels | undefined {
  const wasm = backend.wasm as unknown as { asm?: { memory?: WebAssembly.Memory } };
  const memory = wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return undefined;
  let k = cache.get(memory);
  if (k === undefined) {
    try {
      const inst = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), { env: { memory } });
      k = inst.exports as unknown as SimdKernels;
    } catch {
      k = null;
    }
    cache.set(memory, k);
  }
  return k ?? undefined;
}

/** Byte offset of a tensor's data in the backend's heap. */
export function heapOffset(backend: BackendWasm, dataId: object): number {
  const store = (backend as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } | undefined } })
    .dataIdMap;
  const d = store.get(dataId);
  if (!d) throw new Error("tensor is not on the wasm heap");
  return d.memoryOffset;
}
