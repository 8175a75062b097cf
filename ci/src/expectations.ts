import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "./usage-error";

export interface Bound {
  min?: number;
  max?: number;
}
/** The expectation profiles: the notebook's own `profile`, or "full-smoke" (every promised metric exists and is finite). */
export const EXPECTATION_PROFILES = ["quick", "full", "full-smoke"] as const;
export type ExpectationProfile = (typeof EXPECTATION_PROFILES)[number];
/** notebook → metric → bounds (`{}`: it must exist and be finite). */
export type NotebookBounds = Record<string, Record<string, Bound>>;
/**
 * `ci/expectations.json`: profile → notebook → metric → `{min, max}`; a notebook may also list metric names
 * (each must exist and be finite). Keys starting with "$" (e.g. "$comment") are notes, not checks.
 */
export type Expectations = Partial<Record<ExpectationProfile, NotebookBounds>>;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const notes = (k: string) => k.startsWith("$");

export function loadExpectations(file: string): Expectations {
  if (!fs.existsSync(file)) return {};
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot parse ${file}: ${(err as Error).message}`);
  }
  const bad = (what: string) =>
    new UsageError(
      `${file}: ${what}`,
      `write {"quick": {"<notebook>": {"<metric>": {"min": 0.9, "max": 1}}}, "full": {…}, "full-smoke": {"<notebook>": ["<metric>", …]}}`,
    );
  if (!isObject(doc)) throw bad("top level must be an object keyed by profile");
  const out: Expectations = {};
  for (const [profile, notebooks] of Object.entries(doc)) {
    if (notes(profile)) continue;
    if (!(EXPECTATION_PROFILES as readonly string[]).includes(profile))
      throw bad(`"${profile}" is not a profile (use ${EXPECTATION_PROFILES.join(", ")})`);
    if (!isObject(notebooks)) throw bad(`"${profile}" must map notebook names to metric bounds`);
    const parsed: NotebookBounds = {};
    for (const [nb, metrics] of Object.entries(notebooks)) {
      if (notes(nb)) continue;
      const where = `${profile}.${nb}`;
      if (Array.isArray(metrics)) {
        if (!metrics.every((m) => typeof m === "string")) throw bad(`${where} must list metric names`);
        parsed[nb] = Object.fromEntries((metrics as string[]).map((m) => [m, {}]));
        continue;
      }
      if (!isObject(metrics)) throw bad(`${where} must map metric names to bounds, or list metric names`);
      parsed[nb] = {};
      for (const [m, b] of Object.entries(metrics)) {
        if (notes(m)) continue;
        if (!isObject(b)) throw bad(`${where}.${m} must be an object with min and/or max`);
        if (Object.keys(b).some((k) => (k !== "min" && k !== "max") || typeof b[k] !== "number"))
          throw bad(`${where}.${m} may only have numeric "min" and "max" (got ${JSON.stringify(b)})`);
        parsed[nb][m] = b as Bound;
      }
    }
    out[profile as ExpectationProfile] = parsed;
  }
  return out;
}

/** The profile a run is checked against: `--expect`, else the notebook's `profile` parameter (override or default). */
export function expectationProfile(explicit: string | undefined, notebookProfile: unknown): ExpectationProfile {
  const p = explicit ?? (typeof notebookProfile === "string" ? notebookProfile : "quick");
  if (!(EXPECTATION_PROFILES as readonly string[]).includes(p))
    throw new UsageError(`no expectations for profile "${p}"`, `use one of: ${EXPECTATION_PROFILES.join(", ")}`);
  return p as ExpectationProfile;
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
      failures.push(
        `${name}: metric "${metric}" missing from ${path.basename(file)} (${
          Object.keys(b).length ? `bound ${JSON.stringify(b)}` : "promised: must exist and be finite"
        })`,
      );
    else if (typeof v !== "number" || !Number.isFinite(v))
      failures.push(`${name}: metric "${metric}" = ${JSON.stringify(v)} is not a finite number`);
    else if (b.min !== undefined && v < b.min)
      failures.push(`${name}: metric "${metric}" = ${v} is below min ${b.min}`);
    else if (b.max !== undefined && v > b.max)
      failures.push(`${name}: metric "${metric}" = ${v} is above max ${b.max}`);
  }
  return failures;
}
