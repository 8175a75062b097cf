// Train-step time of conv32-pool-conv64-pool-dense10 on 32×32×3, batch 64, softmax CE, Adam 1e-3,
// on the backend initBackend() picks; the same model in PyTorch CPU (bench/torch_cnn.py, one thread, steps
// alternating) when some python3 has torch; and one cpu-backend step in a child process if it finishes within 30 s.
// EMBEDLAB_BENCH_PROFILE=1 adds the CPU time per step of the costliest kernels.
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { alternate, startTorch, peakRssMb, NO_TORCH } from "./torch-child.mjs";
const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const WARMUP = 3,
  STEPS = Number(process.env.EMBEDLAB_BENCH_STEPS ?? 10),
  BATCH = 64;
const CPU_LIMIT_S = 30;

export const title = `CNN train step: conv32-pool-conv64-pool-dense10, 32×32×3, batch ${BATCH}, Adam (median of ${STEPS} after ${WARMUP} warm-up)`;

/** Builds the model + data and returns a function running one synchronous train step. */
function makeStep(tf, lib) {
  const model = lib.models?.smallCnn
    ? lib.models.smallCnn({ inputShape: [32, 32, 3], outputs: 10, widths: [32, 64], dense: 0 })
    : require(join(root, "lib/dist/models/cnn.js")).smallCnn({
        inputShape: [32, 32, 3],
        outputs: 10,
        widths: [32, 64],
        dense: 0,
      });
  const opt = tf.train.adam(1e-3);
  const x = tf.randomNormal([BATCH, 32, 32, 3], 0, 1, "float32", 1);
  const y = tf.tidy(() =>
    tf
      .oneHot(
        tf.tensor1d(
          Array.from({ length: BATCH }, (_, i) => i % 10),
          "int32",
        ),
        10,
      )
      .cast("float32"),
  );
  return () =>
    tf.tidy(
      () =>
        opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })), true).dataSync()[0],
    );
}

/**
 * CPU milliseconds per step spent in each wasm kernel (kernel name + first input's shape), top
 * `top` rows; kernels that call other kernels count both. The registry is restored afterwards.
 */
function profileKernels(tf, step, steps, top = 12) {
  const stats = new Map();
  const saved = tf.getKernelsForBackend(tf.getBackend());
  for (const k of saved) {
    tf.unregisterKernel(k.kernelName, k.backendName);
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        const c = process.cpuUsage();
        const out = k.kernelFunc(args);
        const d = process.cpuUsage(c);
        const first = Object.values(args.inputs)[0];
        const key = `${k.kernelName} ${JSON.stringify(first?.shape ?? [])}`;
        stats.set(key, (stats.get(key) ?? 0) + (d.user + d.system) / 1000);
        return out;
      },
    });
  }
  try {
    for (let i = 0; i < steps; i++) step();
  } finally {
    for (const k of saved) {
      tf.unregisterKernel(k.kernelName, k.backendName);
      tf.registerKernel(k);
    }
  }
  return [...stats]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([what, ms]) => ({
      what: `  kernel ${what}`,
      value: ms / steps,
      unit: "ms",
      note: "CPU per step (EMBEDLAB_BENCH_PROFILE=1)",
    }));
}

const CPU_CHILD = `
const tf = require("@tensorflow/tfjs");
const { smallCnn } = require(${JSON.stringify(join(root, "lib/dist/models/cnn.js"))});
(async () => {
  await tf.setBackend("cpu"); await tf.ready();
  const model = smallCnn({ inputShape: [32, 32, 3], outputs: 10, widths: [32, 64], dense: 0 });
  const opt = tf.train.adam(1e-3);
  const x = tf.randomNormal([${BATCH}, 32, 32, 3]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: ${BATCH} }, (_, i) => i % 10), "int32"), 10).cast("float32");
  const t = performance.now();
  opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })), true).dataSync();
  process.stdout.write(JSON.stringify({ ms: performance.now() - t }));
})();
`;

export async function run() {
  const tf = require("@tensorflow/tfjs");
  const lib = require("@embedlab/lib");
  const info = await lib.backend.initBackend();
  const threads = info.threads ?? 1;
  const rows = [];
  const step = makeStep(tf, lib);

  const torch = await startTorch("torch_cnn.py", [BATCH]);
  try {
    const r = await alternate(step, torch, "step", { warmup: WARMUP, steps: STEPS });
    rows.push({
      name: "cnn-train",
      what: `small CNN train step (conv32-pool-conv64-pool-dense10, 32×32×3, batch ${BATCH}, Adam), tfjs ${info.name}`,
      value: r.ours.ms,
      unit: "ms",
      cpu: r.ours.cpuMs,
      torch: r.torch?.ms,
      torchCpu: r.torch?.cpuMs,
      ratio: r.ratio,
      cpuRatio: r.cpuRatio,
      rssMb: peakRssMb(),
      torchRssMb: r.torch?.replies.at(-1).rssMb,
      note: torch
        ? `torch ${torch.version} via ${torch.python}, ${torch.threads} thread, BLAS ${torch.blas ?? "unknown"}; tfjs ${threads} thread(s); ${info.reason}`
        : `PyTorch skipped: ${NO_TORCH}`,
    });
  } finally {
    torch?.close();
  }
  const tfjsMs = rows[0].value;
  if (process.env.EMBEDLAB_BENCH_PROFILE === "1") rows.push(...profileKernels(tf, step, STEPS));

  if (process.env.EMBEDLAB_BENCH_CPU === "0") {
    rows.push({ what: "tfjs cpu step (one)", value: NaN, unit: "ms", note: "skipped: EMBEDLAB_BENCH_CPU=0" });
  } else {
    const r = spawnSync(process.execPath, ["-e", CPU_CHILD], {
      cwd: root,
      encoding: "utf8",
      timeout: CPU_LIMIT_S * 1000,
    });
    if (r.status === 0) {
      const ms = JSON.parse(r.stdout.trim().split("\n").pop()).ms;
      rows.push({
        what: "tfjs cpu step (one)",
        value: ms,
        unit: "ms",
        note: `${(ms / tfjsMs).toFixed(0)}x the ${info.name} step`,
      });
    } else {
      rows.push({
        what: "tfjs cpu step (one)",
        value: CPU_LIMIT_S * 1000,
        unit: "ms",
        note: r.error
          ? `skipped: over ${CPU_LIMIT_S} s (stopped), so ≥ this`
          : `failed: ${(r.stderr || "").trim().split("\n").pop()}`,
      });
    }
  }
  return rows;
}
