import type { NotebookRun } from "./execute-notebook";

/** One summary line: `ok      00_smoke  12.3s`. */
export function summaryLine(run: Pick<NotebookRun, "status" | "name" | "seconds">): string {
  return `${run.status.padEnd(7)} ${run.name}  ${run.seconds.toFixed(1)}s`;
}

/** What went wrong in a notebook: where, the first source lines, and the error. */
export function failureReport(run: NotebookRun): string {
  const f = run.failure;
  if (!f) return "";
  const where = /^\d+$/.test(f.cellLabel) ? `cell ${f.cellLabel}` : f.cellLabel;
  const lines = [`${run.status}: notebook ${run.name}, ${where}`];
  if (f.sourceHead.length) lines.push(...f.sourceHead.map((l) => `  | ${l}`));
  lines.push(`  ${f.error.ename}: ${f.error.evalue.split("\n").join("\n  ")}`);
  const tb = f.error.traceback.filter((l) => /^\s+at /.test(l)).slice(0, 4);
  if (tb.length) lines.push(...tb.map((l) => `  ${l.trim()}`));
  if (f.kernelOutput && run.status === "DIED") {
    const tail = f.kernelOutput.trim().split("\n").slice(-5);
    if (tail.length && tail[0]) lines.push("  kernel process output (last lines):", ...tail.map((l) => `    ${l}`));
  }
  lines.push(`  executed notebook (partial): ${run.executedFile}`);
  return lines.join("\n");
}

/** The one line an interrupted run prints: where it stopped and where the partial notebook (and marked results) are. */
export function interruptedLine(run: NotebookRun, signal: string, markedResults: string | null): string {
  const c = run.interruptedCell;
  const where = c
    ? `${/^\d+$/.test(c.label) ? `cell ${c.label}` : c.label}${c.id ? ` (id ${c.id})` : ""}`
    : "kernel start";
  const results = markedResults ? `; ${markedResults} marked "interrupted"` : "";
  return `interrupted (${signal}): ${run.name} stopped at ${where} after ${run.seconds.toFixed(1)} s; kernel stopped; partial notebook: ${run.executedFile}${results}`;
}
