import type { JupyterMessage } from "./jupyter-messages";

/** Sees a notebook's cells as they run (progress lines, `--log-output`); never changes what is recorded. */
export interface CellWatcher {
  /** A code cell is about to be sent; `label` as in failure reports (1-based position or "injected-parameters"). */
  cellStart?(label: string, code: string): void;
  /** Every iopub message of the running cell, as it arrives. */
  message?(msg: JupyterMessage): void;
  /** The cell's reply came (or the run stopped in it). */
  cellEnd?(): void;
}

/** One watcher calling each of `watchers` in turn. */
export function allWatchers(...watchers: (CellWatcher | null | undefined)[]): CellWatcher {
  const ws = watchers.filter((w): w is CellWatcher => !!w);
  return {
    cellStart: (label, code) => ws.forEach((w) => w.cellStart?.(label, code)),
    message: (msg) => ws.forEach((w) => w.message?.(msg)),
    cellEnd: () => ws.forEach((w) => w.cellEnd?.()),
  };
}
