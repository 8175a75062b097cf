// fp32 matmul 1024×1024 · 1024×1024 on tfjs-wasm (one thread) vs PyTorch's (bench/torch_matmul.py, one thread;
// its BLAS is named in the note: Debian's torch uses whatever libblas.so.3 points to, and the reference BLAS is
// ~15× slower than OpenBLAS, so install libopenblas0 for a fair reference), alternating, GFLOP/s = 2·n³ / time.
// Also: the same product on XNNPACK (wasm's own kernel, EMBEDLAB_WASM_GEMM=0), and the measured ceiling.
//
// The ceiling: wasm SIMD is 128-bit (4 lanes) and without relaxed-SIMD (behind a flag in Node 20) has no fused
// multiply-add, so one multiply-add is an f32x4.mul and an f32x4.add. bench/simd-peak.mjs measures a register-only
// loop of those (~60 GFLOP/s of CPU time on this 2-core AMD EPYC: 16 FLOP/cycle at ~3.7–4 GHz, two multiplies and
// two adds per cycle). Relaxed-SIMD FMA does not raise it here (two FMA pipes: the same 16 FLOP/cycle, measured
// ~50–59 with the flag). Native AVX-512/FMA has 4× the lanes: OpenBLAS's ~99 GFLOP/s is out of wasm's reach.
import { createRequire } from "node:module";
import { alternate, startTorch, peakRssMb, timed, median, NO_TORCH } from "./torch-child.mjs";
import { mulAddPeak, fmaPeak } from "./simd-peak.mjs";
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
    const xnn = [];
    process.env.EMBEDLAB_WASM_GEMM = "0";
    try {
      for (let i = 0; i < 2 + STEPS; i++) xnn.push(await timed(mm));
    } finally {
      delete process.env.EMBEDLAB_WASM_GEMM;
    }
    const xnnMs = median(xnn.slice(2).map((x) => x.ms)),
      xnnCpu = median(xnn.slice(2).map((x) => x.cpuMs));
    const peak = mulAddPeak(),
      fma = fmaPeak();
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
        note: `${torch ? `torch ${torch.version}, ${torch.threads} thread, BLAS ${torch.blas ?? "unknown"}` : NO_TORCH}; CPU-time figure vs the measured wasm ceiling ${peak.toFixed(0)} GFLOP/s: ${((100 * gflops(r.ours.cpuMs)) / peak).toFixed(0)} %`,
      },
      {
        what: `fp32 matmul ${N}², XNNPACK (wasm's own kernel, not alternated)`,
        value: gflops(xnnMs),
        unit: "GFLOP/s",
        cpu: gflops(xnnCpu),
        note: `CPU time: ${gflops(xnnCpu).toFixed(1)} GFLOP/s`,
      },
      {
        name: "wasm-simd-peak",
        what: "wasm SIMD f32x4 mul+add peak, registers only (the ceiling)",
        value: peak,
        unit: "GFLOP/s",
        cpu: peak,
        note: `best of 7, CPU time; relaxed-SIMD FMA ${fma === undefined ? "not available without --experimental-wasm-relaxed-simd" : `${fma.toFixed(0)} GFLOP/s (flag given)`}`,
      },
    ];
  } finally {
    torch?.close();
    a.dispose();
    b.dispose();
  }
}
