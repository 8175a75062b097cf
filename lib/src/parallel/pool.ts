/**
 * Run independent jobs (e.g. several CNN trainings) in worker threads, one tfjs backend per worker.
 * tfjs-wasm is single-threaded in Node, so a second core otherwise idles; two trainings side by side
 * finish in ~0.7× the time of running them one after the other (`npm run bench`, parallel).
 *
 * A job names the module and export it runs (`parallel.job`, task.ts) plus plain, structured-cloneable arguments. Every task is
 * deterministic given its arguments, so results do not depend on how many workers ran them, or in
 * which order. `EMBEDLAB_WORKERS=1` runs every job in this process, one after the other.
 */
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { EmbedlabError, progress, type ProgressReporter } from "../core";
import { backendInfo } from "../backend";
import type { FromWorker, ToWorker } from "./protocol";
import type { Job } from "./task";

export interface ParallelOptions {
  /** Worker threads (default: `EMBEDLAB_WORKERS`, else min(jobs, CPU cores) on wasm/cpu; 1 on GPU/native backends). 1 = in this process. */
  workers?: number;
}

/** How many workers `runParallel` uses for `jobs` jobs. */
export function workerCount(jobs: number, opts: ParallelOptions = {}): number {
  const env = process.env.EMBEDLAB_WORKERS?.trim();
  let n = opts.workers;
  if (n === undefined && env) {
    n = Number(env);
    if (!(Number.isInteger(n) && n >= 1))
      throw new EmbedlabError(
        `EMBEDLAB_WORKERS must be a positive integer, got "${env}"`,
        "unset it, or set e.g. EMBEDLAB_WORKERS=2 (1 = no worker threads)",
      );
  }
  if (n === undefined) {
    const backend = backendInfo()?.name ?? "wasm";
    n = backend === "wasm" || backend === "cpu" ? os.availableParallelism() : 1;
  }
  if (!(Number.isInteger(n) && n >= 1)) throw new EmbedlabError(`workers must be a positive integer, got ${n}`);
  return Math.max(1, Math.min(n, jobs));
}

/**
 * Run `jobs` on a pool of worker threads (queue order; each worker takes the next job when it is free)
 * and resolve with the results in job order; `onResult(i, r)` hears each job's result as soon as it is in. Progress bars started inside a worker show here. The first
 * failure stops every worker and rejects with the job's error.
 */
export async function runParallel<A, R>(
  jobs: readonly Job<A, R>[],
  opts: ParallelOptions = {},
  onResult?: (job: number, result: R) => void,
): Promise<R[]> {
  if (jobs.length === 0) return [];
  const n = workerCount(jobs.length, opts);
  if (n === 1) {
    const out: R[] = [];
    for (const j of jobs) {
      out.push(await j.local(j.args));
      onResult?.(out.length - 1, out[out.length - 1]);
    }
    return out;
  }
  const prefer = backendInfo()?.name === "cpu" ? "cpu" : "wasm";
  const results = new Array<R>(jobs.length);
  const workers: Worker[] = [];
  let next = 0;
  let failed = false;
  return new Promise<R[]>((resolve, reject) => {
    let running = 0;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(e);
    };
    const startWorker = () => {
      const w = new Worker(path.join(__dirname, "worker.js"), { workerData: { prefer } });
      workers.push(w);
      running++;
      const bars = new Map<number, ProgressReporter>();
      let current = -1;
      let stopping = false;
      const take = () => {
        if (failed) return;
        if (next >= jobs.length) {
          stopping = true;
          void w.terminate();
          if (--running === 0) resolve(results);
          return;
        }
        current = next++;
        const msg: ToWorker = { type: "run", job: current, task: jobs[current].task, args: jobs[current].args };
        w.postMessage(msg);
      };
      w.on("message", (m: FromWorker) => {
        if (m.type === "ready") take();
        else if (m.type === "progress-start") bars.set(m.bar, progress(m.total, m.label));
        else if (m.type === "progress-tick") bars.get(m.bar)?.tick(m.n, m.info);
        else if (m.type === "progress-done") {
          bars.get(m.bar)?.done(m.info);
          bars.delete(m.bar);
        } else if (m.type === "result") {
          results[m.job] = m.value as R;
          onResult?.(m.job, results[m.job]);
          take();
        } else if (m.type === "error") {
          const what =
            m.job >= 0 ? `${jobs[m.job].task.export} (job ${m.job + 1} of ${jobs.length})` : "starting a worker thread";
          fail(
            new EmbedlabError(
              `${what} failed in a worker thread: ${m.message}`,
              "rerun with EMBEDLAB_WORKERS=1 to run the jobs in this process",
            ),
          );
        }
      });
      w.on("error", (e) =>
        fail(
          new EmbedlabError(
            `worker thread crashed${current >= 0 ? ` while running job ${current + 1} of ${jobs.length}` : ""}: ${e.message}`,
            "rerun with EMBEDLAB_WORKERS=1 to run the jobs in this process",
          ),
        ),
      );
      w.on("exit", (code) => {
        if (!stopping)
          fail(
            new EmbedlabError(
              `worker thread exited (code ${code})${current >= 0 ? ` while running job ${current + 1} of ${jobs.length}` : ""}`,
              "out of memory? rerun with EMBEDLAB_WORKERS=1",
            ),
          );
      });
    };
    for (let i = 0; i < n; i++) startWorker();
  });
}
