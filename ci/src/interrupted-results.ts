import * as fs from "node:fs";
import * as path from "node:path";
import { writeJsonAtomic } from "@embedlab/lib";

/**
 * A results file the notebook wrote during a run that was then interrupted must not pass for a finished
 * one: mark it `status: "interrupted"` (with the cell). A results file from an earlier run (older than
 * `startedAt`, ms) is left alone. Returns the file marked, or null.
 */
export function markInterruptedResults(
  outDir: string,
  name: string,
  startedAt: number,
  mark: { interrupted_cell: string | null; interrupted_by: string },
): string | null {
  const file = path.join(outDir, `${name}.results.json`);
  let doc: Record<string, unknown>;
  try {
    if (fs.statSync(file).mtimeMs < startedAt - 1000) return null;
    doc = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    return null; // none written, or unreadable: nothing that could pass for finished results
  }
  const marked = { status: "interrupted", ...mark };
  writeJsonAtomic(file, { ...marked, ...doc, ...marked }); // the mark first in the file, and winning

  return file;
}
