/**
 * Worker-thread entry of `runParallel`: initialises the tfjs backend the main thread uses, sends its
 * progress bars to the main thread, and runs jobs one at a time: each names its module and export (task.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { setProgressFactory } from "../core";
import { initBackend, type BackendPreference } from "../backend";
import type { FromWorker, ToWorker } from "./protocol";
import { resolveTask } from "./task";

const port = parentPort;
if (!port) throw new Error("parallel/worker.js is a worker-thread entry; start jobs with runParallel()");
const send = (m: FromWorker) => port.postMessage(m);

let bars = 0;
setProgressFactory((total, label) => {
  const bar = bars++;
  send({ type: "progress-start", bar, total, label });
  return {
    tick: (n, info) => send({ type: "progress-tick", bar, n, info }),
    done: (info) => send({ type: "progress-done", bar, info }),
  };
});

port.on("message", async (m: ToWorker) => {
  try {
    const fn = resolveTask(m.task);
    send({ type: "result", job: m.job, value: await fn(m.args) });
  } catch (e) {
    const err = e as Error & { hint?: string };
    send({ type: "error", job: m.job, message: err.stack ?? String(e), hint: err.hint });
  }
});

initBackend({ prefer: (workerData as { prefer?: BackendPreference } | undefined)?.prefer ?? "wasm" })
  .then(() => send({ type: "ready" }))
  .catch((e: Error) => send({ type: "error", job: -1, message: `backend: ${e.message}` }));
