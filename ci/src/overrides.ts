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
  /** Only for notebooks whose name starts with this (a `NN_name:` or `NN:` section of a params file). */
  notebook?: string;
}

/** A params-file key naming a notebook section: `01`, `01_label_embeddings`. */
const NOTEBOOK_KEY = /^\d\d(_[\w-]+)?$/;

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

/** YAML to JS, except that top-level keys keep their written form (`02:` stays "02", not the number 2). */
function parseKeepingKeys(text: string): unknown {
  const doc = YAML.parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length > 0) throw doc.errors[0];
  if (!YAML.isMap(doc.contents)) return doc.toJS();
  const out: Record<string, unknown> = {};
  for (const item of doc.contents.items) {
    const k = item.key;
    const plain = YAML.isScalar(k) && k.type === "PLAIN" && k.srcToken && "source" in k.srcToken;
    const key = plain ? (k.srcToken as { source: string }).source : String(YAML.isScalar(k) ? k.value : k);
    out[key] = YAML.isNode(item.value) ? item.value.toJS(doc) : item.value;
  }
  return out;
}

/**
 * `--params file.yaml`: a mapping of parameter names to values; a key naming a notebook (`01` or
 * `01_label_embeddings`) holds a mapping that applies to that notebook only, after the shared ones.
 */
export function readParamsFile(file: string): RawOverride[] {
  let doc: unknown;
  try {
    doc = parseKeepingKeys(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read params file ${file}: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return [];
  if (typeof doc !== "object" || Array.isArray(doc))
    throw new UsageError(`params file ${file} must be a mapping of name: value`);
  const shared: RawOverride[] = [];
  const scoped: RawOverride[] = [];
  for (const [name, value] of Object.entries(doc as Record<string, unknown>)) {
    if (!NOTEBOOK_KEY.test(name)) {
      shared.push({ name, candidates: [value], from: file });
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value))
      throw new UsageError(`params file ${file}: section "${name}" must be a mapping of name: value`);
    for (const [inner, v] of Object.entries(value as Record<string, unknown>))
      scoped.push({ name: inner, candidates: [v], from: `${file} (${name})`, notebook: name });
  }
  return [...shared, ...scoped];
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
    const scope = o.notebook;
    const inScope =
      scope === undefined ? notebooks : notebooks.filter((n) => n.name === scope || n.name.startsWith(`${scope}_`));
    const declaring = inScope.filter((n) => n.params.some((p) => p.name === o.name));
    if (scope !== undefined && inScope.length === 0) continue; // a section for a notebook not selected in this run
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
