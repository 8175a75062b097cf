// fp32 matmul 1024×1024 · 1024×1024 on tfjs-wasm (one thread) vs PyTorch's (OpenBLAS here, one thread,
// bench/torch_matmul.py), alternating, GFLOP/s = 2·n³ / time.
//
// The ceiling we reason about: this machine is an AMD EPYC (Zen 4 family 25, ~2.6 GHz base, see lscpu) with
// AVX-512 and FMA: two 256-bit FMA pipes → 32 fp32 FLOP/cycle natively (≈ 83 GFLOP/s at 2.6 GHz, more at boost;
// OpenBLAS reaches ~99 GFLOP/s on one core). WebAssembly SIMD is 128-bit (4 lanes) and, without relaxed-SIMD
// (behind a flag in Node 20), has no fused multiply-add: a mul and an add per 4 MACs, two of each per cycle at
// best → 16 FLOP/cycle ≈ 42 GFLOP/s at 2.6 GHz (~55 at boost), half of the native peak before any overhead.
import { createRequire } from "node:module";
import { alternate, startTorch, peakRssMb, NO_TORCH } from "./torch-child.mjs";
const require = createRequire(import.meta.url);

const N = 1024;
const STEPS = Number(process.env.EMBEDLAB_BENCH_STEPS ?? 10);
export const title = `fp32 matmul ${N}² (median of ${STEPS} alternating rounds)`;

export async function run() {
  const tf = require("@tensorflow/tfjs");
  const lib = require("@embedlab/lib");
  const info = await lib.backend.initBackend();
  const a = tf.randomNormal([N, N], 0, 1, "float32", 1);
  const b = tf.randomNormal([N, N], 0, 1, "float32", 2);
  const mm = () => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
  const gflops = (ms) => (2 * N ** 3) / (ms * 1e6);
  const torch = await startTorch("torch_matmul.py", [N]);
  try {
    const r = await alternate(mm, torch, "mm", { warmup: 2, steps: STEPS });
    return [
      {
        name: "matmul-1024",
        what: `fp32 matmul ${N}², tfjs ${info.name} tf.matMul`,
        value: gflops(r.ours.ms),
        unit: "GFLOP/s",
        cpu: gflops(r.ours.cpuMs),
        torch: r.torch && gflops(r.torch.ms),
        torchCpu: r.torch && gflops(r.torch.cpuMs),
        ratio: 1 / r.ratio,
        cpuRatio: 1 / r.cpuRatio,
        rssMb: peakRssMb(),
        torchRssMb: r.torch?.replies.at(-1).rssMb,
        note: `${torch ? `torch ${torch.version}, ${torch.threads} thread` : NO_TORCH}; wasm 128-bit SIMD ceiling ≈ 16 FLOP/cycle ≈ 42 GFLOP/s at 2.6 GHz (native AVX-512/FMA: 32 FLOP/cycle)`,
      },
    ];
  } finally {
    torch?.close();
    a.dispose();
    b.dispose();
  }
}
