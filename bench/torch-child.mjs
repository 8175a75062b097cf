// A PyTorch reference process for the benchmarks: finds a python3 that imports torch, starts one of
// the bench/torch_*.py scripts pinned to ONE thread (torch.set_num_threads(1) in the script, and
// OPENBLAS/OMP/MKL_NUM_THREADS=1 here, without which OpenBLAS uses every core), and serves one timed
// request per stdin line so that our steps and PyTorch's can alternate under the same machine load.
// Each reply is one JSON line: {ms, cpuMs, ...} (wall and process CPU milliseconds of that request).
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const ONE_THREAD_ENV = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };

let found;
/**
 * The first python3 on PATH that can import torch, else /usr/bin/python3 (Debian's python3-torch); undefined
 * if none, or when EMBEDLAB_BENCH_TORCH=0 (our side only).
 */
export function findTorchPython() {
  if (found !== undefined) return found || undefined;
  found = "";
  if (process.env.EMBEDLAB_BENCH_TORCH === "0") return undefined;
  for (const py of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(py, ["-c", "import torch"], { encoding: "utf8", timeout: 60_000 });
    if (r.status === 0) {
      found = py;
      break;
    }
  }
  return found || undefined;
}

export const NO_TORCH = "no python3 with torch (apt-get install python3-torch), or EMBEDLAB_BENCH_TORCH=0";

/** Start `bench/<script>` with `args`; resolves once it printed its ready line ({version, threads, ...}). */
export async function startTorch(script, args = []) {
  const py = findTorchPython();
  if (!py) return undefined;
  const child = spawn(py, [join(here, script), ...args.map(String)], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...ONE_THREAD_ENV },
  });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error(`pytorch child ${script} exited: ${stderr.trim().split("\n").pop() ?? ""}`);
    return JSON.parse(r.value);
  };
  const hello = await next();
  return {
    ...hello,
    python: py,
    /** Send one request line (e.g. "step", "gen 64 cache") and wait for its reply. */
    async request(line) {
      child.stdin.write(line + "\n");
      return await next();
    },
    close() {
      child.stdin.end();
      child.kill();
    },
  };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Run `ours()` (synchronous or async) and measure its wall and CPU milliseconds. */
export async function timed(ours) {
  const c = process.cpuUsage();
  const t = performance.now();
  const extra = await ours();
  const ms = performance.now() - t;
  const d = process.cpuUsage(c);
  return { ms, cpuMs: (d.user + d.system) / 1000, extra };
}

/**
 * Alternate `warmup + steps` rounds of our step and PyTorch's request (`torch` may be undefined).
 * Returns medians of wall / CPU ms for both, and the medians of the per-round ratios (ours/theirs).
 */
export async function alternate(ours, torch, request, { warmup, steps }) {
  const a = [],
    b = [];
  for (let i = 0; i < warmup + steps; i++) {
    const x = await timed(ours);
    const y = torch ? await torch.request(request) : undefined;
    if (i >= warmup) {
      a.push(x);
      if (y) b.push(y);
    }
  }
  const m = (xs, k) => median(xs.map((x) => x[k]));
  return {
    ours: { ms: m(a, "ms"), cpuMs: m(a, "cpuMs"), extra: a.map((x) => x.extra) },
    torch: b.length ? { ms: m(b, "ms"), cpuMs: m(b, "cpuMs"), replies: b } : undefined,
    ratio: b.length ? median(a.map((x, i) => x.ms / b[i].ms)) : NaN,
    cpuRatio: b.length ? median(a.map((x, i) => x.cpuMs / b[i].cpuMs)) : NaN,
  };
}

/** Peak resident set size of this process so far, MB. */
export const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
