/**
 * Formats the TypeScript of every notebook's code cells with prettier (the repo's .prettierrc), in place,
 * and checks that every cell has an id. `--check` changes nothing and exits 1 listing what is not
 * formatted (`npm test` runs it). Usage: node ci/dist/format-notebooks.js [--check] [notebook.ipynb …]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "@embedlab/lib";
import { sourceText, toLines, type Notebook } from "./nbformat";

type Prettier = typeof import("prettier");

/** Format one cell's source with prettier `options`; throws with the cell's position when it does not parse. */
export async function formatCellSource(
  prettier: Prettier,
  options: import("prettier").Options,
  source: string,
  where: string,
): Promise<string> {
  try {
    const out = await prettier.format(source, { ...options, parser: "typescript" });
    return out.replace(/\n+$/, "");
  } catch (e) {
    throw new Error(`${where}: prettier cannot parse this cell: ${(e as Error).message.split("\n")[0]}`);
  }
}

export interface NotebookFormatReport {
  file: string;
  /** Cells (0-based) whose source changed or would change. */
  changed: number[];
  /** Cells without an id. */
  missingIds: number[];
}

/** Format (or with `check`, only inspect) one notebook file. */
export async function formatNotebook(file: string, check: boolean): Promise<NotebookFormatReport> {
  const prettier: Prettier = await import("prettier");
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
  // The repo's .prettierrc, as it applies to TypeScript under notebooks/ (resolved once per notebook).
  const options = (await prettier.resolveConfig(path.join(repoRoot(), "notebooks", "x.ts"))) ?? {};
  const report: NotebookFormatReport = { file, changed: [], missingIds: [] };
  for (const [i, cell] of nb.cells.entries()) {
    if (!cell.id) report.missingIds.push(i);
    if (cell.cell_type !== "code") continue;
    const src = sourceText(cell);
    const formatted = await formatCellSource(prettier, options, src, `${path.basename(file)} cell ${i + 1}`);
    if (formatted !== src) {
      report.changed.push(i);
      cell.source = toLines(formatted);
    }
  }
  if (!check && report.changed.length > 0) fs.writeFileSync(file, JSON.stringify(nb, null, 1) + "\n");
  return report;
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes("--check");
  const files = argv.filter((a) => !a.startsWith("--"));
  const dir = path.join(repoRoot(), "notebooks");
  const targets =
    files.length > 0
      ? files
      : fs
          .readdirSync(dir)
          .filter((f) => f.endsWith(".ipynb"))
          .sort()
          .map((f) => path.join(dir, f));
  let bad = 0;
  for (const f of targets) {
    const r = await formatNotebook(f, check);
    const name = path.relative(repoRoot(), f);
    if (r.missingIds.length > 0) {
      bad++;
      console.error(`${name}: cells without an id: ${r.missingIds.map((i) => i + 1).join(", ")}`);
    }
    if (r.changed.length > 0) {
      if (check) bad++;
      console.error(
        `${name}: ${check ? "not formatted" : "formatted"}: cells ${r.changed.map((i) => i + 1).join(", ")}`,
      );
    }
  }
  if (bad > 0 && check) console.error("run `npm run format` to format the notebooks' code cells");
  return bad > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: Error) => {
      console.error(e.message);
      process.exit(2);
    },
  );
}
