/** Messages between `runParallel` (main thread) and `worker.ts`. */
import type { TaskRef } from "./task";

export type ToWorker = { type: "run"; job: number; task: TaskRef; args: unknown };

export type FromWorker =
  | { type: "ready" }
  | { type: "result"; job: number; value: unknown }
  | { type: "error"; job: number; message: string; hint?: string }
  | { type: "progress-start"; bar: number; total: number; label: string }
  | { type: "progress-tick"; bar: number; n?: number; info?: string }
  | { type: "progress-done"; bar: number; info?: string };
