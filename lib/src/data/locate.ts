import * as fs from "node:fs";
import * as path from "node:path";
import { dataDir, DataNotFoundError } from "../core";

/** The command that installs a dataset, for error messages. */
export function fetchCommand(name: string): string {
  return `npm run data -- fetch ${name}`;
}

/**
 * Find a dataset directory under `root` (default `dataDir()`): the first of `root/<dir>` for `dirs` (or `root`
 * itself) that is a folder holding every file in `mustHave`. Throws DataNotFoundError naming each place searched.
 */
export function locateDataset(name: string, dirs: readonly string[], mustHave: readonly string[], root?: string): { dir: string; root: string } {
  const base = path.resolve(root ?? dataDir());
  // `root` itself counts too (a caller may point straight at the dataset folder), unless nothing specific is required.
  const candidates = [...dirs.map((d) => path.join(base, d)), ...(mustHave.length ? [base] : [])];
  for (const dir of candidates) {
    if (fs.existsSync(dir) && fs.statSync(dir).isDirectory() && mustHave.every((f) => fs.existsSync(path.join(dir, f)))) return { dir, root: base };
  }
  const searched = candidates.map((d) => (mustHave.length === 0 ? d : mustHave.length === 1 ? path.join(d, mustHave[0]) : `${d}/{${mustHave.join(",")}}`));
  throw new DataNotFoundError(name, searched, fetchCommand(name));
}

/** Throw DataNotFoundError unless `file` exists (for explicit file paths given by the caller). */
export function requireFile(name: string, file: string): string {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new DataNotFoundError(name, [abs], fetchCommand(name));
  return abs;
}
