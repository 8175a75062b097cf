/**
 * One line per cell for non-interactive logs (CI): `[02_train] cell 5/23 (12.3 s elapsed) const teacher = …`.
 * Cell numbers are positions in the source notebook (as failure reports name them), out of all its cells.
 */
import type { CellWatcher } from "./cell-watcher";

/** The first line of a cell that is neither blank nor a comment, or "" when there is none. */
export function firstCodeLine(code: string): string {
  let inBlock = false;
  for (const raw of code.split("\n")) {
    let line = raw.trim();
    if (inBlock) {
      const end = line.indexOf("*/");
      if (end < 0) continue;
      inBlock = false;
      line = line.slice(end + 2).trim();
    }
    while (line.startsWith("/*")) {
      const end = line.indexOf("*/", 2);
      if (end < 0) {
        inBlock = true;
        line = "";
        break;
      }
      line = line.slice(end + 2).trim();
    }
    if (line === "" || line.startsWith("//")) continue;
    return line;
  }
  return "";
}

/** `text` cut to `max` characters, the cut marked with "…". */
export function truncate(text: string, max = 80): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join("") + "…";
}

/** `[name] cell 5/23 (12.3 s elapsed) first line`; `label` is a 1-based cell number or "injected-parameters". */
export function cellProgressLine(name: string, label: string, total: number, elapsedS: number, code: string): string {
  const where = /^\d+$/.test(label) ? `cell ${label}/${total}` : label.replace(/-/g, " ");
  const head = truncate(firstCodeLine(code));
  return `[${name}] ${where} (${elapsedS.toFixed(1)} s elapsed)${head ? " " + head : ""}`;
}

/** Watcher printing a progress line as each cell starts (elapsed since `startedAt`, ms). */
export function progressWatcher(
  name: string,
  totalCells: number,
  startedAt: number,
  write: (line: string) => void,
): CellWatcher {
  return {
    cellStart: (label, code) => write(cellProgressLine(name, label, totalCells, (Date.now() - startedAt) / 1000, code)),
  };
}
