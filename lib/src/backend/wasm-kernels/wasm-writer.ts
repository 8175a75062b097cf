/**
 * A minimal WebAssembly binary writer for embedlab's hand-assembled SIMD kernels: LEB128 numbers,
 * sections, the instructions the kernels use (each helper returns bytes), counted loops, and
 * `memoryModule`, which wraps i32-parameter functions into a module that imports `env.memory`
 * and exports each function by name.
 */
export const I32 = 0x7f,
  F64 = 0x7c,
  V128 = 0x7b;
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
export const str = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, "utf8")];
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** Instruction helpers (each returns bytes). */
export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  ltU: [0x49],
  shl: [0x74],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (d: number) => [0x0d, ...uleb(d)],
  br: (d: number) => [0x0c, ...uleb(d)],
  simd: (code: number, ...imm: number[]) => [0xfd, ...uleb(code), ...imm],
};
export const load = (offset = 0) => op.simd(0x00, 0, ...uleb(offset)); // v128.load align=1 (unaligned ok)
export const store = (offset = 0) => op.simd(0x0b, 0, ...uleb(offset));
export const f32x4Gt = op.simd(0x44),
  vAnd = op.simd(0x4e),
  vAndNot = op.simd(0x4f),
  vOr = op.simd(0x50),
  vNot = op.simd(0x4d);
export const bitselect = op.simd(0x52),
  f32x4Add = op.simd(0xe4),
  f32x4Sub = op.simd(0xe5),
  f32x4Mul = op.simd(0xe6),
  f32x4Neg = op.simd(0xe1);
export const load32Splat = (offset = 0) => op.simd(0x09, 0, ...uleb(offset));
export const i32Load = (offset = 0) => [0x28, 2, ...uleb(offset)];
export const zero128 = op.simd(0x0c, ...new Array(16).fill(0));

/** Scalar float32 / float64 memory and arithmetic instructions (memarg align 2^2 or 2^3, offset 0). */
export const f32Load = [0x2a, 2, 0],
  f64Load = [0x2b, 3, 0],
  f32Store = [0x38, 2, 0],
  f64Store = [0x39, 3, 0],
  f64PromoteF32 = [0xbb],
  f32DemoteF64 = [0xb6],
  f64Add = [0xa0],
  f64Sub = [0xa1],
  f64Mul = [0xa2],
  f64Div = [0xa3],
  f64Sqrt = [0x9f];
export const f64Const = (v: number) => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)];
export const f32Const = (v: number) => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)];
/** i8x16.shuffle of two vectors by float lanes (0–3 from the first, 4–7 from the second). */
export const shuffle4 = (lanes: number[]) =>
  op.simd(0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
/**
 * The 4×4 transpose of the v128 locals a[0…3] (four rows of four 32-bit lanes) through the temporaries
 * t[0…3]: row d of the result (lane i = a[i][d]) is pushed after `rowAddr(d)`, then `storeRow(d)` runs.
 */
export function transpose4x4(
  a: number[],
  t: number[],
  rowAddr: (d: number) => number[],
  storeRow: (d: number) => number[],
): number[] {
  const mix = (into: number, p: number, q: number, lanes: number[]) => [
    ...op.get(p),
    ...op.get(q),
    ...shuffle4(lanes),
    ...op.set(into),
  ];
  return [
    // t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = c0 d0 c1 d1, t3 = c2 d2 c3 d3
    ...mix(t[0], a[0], a[1], [0, 4, 1, 5]),
    ...mix(t[1], a[0], a[1], [2, 6, 3, 7]),
    ...mix(t[2], a[2], a[3], [0, 4, 1, 5]),
    ...mix(t[3], a[2], a[3], [2, 6, 3, 7]),
    // rows a0 b0 c0 d0, a1 b1 c1 d1, a2 b2 c2 d2, a3 b3 c3 d3
    ...(
      [
        [t[0], t[2], [0, 1, 4, 5]],
        [t[0], t[2], [2, 3, 6, 7]],
        [t[1], t[3], [0, 1, 4, 5]],
        [t[1], t[3], [2, 3, 6, 7]],
      ] as Array<[number, number, number[]]>
    ).flatMap(([x, y, lanes], d) => [...rowAddr(d), ...op.get(x), ...op.get(y), ...shuffle4(lanes), ...storeRow(d)]),
  ];
}

/** Byte address local `p` + (local `j` << shift). */
export const elemAddr = (p: number, j: number, shift = 2) => [
  ...op.get(p),
  ...op.get(j),
  ...op.i32(shift),
  ...op.shl,
  ...op.add,
];
/** The float32 at local `p` + 4·local `j`, promoted to float64. */
export const f32AsF64At = (p: number, j: number) => [...elemAddr(p, j), ...f32Load, ...f64PromoteF32];

/** `i += step` for local i. */
export const inc = (i: number, step: number[]) => [...op.get(i), ...step, ...op.add, ...op.set(i)];
/** A counted loop: body runs while (i < n), i from 0 (locals i, n already set up). */
export function forLoop(i: number, n: number, body: number[]): number[] {
  return [
    ...op.i32(0),
    ...op.set(i),
    ...op.block,
    ...op.get(i),
    ...op.get(n),
    ...op.ltU,
    0x45 /* i32.eqz */,
    ...op.brIf(0),
    ...op.loop,
    ...body,
    ...inc(i, op.i32(1)),
    ...op.get(i),
    ...op.get(n),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
  ];
}

/** A function of `params` i32 parameters (no result), its locals' types and its instructions. */
export interface WasmFunction {
  name: string;
  params: number;
  locals: number[];
  code: number[];
}

/** A module that imports `env.memory` and exports `fns` by name. */
export function memoryModule(fns: WasmFunction[]): Uint8Array {
  const typeList = vec(fns.map((f) => [0x60, ...vec(new Array(f.params).fill([I32])), 0]));
  const imports = vec([[...str("env"), ...str("memory"), 0x02, 0x00, 0x00]]);
  const funcs = vec(fns.map((_, i) => uleb(i)));
  const exportList = vec(fns.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]));
  const bodies = vec(
    fns.map((f) => {
      const locals = vec(f.locals.map((t) => [1, t]));
      const body = [...locals, ...f.code, 0x0b];
      return [...uleb(body.length), ...body];
    }),
  );
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, typeList),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exportList),
    ...section(10, bodies),
  ]);
}

const instances = new WeakMap<WebAssembly.Memory, Map<string, unknown>>();

/**
 * `bind(exports)` of the module `bytes()` builds, instantiated once per Memory and `name` on that
 * Memory (`env.memory`); undefined when it does not instantiate (no wasm SIMD), remembered as well.
 */
export function instanceOn<T>(
  memory: WebAssembly.Memory,
  name: string,
  bytes: () => Uint8Array,
  bind: (wasmExports: WebAssembly.Exports) => T,
): T | undefined {
  let byName = instances.get(memory);
  if (!byName) instances.set(memory, (byName = new Map()));
  if (!byName.has(name)) {
    let k: T | null;
    try {
      k = bind(new WebAssembly.Instance(new WebAssembly.Module(bytes()), { env: { memory } }).exports);
    } catch {
      k = null;
    }
    byName.set(name, k);
  }
  return (byName.get(name) as T | null) ?? undefined;
}
