/**
 * One Adam / AdamW step in wasm SIMD, two parameters per instruction in float64 (f64x2): the same
 * operations in the same order as the scalar JS loop (train/adam-update.ts), each rounded the same
 * way (IEEE float64, float32 only when stored), so the results are bit-identical to it. The JS
 * loop runs at ~7 ns per parameter (float64 division and square root one at a time); this module
 * at ~1–2.
 *
 * An AdamArena owns a wasm Memory of its own (not the backend's heap: it works under every tfjs
 * backend): the moments m and v of every variable live there for the optimizer's life (m[i], v[i]
 * are Float32Array views of it), plus scratch for one variable's parameters and gradient, into
 * which the new parameters are written.
 *
 *   adam(p, g, m, v, c, pairs): for 2·pairs floats at byte offsets p, g, m, v (float32), with the
 *   11 float64 coefficients at c (AdamCoefficients order), updates m, v and overwrites p.
 */
import { I32, V128, forLoop, inc, memoryModule, op, type WasmFunction } from "./wasm-writer";

/** The step's float64 coefficients, in the order the module reads them. */
export interface AdamCoefficients {
  /** gradient factor (global-norm clipping) and coupled L2 decay: g' = g·scale + l2·p */
  scale: number;
  l2: number;
  /** m = b1·m + a1·g', v = b2·v + a2·g'·g' */
  b1: number;
  a1: number;
  b2: number;
  a2: number;
  /** 1 / (1 − β1ᵗ), 1 / (1 − β2ᵗ) */
  ic1: number;
  ic2: number;
  eps: number;
  lr: number;
  /** decoupled decay: p −= lr·(m̂/(√v̂ + ε) + dw·p) */
  dw: number;
}

const COEFFS: readonly (keyof AdamCoefficients)[] = [
  "scale",
  "l2",
  "b1",
  "a1",
  "b2",
  "a2",
  "ic1",
  "ic2",
  "eps",
  "lr",
  "dw",
];

const simd = (code: number, ...imm: number[]) => op.simd(code, ...imm);
const load64Zero = (offset = 0) => simd(0x5d, 3, offset);
const load64Splat = (offset = 0) => simd(0x0a, 3, offset);
const store64Lane0 = simd(0x5b, 3, 0, 0);
const promote = simd(0x5f),
  demote = simd(0x5e),
  f64Sqrt = simd(0xef),
  f64Add = simd(0xf0),
  f64Sub = simd(0xf1),
  f64Mul = simd(0xf2),
  f64Div = simd(0xf3);

function adamBody(): WasmFunction {
  // params: 0 p, 1 g, 2 m, 3 v, 4 c, 5 pairs; i32 local 6 i; v128 locals: 7… coefficients, then x, gk, mk, vk
  const [p, g, m, v, c, pairs, i] = [0, 1, 2, 3, 4, 5, 6];
  const k = Object.fromEntries(COEFFS.map((name, j) => [name, 7 + j])) as Record<keyof AdamCoefficients, number>;
  const x = 7 + COEFFS.length,
    gk = x + 1,
    mk = x + 2,
    vk = x + 3;
  const get = op.get;
  const setup = COEFFS.flatMap((name, j) => [...get(c), ...load64Splat(8 * j), ...op.set(k[name])]);
  const body = [
    // x = p[i]
    ...get(p),
    ...load64Zero(),
    ...promote,
    ...op.set(x),
    // gk = g[i]·scale + l2·x
    ...get(g),
    ...load64Zero(),
    ...promote,
    ...get(k.scale),
    ...f64Mul,
    ...get(k.l2),
    ...get(x),
    ...f64Mul,
    ...f64Add,
    ...op.set(gk),
    // mk = b1·m[i] + a1·gk
    ...get(k.b1),
    ...get(m),
    ...load64Zero(),
    ...promote,
    ...f64Mul,
    ...get(k.a1),
    ...get(gk),
    ...f64Mul,
    ...f64Add,
    ...op.set(mk),
    // vk = b2·v[i] + (a2·gk)·gk
    ...get(k.b2),
    ...get(v),
    ...load64Zero(),
    ...promote,
    ...f64Mul,
    ...get(k.a2),
    ...get(gk),
    ...f64Mul,
    ...get(gk),
    ...f64Mul,
    ...f64Add,
    ...op.set(vk),
    // m[i] = mk, v[i] = vk (rounded to float32)
    ...get(m),
    ...get(mk),
    ...demote,
    ...store64Lane0,
    ...get(v),
    ...get(vk),
    ...demote,
    ...store64Lane0,
    // p[i] = x − lr·((mk·ic1) / (√(vk·ic2) + eps) + dw·x)
    ...get(p),
    ...get(x),
    ...get(k.lr),
    ...get(mk),
    ...get(k.ic1),
    ...f64Mul,
    ...get(vk),
    ...get(k.ic2),
    ...f64Mul,
    ...f64Sqrt,
    ...get(k.eps),
    ...f64Add,
    ...f64Div,
    ...get(k.dw),
    ...get(x),
    ...f64Mul,
    ...f64Add,
    ...f64Mul,
    ...f64Sub,
    ...demote,
    ...store64Lane0,
    ...inc(p, op.i32(8)),
    ...inc(g, op.i32(8)),
    ...inc(m, op.i32(8)),
    ...inc(v, op.i32(8)),
  ];
  return {
    name: "adam",
    params: 6,
    locals: [I32, ...new Array(COEFFS.length + 4).fill(V128)],
    code: [...setup, ...forLoop(i, pairs, body)],
  };
}

let compiled: WebAssembly.Module | null | undefined;
function adamModule(): WebAssembly.Module | undefined {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(memoryModule([adamBody()]));
    } catch {
      compiled = null; // no wasm SIMD here
    }
  }
  return compiled ?? undefined;
}

const PAGE = 65536;
/** Largest arena: beyond this the optimizer keeps its moments in JS arrays. */
const MAX_BYTES = 1 << 30;

/** The moments of a list of variables and the scratch for one update, in one wasm Memory. */
export class AdamArena {
  readonly m: Float32Array[];
  readonly v: Float32Array[];
  private readonly fn: (p: number, g: number, m: number, v: number, c: number, pairs: number) => void;
  private readonly mOff: number[];
  private readonly vOff: number[];
  private readonly coeff: Float64Array;
  private readonly pOff: number;
  private readonly gOff: number;
  private readonly buf: ArrayBuffer;

  private constructor(
    sizes: number[],
    memory: WebAssembly.Memory,
    fn: AdamArena["fn"],
    layout: { m: number[]; v: number[]; p: number; g: number },
  ) {
    this.fn = fn;
    this.buf = memory.buffer;
    this.mOff = layout.m;
    this.vOff = layout.v;
    this.pOff = layout.p;
    this.gOff = layout.g;
    this.coeff = new Float64Array(this.buf, 0, COEFFS.length);
    this.m = sizes.map((n, i) => new Float32Array(this.buf, layout.m[i], n));
    this.v = sizes.map((n, i) => new Float32Array(this.buf, layout.v[i], n));
  }

  /** An arena for variables of these sizes; undefined without wasm SIMD or beyond 1 GiB. */
  static create(sizes: number[]): AdamArena | undefined {
    const mod = adamModule();
    if (!mod) return undefined;
    // every region starts 16-aligned and holds an even number of floats (the module steps by pairs)
    let at = 128;
    const region = (n: number) => {
      const o = at;
      at += Math.ceil(n / 4) * 16;
      return o;
    };
    const m = sizes.map(region),
      v = sizes.map(region);
    const largest = Math.max(0, ...sizes);
    const p = region(largest),
      g = region(largest);
    if (at > MAX_BYTES) return undefined;
    const memory = new WebAssembly.Memory({ initial: Math.ceil(at / PAGE) });
    const inst = new WebAssembly.Instance(mod, { env: { memory } });
    return new AdamArena(sizes, memory, inst.exports.adam as AdamArena["fn"], { m, v, p, g });
  }

  /**
   * Updates the moments of variable i from its parameters `p` and gradient `g` (copied in) and returns
   * the new parameters: a view of the scratch, valid until the next update.
   */
  update(i: number, p: Float32Array, g: Float32Array, c: AdamCoefficients): Float32Array {
    const n = this.m[i].length;
    if (p.length !== n || g.length !== n)
      throw new Error(`AdamArena: variable ${i} has ${n} values, got ${p.length} parameters and ${g.length} gradients`);
    const pv = new Float32Array(this.buf, this.pOff, n + (n % 2));
    const gv = new Float32Array(this.buf, this.gOff, n + (n % 2));
    pv.set(p);
    gv.set(g);
    COEFFS.forEach((name, j) => (this.coeff[j] = c[name]));
    this.fn(this.pOff, this.gOff, this.mOff[i], this.vOff[i], 0, (n + 1) >> 1);
    return pv.subarray(0, n);
  }
}
