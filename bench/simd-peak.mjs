// The measured ceiling for fp32 matmul on wasm SIMD in this Node: a loop of independent f32x4
// multiply-then-add chains on registers only (10 accumulators = 5 splats × 2 vectors, all products
// distinct, no memory traffic), in GFLOP/s of process CPU time. Relaxed-SIMD's fused multiply-add
// (f32x4.relaxed_madd) needs --experimental-wasm-relaxed-simd in Node 20, so notebooks cannot use it;
// `fmaPeak` reports it only when this process was started with that flag.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const W = require("@embedlab/lib/dist/backend/wasm-kernels/wasm-writer.js");
const { op, forLoop, f32x4Add, f32x4Mul, zero128, load, store, I32, V128 } = W;

const SPLATS = 5;

function peakModule(fma) {
  const nacc = 2 * SPLATS;
  const acc = Array.from({ length: nacc }, (_, i) => 3 + i);
  const s = Array.from({ length: SPLATS }, (_, i) => 3 + nacc + i);
  const b = [3 + nacc + SPLATS, 4 + nacc + SPLATS];
  const body = [];
  for (let u = 0; u < 4; u++)
    for (let k = 0; k < SPLATS; k++)
      for (let h = 0; h < 2; h++) {
        const a = acc[2 * k + h];
        if (fma) body.push(...op.get(s[k]), ...op.get(b[h]), ...op.get(a), ...op.simd(0x105), ...op.set(a));
        else body.push(...op.get(a), ...op.get(s[k]), ...op.get(b[h]), ...f32x4Mul, ...f32x4Add, ...op.set(a));
      }
  const code = [
    ...[...s, ...b].flatMap((r, k) => [...op.i32(0), ...load(16 * k), ...op.set(r)]),
    ...acc.flatMap((a) => [...zero128, ...op.set(a)]),
    ...forLoop(2, 0, body),
    ...acc.flatMap((a, k) => [...op.get(1), ...op.get(a), ...store(16 * k)]),
  ];
  const fn = { name: "f", params: 2, locals: [I32, ...new Array(nacc + SPLATS + 2).fill(V128)], code };
  const memory = new WebAssembly.Memory({ initial: 1 });
  new Float32Array(memory.buffer).fill(1);
  return new WebAssembly.Instance(new WebAssembly.Module(W.memoryModule([fn])), { env: { memory } }).exports.f;
}

/** Best-of-`rounds` GFLOP/s (CPU time) of the register-only loop; FLOPs = 2 per lane per multiply-add. */
function measure(f, rounds = 7, iters = 2e6) {
  f(1000, 1024);
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const c = process.cpuUsage();
    f(iters, 1024);
    const d = process.cpuUsage(c);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return (iters * 4 * 2 * SPLATS * 8) / (best * 1e6);
}

export function mulAddPeak() {
  return measure(peakModule(false));
}

/** undefined unless this Node accepts relaxed-SIMD (started with --experimental-wasm-relaxed-simd). */
export function fmaPeak() {
  try {
    return measure(peakModule(true));
  } catch {
    return undefined;
  }
}
