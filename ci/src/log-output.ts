import type { CellWatcher } from "./cell-watcher";
import type { JupyterMessage } from "./jupyter-messages";

export type LogStream = "stdout" | "stderr";

function textOf(data: unknown): string | null {
  const bundle = (data ?? {}) as Record<string, unknown>;
  const t = bundle["text/plain"] ?? bundle["text/markdown"];
  if (t === undefined) return null;
  return Array.isArray(t) ? t.join("") : String(t);
}

/**
 * `--log-output` (papermill's flag): a cell's stdout, stderr and text outputs, line by line as they arrive,
 * each line prefixed `[notebook] `. stdout and text results go to `write("stdout")`, stderr and errors to
 * `write("stderr")`. A display updated in place (a progress bar) is logged when shown and once more, in its
 * last state, when the cell ends.
 */
export class OutputLogger implements CellWatcher {
  private partial: Record<LogStream, string> = { stdout: "", stderr: "" };
  private updated = new Map<string, string>();

  constructor(
    private readonly name: string,
    private readonly write: (stream: LogStream, line: string) => void,
  ) {}

  private lines(stream: LogStream, text: string): void {
    for (const line of text.replace(/\n$/, "").split("\n")) this.write(stream, `[${this.name}] ${line}`);
  }

  private flush(stream: LogStream): void {
    if (this.partial[stream]) this.lines(stream, this.partial[stream]);
    this.partial[stream] = "";
  }

  message(msg: JupyterMessage): void {
    const c = msg.content;
    switch (msg.header.msg_type) {
      case "stream": {
        const stream: LogStream = c.name === "stderr" ? "stderr" : "stdout";
        const text = this.partial[stream] + String(c.text ?? "");
        const cut = text.lastIndexOf("\n");
        this.partial[stream] = text.slice(cut + 1);
        if (cut >= 0) this.lines(stream, text.slice(0, cut + 1));
        return;
      }
      case "display_data":
      case "execute_result": {
        const text = textOf(c.data);
        if (text === null) return;
        this.flush("stdout");
        this.lines("stdout", text);
        return;
      }
      case "update_display_data": {
        const id = (c.transient as { display_id?: string } | undefined)?.display_id;
        const text = textOf(c.data);
        if (id && text !== null) this.updated.set(id, text);
        return;
      }
      case "error": {
        this.flush("stderr");
        const tb = Array.isArray(c.traceback) ? (c.traceback as string[]) : [];
        this.lines("stderr", tb.length ? tb.join("\n") : `${String(c.ename ?? "Error")}: ${String(c.evalue ?? "")}`);
        return;
      }
    }
  }

  cellEnd(): void {
    this.flush("stdout");
    this.flush("stderr");
    for (const text of this.updated.values()) this.lines("stdout", text);
    this.updated.clear();
  }
}
