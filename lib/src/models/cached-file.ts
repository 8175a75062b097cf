import * as fs from "node:fs";
import * as path from "node:path";
import { dataDir, DataNotFoundError, CorruptDataError, EmbedlabError } from "../core";
import { l2normalize } from "./vector-math";
import type { LoadOptions, TextEncoder } from "./types";

/** Resolve a cached-vector file: absolute, else relative to the working directory, else to `dataDir()`. */
export function resolveVectorFile(file: string): string {
  const candidates = path.isAbsolute(file) ? [file] : [path.resolve(file), path.join(dataDir(), file)];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new DataNotFoundError(`cached vectors ${file}`, candidates);
  return found;
}

/**
 * Vectors looked up in a JSON file `{ "<text>": number[] }` (e.g. the original GPT-3 label embeddings in
 * `llm_labels/`). Asking for a text that is not in the file is an error that names the missing texts.
 */
export function loadCachedVectors(file: string, opts: LoadOptions = {}): TextEncoder {
  const abs = resolveVectorFile(file);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(abs, "utf8"));
  } catch (err) {
    throw new CorruptDataError(abs, `not valid JSON (${(err as Error).message})`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw new CorruptDataError(abs, "expected an object { text: number[] }");
  const table = new Map<string, Float32Array>();
  let dim = -1;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "number" && Number.isFinite(x)))
      throw new CorruptDataError(abs, `entry "${k}" is not a non-empty array of finite numbers`);
    if (dim === -1) dim = v.length;
    else if (v.length !== dim)
      throw new CorruptDataError(abs, `entry "${k}" has ${v.length} numbers, others have ${dim}`);
    table.set(k, Float32Array.from(v as number[]));
  }
  if (dim === -1) throw new CorruptDataError(abs, "file has no vectors");
  const normalize = opts.normalize !== false;
  const base = path.basename(abs);
  return {
    id: `cached:${base}`,
    dim,
    provenance: { id: base, source: `cached vectors from ${abs}` },
    async embed(texts: string[]): Promise<Float32Array[]> {
      const missing = texts.filter((t) => !table.has(t));
      if (missing.length > 0) {
        const shown = [...new Set(missing)]
          .slice(0, 10)
          .map((t) => JSON.stringify(t))
          .join(", ");
        throw new EmbedlabError(
          `${missing.length} text(s) not in ${abs}: ${shown}${missing.length > 10 ? ", …" : ""}`,
          `this file has ${table.size} keys (e.g. ${[...table.keys()]
            .slice(0, 3)
            .map((k) => JSON.stringify(k))
            .join(", ")}); ask only for those, or use an encoder that computes vectors`,
        );
      }
      return texts.map((t) => {
        const v = Float32Array.from(table.get(t)!);
        return normalize ? l2normalize(v) : v;
      });
    },
  };
}
