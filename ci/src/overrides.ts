import * as fs from "node:fs";
import YAML from "yaml";
import type { NotebookEntry } from "./notebooks";
import { describeType, matchesType } from "./parameters";
import { UsageError } from "./usage-error";

/** A value from the command line or a params file, with the interpretations to try in order. */
export interface RawOverride {
  name: string;
  candidates: unknown[];
  from: string;
}

/** `--param key=value`: the value is JSON if it parses, else the plain string (which is also tried second). */
export function parseParamFlag(flag: string): RawOverride {
  const eq = flag.indexOf("=");
  if (eq <= 0) throw new UsageError(`--param "${flag}" is not key=value`, "write e.g. --param steps=40");
  const name = flag.slice(0, eq).trim();
  const raw = flag.slice(eq + 1);
  const candidates: unknown[] = [];
  try {
    candidates.push(JSON.parse(raw));
  } catch {
    /* not JSON */
  }
  if (!candidates.includes(raw)) candidates.push(raw);
  return { name, candidates, from: `--param ${flag}` };
}

/** `--params file.yaml`: a flat mapping of parameter names to values. */
export function readParamsFile(file: string): RawOverride[] {
  let doc: unknown;
  try {
    doc = YAML.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read params file ${file}: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return [];
  if (typeof doc !== "object" || Array.isArray(doc))
    throw new UsageError(`params file ${file} must be a mapping of name: value`);
  return Object.entries(doc as Record<string, unknown>).map(([name, value]) => ({
    name,
    candidates: [value],
    from: file,
  }));
}

/**
 * Check every override against the parameters each selected notebook declares, before anything runs.
 * An override applies to every selected notebook declaring that name; later overrides win.
 * Returns the values to inject per notebook.
 */
export function resolveOverrides(
  notebooks: NotebookEntry[],
  overrides: RawOverride[],
): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>(notebooks.map((n) => [n.name, {}]));
  const validNames = () =>
    notebooks
      .map((n) => `${n.name}: ${n.params.map((p) => `${p.name} (${describeType(p.type)})`).join(", ") || "(none)"}`)
      .join("; ");
  for (const o of overrides) {
    const declaring = notebooks.filter((n) => n.params.some((p) => p.name === o.name));
    if (declaring.length === 0)
      throw new UsageError(`unknown parameter "${o.name}" (from ${o.from})`, `valid parameters — ${validNames()}`);
    for (const nb of declaring) {
      const spec = nb.params.find((p) => p.name === o.name)!;
      const value = o.candidates.find((c) => matchesType(c, spec.type));
      if (value === undefined) {
        throw new UsageError(
          `parameter "${o.name}" of ${nb.name} expects ${describeType(spec.type)}, got ${JSON.stringify(o.candidates[0])} (from ${o.from})`,
          `valid parameters — ${validNames()}`,
        );
      }
      out.get(nb.name)![o.name] = value;
    }
  }
  return out;
}
