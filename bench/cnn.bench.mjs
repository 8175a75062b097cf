// Train-step time of conv32-pool-conv64-pool-dense10 on 32×32×3, batch 64, softmax CE, Adam 1e-3,
// on the backend initBackend() picks; the same model in PyTorch CPU (same thread count) when some
// python3 has torch; and one cpu-backend step in a child process if it finishes within 30 s.
// EMBEDLAB_BENCH_PROFILE=1 adds the CPU time per step of the costliest kernels.
import { createRequire } from "node:module";
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const WARMUP = 3,
  STEPS = Number(process.env.EMBEDLAB_BENCH_STEPS ?? 10),
  BATCH = 64;
const CPU_LIMIT_S = 30;

export const title = `CNN train step: conv32-pool-conv64-pool-dense10, 32×32×3, batch ${BATCH}, Adam (median of ${STEPS} after ${WARMUP} warm-up)`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

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

function timeSteps(step, warmup, steps) {
  for (let i = 0; i < warmup; i++) step();
  const ts = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    step();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

// Serves one timed step per "step" line on stdin, so tfjs and PyTorch steps can alternate and
// see the same machine load (the machine is shared; back-to-back runs differ by 2x).
const TORCH_SCRIPT = `
import json, sys, time, torch
threads, batch = map(int, sys.argv[1:3])
torch.set_num_threads(threads)
torch.manual_seed(0)
m = torch.nn.Sequential(
  torch.nn.Conv2d(3, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
  torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
  torch.nn.Flatten(), torch.nn.Linear(64 * 8 * 8, 10))
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
x = torch.randn(batch, 3, 32, 32); y = torch.arange(batch) % 10
lossf = torch.nn.CrossEntropyLoss()
print(json.dumps({"ready": True, "threads": torch.get_num_threads(), "version": torch.__version__}), flush=True)
for line in sys.stdin:
  if line.strip() != "step": break
  t = time.perf_counter(); c = time.process_time()
  opt.zero_grad(); loss = lossf(m(x), y); loss.backward(); opt.step(); loss.item()
  print(json.dumps({"ms": (time.perf_counter() - t) * 1000, "cpuMs": (time.process_time() - c) * 1000}), flush=True)
`;

/** The first python3 on PATH that can import torch, else /usr/bin/python3 (Debian's python3-torch). */
function findTorchPython() {
  for (const py of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(py, ["-c", "import torch"], { encoding: "utf8", timeout: 60_000 });
    if (r.status === 0) return py;
  }
  return undefined;
}

/** A PyTorch child process that runs one timed train step per request. */
async function startTorch(py, threads) {
  const child = spawn(py, ["-c", TORCH_SCRIPT, String(threads), String(BATCH)], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error(`pytorch child exited: ${stderr.trim().split("\n").pop() ?? ""}`);
    return JSON.parse(r.value);
  };
  const hello = await next();
  return {
    threads: hello.threads,
    version: hello.version,
    /** One step: wall-clock and CPU milliseconds. */
    async step() {
      child.stdin.write("step\n");
      return await next();
    },
    close() {
      child.stdin.end();
      child.kill();
    },
  };
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

  const py = findTorchPython();
  if (!py) {
    const tfjsMs = timeSteps(step, WARMUP, STEPS);
    rows.push({ what: `tfjs ${info.name} step`, value: tfjsMs, unit: "ms", note: info.reason });
    rows.push({
      what: "pytorch cpu step",
      value: NaN,
      unit: "ms",
      note: "skipped: no python3 with torch (apt-get install python3-torch)",
    });
  } else {
    const torch = await startTorch(py, threads);
    try {
      for (let i = 0; i < WARMUP; i++) {
        step();
        await torch.step();
      }
      const tj = [],
        tjCpu = [],
        pt = [],
        ptCpu = [],
        ratios = [],
        cpuRatios = [];
      for (let i = 0; i < STEPS; i++) {
        const c = process.cpuUsage(),
          t = performance.now();
        step();
        tj.push(performance.now() - t);
        const du = process.cpuUsage(c);
        tjCpu.push((du.user + du.system) / 1000);
        const p = await torch.step();
        pt.push(p.ms);
        ptCpu.push(p.cpuMs);
        ratios.push(tj[i] / pt[i]);
        cpuRatios.push(tjCpu[i] / ptCpu[i]);
      }
      rows.push({ what: `tfjs ${info.name} step`, value: median(tj), unit: "ms", note: info.reason });
      rows.push({
        what: "pytorch cpu step",
        value: median(pt),
        unit: "ms",
        note: `torch ${torch.version} via ${py}, ${torch.threads} thread(s); tfjs ${threads} thread(s); steps alternate`,
      });
      rows.push({
        what: `ratio tfjs ${info.name} / pytorch`,
        value: median(ratios),
        unit: "x",
        note: "wall clock, median of per-pair ratios; target ≤ 1.5",
      });
      rows.push({
        what: `tfjs ${info.name} step, CPU time`,
        value: median(tjCpu),
        unit: "ms",
        note: "process CPU time: less sensitive to other jobs on a shared machine",
      });
      rows.push({ what: "pytorch cpu step, CPU time", value: median(ptCpu), unit: "ms" });
      rows.push({
        what: `ratio tfjs ${info.name} / pytorch, CPU time`,
        value: median(cpuRatios),
        unit: "x",
        note: "median of per-pair ratios",
      });
    } finally {
      torch.close();
    }
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
