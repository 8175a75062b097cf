/**
 * A register-blocked wasm SIMD GEMM micro-kernel module (hand-assembled, works in place on
 * tfjs-backend-wasm's heap like simd-module.ts). One exported function per tile height mr = 1..6:
 *
 *   gemm<mr>(a, lda, pb, c, tiles, panels, kc, ldc, accumulate)
 *
 * computes, for t < tiles and j < panels, the mr×8 block
 *   C[mr·t + i, 8j + q] (+)= Σ_{p < kc} A[mr·t + i][p] · Bp[j][p][q]
 * where row r of A is read in place at a + r·lda (bytes; no packing), Bp is B packed in 8-column
 * panels ([panels][kc][8] floats at pb) and C is row-major with a row stride of `ldc` bytes.
 * With accumulate = 1 the block is added to C, else C is overwritten. gemmT<mr> (same arguments)
 * reads A stored transposed, [k, m] with a row stride of `lda` bytes (A[r][p] at a + p·lda + 4r): the
 * products in the same order, so op(A) = Aᵀ needs no transposed copy.
 *
 * Each tile keeps mr×2 f32x4 accumulators in registers (10 at mr = 5, + 2 B vectors + 1 splat:
 * V8 allocates 15 of the 16 xmm registers on x64), reads A with load32_splat (a broadcast load, no
 * shuffle on the FP ports) and multiplies then adds (wasm SIMD without relaxed-SIMD has no fused
 * multiply-add). Measured on 1024² (CPU time, 2-core EPYC): 5×8 ~57 GFLOP/s in the kernel, 6×8
 * ~50 (its 12 accumulators leave no register for the splat, so each splat is loaded twice: 14
 * loads per 12 multiply-adds), 4×8 ~47; the register-only mul+add ceiling is ~60–62.
 */
import {
  I32,
  V128,
  f32x4Add,
  f32x4Mul,
  forLoop,
  inc,
  load,
  load32Splat,
  memoryModule,
  op,
  store,
  zero128,
  uleb,
  type WasmFunction,
  instanceOn,
} from "./wasm-writer";

/** Largest tile height (rows of A per register tile). */
export const MR = 5;
/** Tile width in floats (two f32x4 columns). */
export const NR = 8;

/**
 * tile<mr>(qa, qb, pc, ldc, steps, accumulate): one mr×8 block over `steps` reduction steps. A separate
 * function from the loops around it: with the loop counters live beside the accumulators, V8's
 * register allocator spilled inside the reduction loop (~20 vs ~48 GFLOP/s measured).
 */
function tileBody(mr: number, transposed = false): WasmFunction {
  // params: 0 qa, 1 lda, 2 qb, 3 pc, 4 ldc, 5 steps, 6 accumulate
  // i32 locals: 7 p, 8.. row pointers (advanced 4 bytes per step); v128 locals: acc, b0, b1
  // transposed: A is stored [k, ·], row i of op(A) is column i: one pointer qa (element i at
  // offset 4i) advanced by lda bytes per step; the row pointers go unused
  const [qa, lda, qb, pc, ldc, steps, accumulate, p] = [0, 1, 2, 3, 4, 5, 6, 7];
  const rowPtr = Array.from({ length: mr }, (_, i) => 8 + i);
  const v0 = 8 + mr;
  const acc = Array.from({ length: 2 * mr }, (_, i) => v0 + i);
  const b0 = v0 + 2 * mr,
    b1 = b0 + 1,
    sp = b0 + 2;
  const step: number[] = [];
  // one reduction step per iteration: unrolling 2–4 steps measured ~2x slower (V8 then spills)
  {
    step.push(...op.get(qb), ...load(), ...op.set(b0), ...op.get(qb), ...load(16), ...op.set(b1));
    for (let i = 0; i < mr; i++) {
      step.push(
        ...(transposed ? [...op.get(qa), ...load32Splat(4 * i)] : [...op.get(rowPtr[i]), ...load32Splat()]),
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
  }
  step.push(
    ...(transposed ? inc(qa, op.get(lda)) : rowPtr.flatMap((r) => inc(r, op.i32(4)))),
    ...inc(qb, op.i32(4 * NR)),
  );
  const rowAddr = (i: number) =>
    i === 0 ? op.get(pc) : [...op.get(pc), ...op.get(ldc), ...op.i32(i), ...op.mul, ...op.add];
  const init: number[] = [];
  const initLoad: number[] = [];
  const stores: number[] = [];
  const setup: number[] = [];
  for (let i = 0; i < mr; i++) {
    if (!transposed)
      setup.push(...op.get(qa), ...op.get(lda), ...op.i32(i), ...op.mul, ...op.add, ...op.set(rowPtr[i]));
    init.push(...zero128, ...op.set(acc[2 * i]), ...zero128, ...op.set(acc[2 * i + 1]));
    initLoad.push(
      ...rowAddr(i),
      ...load(),
      ...op.set(acc[2 * i]),
      ...rowAddr(i),
      ...load(16),
      ...op.set(acc[2 * i + 1]),
    );
    stores.push(
      ...rowAddr(i),
      ...op.get(acc[2 * i]),
      ...store(),
      ...rowAddr(i),
      ...op.get(acc[2 * i + 1]),
      ...store(16),
    );
  }
  const code = [
    ...setup,
    ...op.get(accumulate),
    0x04,
    0x40 /* if */,
    ...initLoad,
    0x05 /* else */,
    ...init,
    ...op.end,
    ...forLoop(p, steps, step),
    ...stores,
  ];
  return {
    name: `tile${transposed ? "T" : ""}${mr}`,
    params: 7,
    locals: [...new Array(1 + mr).fill(I32), ...new Array(2 * mr + 3).fill(V128)],
    code,
  };
}

/**
 * gemm<mr>: the loops over tiles and panels around tile<mr> (function index `tileIndex`);
 * transposed (gemmT<mr> around tileT<mr>): A stored [k, m], `lda` its row stride in bytes, and
 * consecutive tiles start 4·mr bytes apart.
 */
function gemmBody(mr: number, tileIndex: number, transposed = false): WasmFunction {
  // params: 0 a, 1 lda, 2 pb, 3 c, 4 tiles, 5 panels, 6 kc, 7 ldc, 8 accumulate
  // i32 locals: 9 t, 10 j, 11 bPanel, 12 qa, 13 qb, 14 pcRow
  const [a, lda, pb, c, tiles, panels, kc, ldc, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [t, j, bPanel, qa, qb, pcRow] = [9, 10, 11, 12, 13, 14];
  const code = [
    ...op.get(kc),
    ...op.i32(4 * NR),
    ...op.mul,
    ...op.set(bPanel),
    ...op.get(a),
    ...op.set(qa),
    ...op.get(c),
    ...op.set(pcRow),
    ...forLoop(t, tiles, [
      ...op.get(pb),
      ...op.set(qb),
      ...forLoop(j, panels, [
        ...op.get(qa),
        ...op.get(lda),
        ...op.get(qb),
        // pc = pcRow + 32·j
        ...op.get(pcRow),
        ...op.get(j),
        ...op.i32(5),
        ...op.shl,
        ...op.add,
        ...op.get(ldc),
        ...op.get(kc),
        ...op.get(accumulate),
        0x10,
        ...uleb(tileIndex) /* call */,
        ...inc(qb, op.get(bPanel)),
      ]),
      ...inc(qa, transposed ? op.i32(4 * mr) : [...op.get(lda), ...op.i32(mr), ...op.mul]),
      ...inc(pcRow, [...op.get(ldc), ...op.i32(mr), ...op.mul]),
    ]),
  ];
  return { name: `gemm${transposed ? "T" : ""}${mr}`, params: 9, locals: new Array(6).fill(I32), code };
}

/**
 * packB(b, ldb, kc, panels, dst): dst[j][p][0..8) = the 8 floats at b + p·ldb + 32j (bytes), for
 * p < kc and j < panels: B's rows packed into whole 8-column panels ([panels][kc][8]). Panel by
 * panel (strided reads, contiguous writes): row by row wrote with a panel-size stride and measured
 * 15–25 % slower products on wide B (128×1024·1024×4096 40.0 vs 34.6 ms, 1024×128·128×512 4.5 vs 3.6).
 * packBPairs does two panels per pass (each row's 64 bytes, a whole cache line, into two contiguous
 * streams): up to ~10 % faster again on wide B (2048×256·256×1024 27.6 → 24.1 ms), the same elsewhere.
 */
function packBody(): WasmFunction {
  // params: 0 b, 1 ldb, 2 kc, 3 panels, 4 dst; i32 locals: 5 p, 6 j, 7 src, 8 out
  const [b, ldb, kc, panels, dst, p, j, src, out] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const code = [
    ...op.get(dst),
    ...op.set(out),
    ...forLoop(j, panels, [
      // src = b + 32j; out runs on contiguously
      ...op.get(b),
      ...op.get(j),
      ...op.i32(5),
      ...op.shl,
      ...op.add,
      ...op.set(src),
      ...forLoop(p, kc, [
        ...op.get(out),
        ...op.get(src),
        ...load(),
        ...store(),
        ...op.get(out),
        ...op.get(src),
        ...load(16),
        ...store(16),
        ...inc(src, op.get(ldb)),
        ...inc(out, op.i32(4 * NR)),
      ]),
    ]),
  ];
  return { name: "packBSingle", params: 5, locals: new Array(4).fill(I32), code };
}

function packPairsBody(): WasmFunction {
  // params: 0 b, 1 ldb, 2 kc, 3 panels, 4 dst; i32 locals: 5 p, 6 jj, 7 src, 8 out0, 9 out1, 10 pairs, 11 panelBytes
  const [b, ldb, kc, panels, dst, p, jj, src, out0, out1, pairs, panelBytes] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const copy = (out: number, at: number) => [...op.get(out), ...op.get(src), ...load(at), ...store(at % 32)];
  const code = [
    ...op.get(kc),
    ...op.i32(4 * NR),
    ...op.mul,
    ...op.set(panelBytes),
    ...op.get(panels),
    ...op.i32(1),
    0x76 /* i32.shr_u */,
    ...op.set(pairs),
    ...forLoop(jj, pairs, [
      // src = b + 64jj; out0 = dst + 2jj·panelBytes, out1 = out0 + panelBytes
      ...op.get(b),
      ...op.get(jj),
      ...op.i32(6),
      ...op.shl,
      ...op.add,
      ...op.set(src),
      ...op.get(dst),
      ...op.get(jj),
      ...op.i32(1),
      ...op.shl,
      ...op.get(panelBytes),
      ...op.mul,
      ...op.add,
      ...op.set(out0),
      ...op.get(out0),
      ...op.get(panelBytes),
      ...op.add,
      ...op.set(out1),
      ...forLoop(p, kc, [
        ...copy(out0, 0),
        ...copy(out0, 16),
        ...copy(out1, 32),
        ...copy(out1, 48),
        ...inc(src, op.get(ldb)),
        ...inc(out0, op.i32(4 * NR)),
        ...inc(out1, op.i32(4 * NR)),
      ]),
    ]),
  ];
  return { name: "packBPairs", params: 5, locals: new Array(7).fill(I32), code };
}

/** The module's bytes: tile1 … tileMR, tileT1 … tileTMR, gemm1 … gemmMR, gemmT1 … gemmTMR, packB. */
export function gemmModuleBytes(): Uint8Array {
  // functions 0 … MR−1: tile<mr>; MR … 2·MR−1: tileT<mr>; then gemm<mr>, gemmT<mr>, packB
  const tiles = Array.from({ length: MR }, (_, i) => tileBody(i + 1));
  const tilesT = Array.from({ length: MR }, (_, i) => tileBody(i + 1, true));
  return memoryModule([
    ...tiles,
    ...tilesT,
    ...tiles.map((_, i) => gemmBody(i + 1, i)),
    ...tiles.map((_, i) => gemmBody(i + 1, MR + i, true)),
    packBody(),
    packPairsBody(),
  ]);
}

export type GemmFn = (
  a: number,
  lda: number,
  pb: number,
  c: number,
  tiles: number,
  panels: number,
  kc: number,
  ldc: number,
  accumulate: number,
) => void;

export type PackFn = (b: number, ldb: number, kc: number, panels: number, dst: number) => void;
/** gemm[mr − 1]: A read by rows in place; gemmT[mr − 1]: A stored transposed ([k, m], read by columns). */
export type GemmKernels = { gemm: GemmFn[]; gemmT: GemmFn[]; packB: PackFn };

/** gemm1 … gemm6 (gemm[mr − 1]) and packB bound to `memory`; undefined if the module does not instantiate. */
export function gemmKernels(memory: WebAssembly.Memory): GemmKernels | undefined {
  return instanceOn(memory, "gemm", gemmModuleBytes, (wasmExports) => {
    const ex = wasmExports as Record<string, GemmFn & PackFn>;
    return {
      gemm: Array.from({ length: MR }, (_, i) => ex[`gemm${i + 1}`]),
      gemmT: Array.from({ length: MR }, (_, i) => ex[`gemmT${i + 1}`]),
      // panels two at a time (a whole 64-byte line of each row), an odd last one alone
      packB: (bb: number, ldb: number, kc: number, panels: number, dst: number) => {
        ex.packBPairs(bb, ldb, kc, panels, dst);
        if (panels % 2) ex.packBSingle(bb + 32 * (panels - 1), ldb, kc, 1, dst + (panels - 1) * kc * 4 * NR);
      },
    };
  });
}
