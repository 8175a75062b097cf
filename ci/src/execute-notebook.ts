import * as fs from "node:fs";
import * as path from "node:path";
import { portablePaths, writeFileAtomic } from "@embedlab/lib";
import type { CellWatcher } from "./cell-watcher";
import type { CellError } from "./error-text";
import { interruptedCellError } from "./interruption";
import { CellTimeoutError, Kernel, KernelDiedError } from "./kernel";
import { sourceText, toLines, type Cell, type Notebook, type Output } from "./nbformat";
import type { NotebookEntry } from "./notebooks";
import { OutputCollector } from "./output-collector";
import { injectedCellSource } from "./parameters";
import { cellTimeoutS } from "./cell-timeout";

export type NotebookStatus = "ok" | "FAILED" | "TIMEOUT" | "DIED" | "interrupted";

export interface CellFailure {
  /** 1-based position in the source notebook, or "injected-parameters". */
  cellLabel: string;
  sourceHead: string[];
  error: CellError;
  /** Last lines the kernel process printed outside any cell (useful when it died). */
  kernelOutput?: string;
}

export interface NotebookRun {
  name: string;
  status: NotebookStatus;
  seconds: number;
  executedFile: string;
  startedAt: number;
  failure?: CellFailure;
  /** Where an interrupted run stopped: the cell's label and id (null when it stopped before any cell). */
  interruptedCell?: { label: string; id: string | null } | null;
}

/** Mark an executed notebook as failed by its expectations (metadata only; outputs untouched). */
export function markExpectationFailures(run: NotebookRun, failures: string[]): void {
  const nb = JSON.parse(fs.readFileSync(run.executedFile, "utf8")) as Notebook;
  const meta = (nb.metadata.embedlab ?? {}) as Record<string, unknown>;
  nb.metadata.embedlab = { ...meta, status: "FAILED", expectation_failures: failures };
  writeFileAtomic(run.executedFile, JSON.stringify(nb, null, 1) + "\n");
}

export interface RunOptions {
  root: string;
  outDir: string;
  timeoutS: number;
  heartbeatS: number;
  env: NodeJS.ProcessEnv;
  overrides: Record<string, unknown>;
  log: (line: string) => void;
  /** Aborted by the runner's signal handler (which also stops the kernel): the run ends "interrupted". */
  interrupt?: AbortSignal;
  /** Sees each cell start, its messages and its end (progress lines, --log-output). */
  watch?: CellWatcher;
}

/** The notebook to execute: a copy with outputs cleared and the injected-parameters cell placed after the parameters cell. */
function prepare(entry: NotebookEntry, overrides: Record<string, unknown>): { nb: Notebook; labels: string[] } {
  const nb: Notebook = JSON.parse(JSON.stringify(entry.notebook)) as Notebook;
  const labels = nb.cells.map((_, i) => `${i + 1}`);
  for (const c of nb.cells) {
    if (c.cell_type === "code") {
      c.outputs = [];
      c.execution_count = null;
    }
  }
  if (Object.keys(overrides).length > 0) {
    const cell: Cell = {
      cell_type: "code",
      id: "injected-parameters",
      metadata: { tags: ["injected-parameters"] },
      source: toLines(injectedCellSource(overrides)),
      outputs: [],
      execution_count: null,
    };
    nb.cells.splice(entry.paramsCell + 1, 0, cell);
    labels.splice(entry.paramsCell + 1, 0, "injected-parameters");
  }
  return { nb, labels };
}

/** Run one notebook on a fresh kernel; write `<out>/<name>.ipynb` atomically after every cell. Never throws for notebook problems. */
export async function executeNotebook(entry: NotebookEntry, opts: RunOptions): Promise<NotebookRun> {
  const startedAt = Date.now();
  const executedFile = path.join(opts.outDir, `${entry.name}.ipynb`);
  const { nb, labels } = prepare(entry, opts.overrides);
  const meta = {
    status: "running" as string,
    started_at: new Date(startedAt).toISOString(),
    duration_s: 0,
    parameters: opts.overrides,
    failed_cell: null as string | null,
  };
  nb.metadata = { ...nb.metadata, embedlab: meta };
  const kernelEnv = {
    ...opts.env,
    EMBEDLAB_NOTEBOOK: entry.name,
    EMBEDLAB_OUTPUT_DIR: opts.outDir,
    EMBEDLAB_ROOT: opts.root,
  };
  const save = () => {
    meta.duration_s = Math.round((Date.now() - startedAt) / 100) / 10;
    // The kernel's environment decides which folders are this machine's (root, data, outputs).
    writeFileAtomic(executedFile, JSON.stringify(portablePaths(nb, kernelEnv), null, 1) + "\n");
  };
  const result = (status: NotebookStatus, failure?: CellFailure): NotebookRun => {
    meta.status = status;
    meta.failed_cell = status === "interrupted" ? null : (failure?.cellLabel ?? null);
    save();
    return { name: entry.name, status, seconds: (Date.now() - startedAt) / 1000, executedFile, startedAt, failure };
  };

  const collector = new OutputCollector([], opts.watch);
  let kernel: Kernel | null = null;
  let current = -1;
  const failureAt = (i: number, error: CellError, kernelOutput?: string): CellFailure => ({
    cellLabel: labels[i],
    sourceHead: sourceText(nb.cells[i]).split("\n").slice(0, 3),
    error,
    kernelOutput,
  });
  const interrupted = (): NotebookRun => {
    const e = interruptedCellError(opts.interrupt?.reason);
    const cell = current >= 0 ? nb.cells[current] : null;
    if (cell) (cell.outputs ??= []).push({ output_type: "error", ...e });
    const at = cell ? { label: labels[current], id: cell.id ?? null } : null;
    Object.assign(meta, { interrupted_cell: at?.label ?? null, interrupted_cell_id: at?.id ?? null });
    const f = cell ? failureAt(current, e) : { cellLabel: "(kernel start)", sourceHead: [], error: e };
    return { ...result("interrupted", f), interruptedCell: at };
  };
  try {
    kernel = await Kernel.start({
      root: opts.root,
      heartbeatTimeoutS: opts.heartbeatS,
      env: kernelEnv,
    });
    for (let i = 0; i < nb.cells.length; i++) {
      const cell = nb.cells[i];
      const code = sourceText(cell);
      if (cell.cell_type !== "code" || code.trim() === "") continue;
      current = i;
      if (opts.interrupt?.aborted) throw opts.interrupt.reason;
      opts.watch?.cellStart?.(labels[i], code);
      const t0 = new Date();
      let reply;
      for (let attempt = 1; ; attempt++) {
        const outputs: Output[] = (cell.outputs = []);
        collector.beginCell(outputs);
        reply = await kernel.execute(code, (m) => collector.handle(m), cellTimeoutS(cell, opts.timeoutS));
        if (reply.status === "ok" || attempt > 2 || !collector.isConverterGlitch()) break;
        // tslab's TypeScript watcher tripped over a .d.ts rewritten on disk (e.g. a rebuild of lib/dist
        // during the run) before the cell ran: nothing executed, so sending the cell again is safe.
        opts.log(`  (${entry.name}: tslab converter glitch in cell ${labels[i]}, retrying)`);
        await new Promise((r) => setTimeout(r, 500));
      }
      opts.watch?.cellEnd?.();
      cell.execution_count = reply.executionCount;
      const execution = {
        ...(cell.metadata.execution as object),
        start: t0.toISOString(),
        end: new Date().toISOString(),
      };
      cell.metadata = { ...cell.metadata, execution };
      if (reply.status !== "ok") {
        const err = collector.finishWithError();
        return result("FAILED", failureAt(i, err));
      }
      save();
    }
    return result("ok");
  } catch (err) {
    opts.watch?.cellEnd?.();
    if (opts.interrupt?.aborted) return interrupted();
    if (err instanceof CellTimeoutError && current >= 0) {
      const e = { ename: "CellTimeout", evalue: err.message, traceback: [err.message] };
      collector.addError(e);
      return result("TIMEOUT", failureAt(current, e));
    }
    if (err instanceof KernelDiedError) {
      const e = { ename: "KernelDied", evalue: err.message, traceback: [err.message] };
      if (current >= 0) collector.addError(e);
      const f =
        current >= 0
          ? failureAt(current, e, err.processOutput)
          : { cellLabel: "(kernel start)", sourceHead: [], error: e, kernelOutput: err.processOutput };
      return result("DIED", f);
    }
    const e = { ename: (err as Error).name ?? "Error", evalue: (err as Error).message ?? String(err), traceback: [] };
    return result("FAILED", current >= 0 ? failureAt(current, e) : { cellLabel: "(runner)", sourceHead: [], error: e });
  } finally {
    await kernel?.shutdown();
  }
}
