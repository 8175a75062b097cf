import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "@embedlab/lib";
import { cellTags, sourceText, type Notebook } from "./nbformat";
import { literalDefault, parseParametersCell, type ParamSpec } from "./parameters";
import { UsageError } from "./usage-error";

export interface NotebookEntry {
  /** File name without `.ipynb`, e.g. `00_smoke`. */
  name: string;
  file: string;
  notebook: Notebook;
  /** Index of the single code cell tagged `parameters`. */
  paramsCell: number;
  params: ParamSpec[];
}

const PATTERN = /^(\d+)_.+\.ipynb$/;

/** `NN_*.ipynb` in `dir`, in numeric order. */
export function listNotebooks(dir: string): string[] {
  if (!fs.existsSync(dir))
    throw new UsageError(`notebook folder ${dir} does not exist`, "pass --notebooks <dir> or run from the repository");
  return fs
    .readdirSync(dir)
    .filter((f) => PATTERN.test(f))
    .sort((a, b) => Number(PATTERN.exec(a)![1]) - Number(PATTERN.exec(b)![1]) || a.localeCompare(b))
    .map((f) => f.replace(/\.ipynb$/, ""));
}

/** Resolve names given on the command line (`00_smoke`, `00_smoke.ipynb`, `00`, `0`) to notebooks, in numeric order. */
export function selectNotebooks(available: string[], wanted: string[]): string[] {
  if (wanted.length === 0) return available;
  const chosen = new Set<string>();
  for (const w of wanted) {
    const base = path.basename(w).replace(/\.ipynb$/, "");
    let hits = available.filter((a) => a === base);
    if (hits.length === 0 && /^\d+$/.test(base))
      hits = available.filter((a) => Number(a.split("_")[0]) === Number(base));
    if (hits.length === 0) {
      throw new UsageError(`unknown notebook "${w}"`, `available: ${available.join(", ") || "(none)"}`);
    }
    if (hits.length > 1)
      throw new UsageError(`"${w}" matches several notebooks: ${hits.join(", ")}`, "give the full name");
    chosen.add(hits[0]);
  }
  return available.filter((a) => chosen.has(a));
}

/** Read a notebook and its parameters cell; every problem is a UsageError naming the file. */
export function loadNotebook(dir: string, name: string): NotebookEntry {
  const file = path.join(dir, `${name}.ipynb`);
  let notebook: Notebook;
  try {
    notebook = JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`, "fix the notebook JSON");
  }
  if (notebook.nbformat !== 4 || !Array.isArray(notebook.cells))
    throw new UsageError(`${file} is not an nbformat 4 notebook`);
  const tagged = notebook.cells
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.cell_type === "code" && cellTags(c).includes("parameters"));
  if (tagged.length !== 1) {
    throw new UsageError(
      `${name}: expected exactly one code cell tagged "parameters", found ${tagged.length}${tagged.length ? ` (cells ${tagged.map((t) => t.i + 1).join(", ")})` : ""}`,
      'tag one cell of `let name = value; // what it is` lines with "parameters" (cell metadata tags)',
    );
  }
  let params: ParamSpec[];
  try {
    params = parseParametersCell(sourceText(tagged[0].c));
  } catch (err) {
    throw new UsageError(`${name}: parameters cell (cell ${tagged[0].i + 1}): ${(err as Error).message}`);
  }
  return { name, file, notebook, paramsCell: tagged[0].i, params };
}

/**
 * `{ name: default }` for the parameters whose default is a literal (an environment lookup and the like are left
 * out): what a reader of the notebook runs with, for tests and selection scripts to start from.
 */
export function literalDefaults(entry: NotebookEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of entry.params) {
    const lit = literalDefault(p.defaultSource);
    if (lit) out[p.name] = lit.value;
  }
  return out;
}

/** `literalDefaults` of `<dir>/<name>.ipynb`, by default this repository's `notebooks/`. */
export function notebookDefaults(name: string, dir = path.join(repoRoot(), "notebooks")): Record<string, unknown> {
  return literalDefaults(loadNotebook(dir, name));
}
