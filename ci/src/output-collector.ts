import type { CellWatcher } from "./cell-watcher";
import type { JupyterMessage } from "./jupyter-messages";
import type { MimeBundle, Output } from "./nbformat";
import { parseErrorText, type CellError } from "./error-text";

/**
 * Turns iopub messages into nbformat outputs, the way a Jupyter frontend shows them:
 * consecutive stream chunks merge, `update_display_data` rewrites the display with the same
 * display_id (in any earlier cell of the notebook), `clear_output` empties the current cell.
 */
export class OutputCollector {
  private displays = new Map<string, Output[]>();
  /** stderr chunks (one per write) since the last other output: where tslab prints a failing cell's error. */
  private stderrChunks: string[] = [];
  private clearPending = false;
  private sawError: CellError | null = null;

  /** `watch` sees every message first (progress, --log-output); it changes nothing recorded. */
  constructor(
    private outputs: Output[] = [],
    private readonly watch?: CellWatcher,
  ) {}

  /** Start collecting into the outputs array of a new cell. */
  beginCell(outputs: Output[]): void {
    this.outputs = outputs;
    this.stderrChunks = [];
    this.clearPending = false;
    this.sawError = null;
  }

  handle(msg: JupyterMessage): void {
    this.watch?.message?.(msg);
    const c = msg.content;
    const type = msg.header.msg_type;
    if (type === "clear_output") {
      if (c.wait) this.clearPending = true;
      else this.outputs.length = 0;
      return;
    }
    if (!["stream", "display_data", "update_display_data", "execute_result", "error"].includes(type)) return;
    if (type !== "update_display_data" && this.clearPending) {
      this.outputs.length = 0;
      this.clearPending = false;
    }
    const data = (c.data ?? {}) as MimeBundle;
    const metadata = (c.metadata ?? {}) as Record<string, unknown>;
    const displayId = (c.transient as { display_id?: string } | undefined)?.display_id;
    switch (type) {
      case "stream": {
        const name = c.name === "stderr" ? "stderr" : "stdout";
        const text = String(c.text ?? "");
        const last = this.outputs[this.outputs.length - 1];
        if (last?.output_type === "stream" && last.name === name) last.text += text;
        else this.outputs.push({ output_type: "stream", name, text });
        if (name === "stderr") this.stderrChunks.push(text);
        else this.stderrChunks = [];
        return;
      }
      case "display_data": {
        const out: Output = { output_type: "display_data", data, metadata };
        this.outputs.push(out);
        if (displayId) (this.displays.get(displayId) ?? this.displays.set(displayId, []).get(displayId)!).push(out);
        break;
      }
      case "update_display_data": {
        for (const out of displayId ? (this.displays.get(displayId) ?? []) : []) {
          if (out.output_type === "display_data") {
            out.data = data;
            out.metadata = metadata;
          }
        }
        return;
      }
      case "execute_result":
        this.outputs.push({
          output_type: "execute_result",
          data,
          metadata,
          execution_count: (c.execution_count as number) ?? null,
        });
        break;
      case "error": {
        this.sawError = {
          ename: String(c.ename ?? "Error"),
          evalue: String(c.evalue ?? ""),
          traceback: (c.traceback as string[]) ?? [],
        };
        this.outputs.push({ output_type: "error", ...this.sawError });
        break;
      }
    }
    this.stderrChunks = [];
  }

  /**
   * The cell failed: return its error. The embedlab kernel sends an `error` message; plain tslab sends
   * none, only the error text on stderr, so then the trailing stderr text is moved out of the stream
   * output into a proper `error` output.
   */
  finishWithError(): CellError {
    if (this.sawError) return this.sawError;
    // tslab prints a thrown error with one console.error (one chunk) and TypeScript diagnostics one per line.
    const chunks = this.stderrChunks;
    let k = chunks.length;
    while (k > 0 && /^(\S+ )?\d+:\d+ - /.test(chunks[k - 1])) k--;
    if (k === chunks.length && k > 0) k--;
    const tail = chunks.slice(k).join("");
    const err = parseErrorText(tail);
    const last = this.outputs[this.outputs.length - 1];
    if (tail && last?.output_type === "stream" && last.name === "stderr" && last.text.endsWith(tail)) {
      last.text = last.text.slice(0, last.text.length - tail.length);
      if (!last.text) this.outputs.pop();
    }
    this.outputs.push({ output_type: "error", ...err });
    this.stderrChunks = [];
    return err;
  }

  /** tslab's converter failed on its own file-watch debounce timer (the cell itself never ran). */
  isConverterGlitch(): boolean {
    const glitch = /Unexpected pending rebuildTimer|clearing unexpected tiemr/;
    return glitch.test(this.stderrChunks.join("")) || (this.sawError !== null && glitch.test(this.sawError.evalue));
  }

  /** Record an error the runner itself decided (timeout, kernel death). */
  addError(err: CellError): void {
    this.outputs.push({ output_type: "error", ...err });
  }
}
