import * as path from "node:path";
import { writeJsonAtomic } from "./atomic";
import { outputDir, portablePaths } from "./paths";
import { runtimeRecord, type RuntimeRecord } from "./runtime";

/** A headline number, or a small table of them (e.g. one per embedder). */
export type MetricValue = number | { [key: string]: MetricValue };

/** What every notebook records in `outputs/<name>.results.json`. */
export interface NotebookResults {
  /** Headline metrics; flat keys are what `ci/expectations.json` checks. */
  metrics: Record<string, MetricValue>;
  /** The parameters the run used (after overrides). */
  params: Record<string, unknown>;
  /** tfjs backend name and why it was chosen. */
  backend?: string;
  /** Model ids with provenance. */
  models?: Record<string, unknown>;
  /** Where each dataset came from. */
  data?: Record<string, unknown>;
  /** Seconds per section. */
  durations?: Record<string, number>;
  /** Anything else worth keeping (tables, curves). */
  extra?: Record<string, unknown>;
  /** Backend, device, dtype and hub models of this run (default: what this process noted, `runtimeRecord()`). */
  runtime?: RuntimeRecord;
}

/** The notebook name the runner set (`EMBEDLAB_NOTEBOOK`), or `fallback`. */
export function notebookName(fallback = "notebook"): string {
  return process.env.EMBEDLAB_NOTEBOOK || fallback;
}

/**
 * Write `<outputDir>/<name>.results.json` atomically (machine paths written portably) and return its path.
 * It carries a `runtime` block: the backend, device, dtype and hub models this process used.
 */
export function saveResults(name: string, results: NotebookResults): string {
  for (const [k, v] of Object.entries(results.metrics)) {
    if (typeof v === "number" && !Number.isFinite(v))
      throw new Error(`metric "${k}" is ${v}: refusing to write results for ${name}`);
  }
  const file = path.join(outputDir(), `${name}.results.json`);
  writeJsonAtomic(
    file,
    portablePaths({
      notebook: name,
      written_at: new Date().toISOString(),
      node: process.version,
      ...results,
      runtime: results.runtime ?? runtimeRecord(),
    }),
  );
  return file;
}
