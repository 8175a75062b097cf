import * as fs from "node:fs";
import * as path from "node:path";
import { CorruptDataError, dataDir, EmbedlabError } from "../core";
import { CIFAR100_CLASSES, CIFAR10_CLASSES, cifarClassIndex } from "./cifar-classes";
import { locateDataset } from "./locate";
import type { LabelEmbeddings, Provenance } from "./types";

const DIRS = ["llm_labels"];
const DESCRIPTIONS = "cifar100_descriptions.json";

export interface LabelEmbeddingsOptions {
  /** Data root holding `llm_labels/` (default `dataDir()`). */
  root?: string;
  /** Class names in index order to map keys onto (default: CIFAR-10 or CIFAR-100 by the file name's prefix). */
  classNames?: readonly string[];
  /**
   * "by-name" (default): vectors[i] is the embedding of class i's name.
   * "file-order": vectors[i] is the file's i-th entry, whatever its key. This reproduces the original code
   * (wendlerc/llm_labels src/output_embeddings.py), which paired torchvision's CIFAR-100 label i with the i-th name of its
   * superclass-ordered list, i.e. a fixed permutation of names; for CIFAR-10 both pairings are the same.
   */
  pairing?: "by-name" | "file-order";
}

function readJsonObject(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new CorruptDataError(file, `not valid JSON (${(err as Error).message}); truncated download?`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new CorruptDataError(file, "expected a JSON object keyed by class name");
  return parsed as Record<string, unknown>;
}

/** Map an object keyed by (any spelling of) class names onto index order; throws naming missing/unknown classes. */
function byClassIndex<T>(file: string, obj: Record<string, T>, classes: readonly string[]): T[] {
  const out = new Array<T | undefined>(classes.length).fill(undefined);
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    const i = cifarClassIndex(key, classes);
    if (i < 0) unknown.push(key);
    else if (out[i] !== undefined) throw new CorruptDataError(file, `two keys map to class "${classes[i]}" (second: "${key}")`);
    else out[i] = value;
  }
  const missing = classes.filter((_, i) => out[i] === undefined);
  if (missing.length || unknown.length) {
    throw new CorruptDataError(file, `${missing.length ? `missing class(es): ${missing.join(", ")}` : ""}${missing.length && unknown.length ? "; " : ""}${unknown.length ? `keys that are no class: ${unknown.join(", ")}` : ""}`);
  }
  return out as T[];
}

function defaultClasses(name: string): readonly string[] {
  if (name.startsWith("cifar100")) return CIFAR100_CLASSES;
  if (name.startsWith("cifar10")) return CIFAR10_CLASSES;
  throw new EmbedlabError(`cannot tell which classes "${name}" embeds`, "pass opts.classNames (index order)");
}

/** The label-embedding files under `llm_labels/` (names without `.json`, e.g. "cifar10_davinci-001"). */
export function listLabelEmbeddings(root?: string): string[] {
  const { dir } = locateDataset("llm_labels", DIRS, [], root);
  return fs.readdirSync(dir).filter((f) => f.endsWith(".json") && f !== DESCRIPTIONS).map((f) => f.slice(0, -5)).sort();
}

/**
 * Cached label embeddings `{ "<class name>": number[] }` (e.g. "cifar100_ada-001", "cifar100_desc_ada-001"),
 * mapped by name onto the dataset's class index order.
 */
export function loadLabelEmbeddings(name: string, opts: LabelEmbeddingsOptions = {}): LabelEmbeddings {
  const base = name.replace(/\.json$/, "");
  const fileName = `${base}.json`;
  const classes = opts.classNames ?? defaultClasses(base);
  let located: { dir: string; root: string };
  try {
    located = locateDataset("llm_labels", DIRS, [fileName], opts.root);
  } catch (err) {
    const root = path.resolve(opts.root ?? dataDir());
    const dir = path.join(root, DIRS[0]);
    if (fs.existsSync(dir)) throw new EmbedlabError(`no label embeddings "${base}" in ${dir}`, `available: ${listLabelEmbeddings(root).join(", ")}`);
    throw err;
  }
  const file = path.join(located.dir, fileName);
  const obj = readJsonObject(file);
  const byName = byClassIndex(file, obj, classes); // validates names even for file-order pairing
  const pairing = opts.pairing ?? "by-name";
  if (pairing !== "by-name" && pairing !== "file-order") throw new EmbedlabError(`unknown pairing "${pairing}"`, 'use "by-name" or "file-order"');
  const rows = pairing === "by-name" ? byName : Object.values(obj);
  let dim = -1;
  const vectors = rows.map((v, i) => {
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== "number" || !Number.isFinite(x))) {
      throw new CorruptDataError(file, `class "${classes[i]}": expected a non-empty array of finite numbers`);
    }
    if (dim < 0) dim = v.length;
    if (v.length !== dim) throw new CorruptDataError(file, `class "${classes[i]}" has ${v.length} dims, others ${dim}`);
    return Float32Array.from(v as number[]);
  });
  const source: Provenance = { dataset: "llm_labels", files: [file], root: located.root, note: `${base}: ${classes.length} classes × ${dim} dims, ${pairing === "by-name" ? "mapped by name to class index order" : "in the file's key order (the original code's pairing, not by name)"}` };
  return { classNames: [...classes], vectors, dim, source };
}

/** The Wikipedia descriptions the original used for CIFAR-100 (`cifar100_descriptions.json`), in class index order. */
export function loadCifar100Descriptions(root?: string): { classNames: string[]; descriptions: string[]; source: Provenance } {
  const located = locateDataset("llm_labels", DIRS, [DESCRIPTIONS], root);
  const file = path.join(located.dir, DESCRIPTIONS);
  const descriptions = byClassIndex(file, readJsonObject(file), CIFAR100_CLASSES);
  descriptions.forEach((d, i) => {
    if (typeof d !== "string" || !d.trim()) throw new CorruptDataError(file, `class "${CIFAR100_CLASSES[i]}": description is not a non-empty string`);
  });
  return { classNames: [...CIFAR100_CLASSES], descriptions: descriptions as string[], source: { dataset: "llm_labels", files: [file], root: located.root } };
}
