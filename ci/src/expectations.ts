import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "./usage-error";

export interface Bound {
  min?: number;
  max?: number;
}
/** `ci/expectations.json`: notebook → metric → bounds. */
export type Expectations = Record<string, Record<string, Bound>>;

export function loadExpectations(file: string): Expectations {
  if (!fs.existsSync(file)) return {};
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot parse ${file}: ${(err as Error).message}`);
  }
  const bad = (what: string) =>
    new UsageError(`${file}: ${what}`, 'write {"<notebook>": {"<metric>": {"min": 0.9, "max": 1}}}');
  if (!doc || typeof doc !== "object" || Array.isArray(doc))
    throw bad("top level must be an object keyed by notebook name");
  for (const [nb, metrics] of Object.entries(doc)) {
    if (!metrics || typeof metrics !== "object" || Array.isArray(metrics))
      throw bad(`"${nb}" must map metric names to bounds`);
    for (const [m, b] of Object.entries(metrics as Record<string, unknown>)) {
      if (!b || typeof b !== "object" || Array.isArray(b))
        throw bad(`${nb}.${m} must be an object with min and/or max`);
      const keys = Object.keys(b);
      if (
        keys.length === 0 ||
        keys.some((k) => (k !== "min" && k !== "max") || typeof (b as Record<string, unknown>)[k] !== "number")
      ) {
        throw bad(`${nb}.${m} may only have numeric "min" and "max" (got ${JSON.stringify(b)})`);
      }
    }
  }
  return doc as Expectations;
}

function lookup(metrics: Record<string, unknown>, key: string): unknown {
  if (key in metrics) return metrics[key];
  let cur: unknown = metrics;
  for (const part of key.split(".")) {
    if (!cur || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/**
 * Check `<out>/<name>.results.json` against the bounds for `name`. A missing or stale file
 * (written before `notStartedBefore`) or a missing metric is a failure. Returns failure messages.
 */
export function checkExpectations(
  name: string,
  bounds: Record<string, Bound> | undefined,
  outDir: string,
  notStartedBefore: number,
): string[] {
  if (!bounds || Object.keys(bounds).length === 0) return [];
  const file = path.join(outDir, `${name}.results.json`);
  if (!fs.existsSync(file)) return [`${name}: results file ${file} is missing (the notebook must call saveResults)`];
  if (fs.statSync(file).mtimeMs < notStartedBefore - 1000)
    return [`${name}: results file ${file} is stale (written before this run; the notebook did not call saveResults)`];
  let metrics: Record<string, unknown>;
  try {
    const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { metrics?: unknown };
    if (!doc.metrics || typeof doc.metrics !== "object") return [`${name}: ${file} has no "metrics" object`];
    metrics = doc.metrics as Record<string, unknown>;
  } catch (err) {
    return [`${name}: cannot parse ${file}: ${(err as Error).message}`];
  }
  const failures: string[] = [];
  for (const [metric, b] of Object.entries(bounds)) {
    const v = lookup(metrics, metric);
    if (v === undefined)
      failures.push(`${name}: metric "${metric}" missing from ${path.basename(file)} (bound ${JSON.stringify(b)})`);
    else if (typeof v !== "number" || !Number.isFinite(v))
      failures.push(`${name}: metric "${metric}" = ${JSON.stringify(v)} is not a finite number`);
    else if (b.min !== undefined && v < b.min)
      failures.push(`${name}: metric "${metric}" = ${v} is below min ${b.min}`);
    else if (b.max !== undefined && v > b.max)
      failures.push(`${name}: metric "${metric}" = ${v} is above max ${b.max}`);
  }
  return failures;
}
