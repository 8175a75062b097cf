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

// ---- a minimal wasm binary writer (just what this one function needs) ----
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
const str = (s: string): number[] => [...uleb(s.length), ...Array.from(Buffer.from(s, "utf8"))];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const I32_ADD = 0x6a,
  I32_MUL = 0x6c,
  I32_SHL = 0x74,
  I32_LT_U = 0x49;
const i32 = (v: number) => [0x41, ...uleb(v)]; // small non-negative constants only (< 64)
const simd = (code: number, ...imm: number[]) => [0xfd, ...uleb(code), ...imm];
const load = (offset: number) => simd(0x00, 0, ...uleb(offset)); // v128.load, align 1
const store = (offset: number) => simd(0x0b, 0, ...uleb(offset));
const load32Splat = simd(0x09, 0, 0);
const f32x4Add = simd(0xe4);
const f32x4Mul = simd(0xe6);
const zero128 = simd(0x0c, ...new Array(16).fill(0));

function gemvBody(): { locals: number[][]; code: number[] } {
  const [x, w, b, y, n, cols] = [0, 1, 2, 3, 4, 5];
  const [jb, xp, wp, xe, colBytes] = [6, 7, 8, 9, 10];
  const xs = 11;
  const acc = [12, 13, 14, 15, 16, 17, 18, 19];
  const inner = [
    ...get(xp),
    ...load32Splat,
    ...set(xs),
    ...acc.flatMap((a, k) => [...get(a), ...get(xs), ...get(wp), ...load(16 * k), ...f32x4Mul, ...f32x4Add, ...set(a)]),
    ...get(wp),
    0x41,
    ...uleb(128),
    I32_ADD,
    ...set(wp),
    ...get(xp),
    ...i32(4),
    I32_ADD,
    ...set(xp),
    ...get(xp),
    ...get(xe),
    I32_LT_U,
    0x0d,
    0, // br_if 0 (continue the row loop)
  ];
  const outer = [
    ...acc.flatMap((a) => [...zero128, ...set(a)]),
    ...get(x),
    ...set(xp),
    ...get(w),
    ...get(jb),
    ...get(n),
    I32_MUL,
    I32_ADD,
    ...set(wp),
    0x03,
    0x40, // loop
    ...inner,
    0x0b,
    // y[jb + 16k] = acc_k + b[jb + 16k]
    ...acc.flatMap((a, k) => [
      ...get(y),
      ...get(jb),
      I32_ADD,
      ...get(a),
      ...get(b),
      ...get(jb),
      I32_ADD,
      ...load(16 * k),
      ...f32x4Add,
      ...store(16 * k),
    ]),
    ...get(jb),
    0x41,
    ...uleb(128),
    I32_ADD,
    ...set(jb),
    ...get(jb),
    ...get(colBytes),
    I32_LT_U,
    0x0d,
    0, // br_if 0 (next column block)
  ];
  const code = [
    ...get(cols),
    ...i32(2),
    I32_SHL,
    ...set(colBytes),
    ...get(x),
    ...get(n),
    ...i32(2),
    I32_SHL,
    I32_ADD,
    ...set(xe),
    ...i32(0),
    ...set(jb),
    0x03,
    0x40, // loop
    ...outer,
    0x0b,
  ];
  return {
    locals: [
      [5, 0x7f],
      [9, 0x7b],
    ],
    code,
  };
}

function moduleBytes(): Uint8Array {
  const { locals, code } = gemvBody();
  const type = [0x60, ...uleb(6), ...new Array(6).fill(0x7f), 0];
  const body = [...uleb(locals.length), ...locals.flatMap(([c, t]) => [...uleb(c), t]), ...code, 0x0b];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, ...type]),
    ...section(2, [1, ...str("env"), ...str("memory"), 0x02, 0x00, 0x00]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str("gemv"), 0x00, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
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
