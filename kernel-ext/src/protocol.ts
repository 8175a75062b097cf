/**
 * The parts of the Jupyter messaging protocol tslab leaves out, as plain functions (no sockets): what
 * an `error` message says about a thrown value or TypeScript diagnostics, the `execute_result` of a
 * cell's last expression, `is_complete` → `invalid`, and the session history `history_request` reads.
 * tslab-protocol.ts wires them into tslab's kernel.
 */
import { inspect } from "node:util";
import type { MimeBundle } from "./mime";

/** The content of an `error` message (and, with `status: "error"`, of an error reply). */
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** Frames from here down are the kernel's machinery (node:vm, tslab, this extension), not the cell's. */
const KERNEL_FRAME = /node:vm|[\\/]tslab[\\/]dist[\\/]|[\\/]kernel-ext[\\/]dist[\\/]tslab-protocol|sigintHandlersWrap/;

/** A thrown value as Jupyter shows it: name, message, and a traceback that starts with `name: message`. */
export function thrownError(value: unknown): ErrorContent {
  if (
    value instanceof Error ||
    (typeof value === "object" && value !== null && "stack" in value && "message" in value)
  ) {
    const e = value as Error;
    const ename = typeof e.name === "string" && e.name ? e.name : (e.constructor?.name ?? "Error");
    const evalue = typeof e.message === "string" ? e.message : String(e.message);
    const frames: string[] = [];
    for (const line of String(e.stack ?? "").split("\n")) {
      if (!/^\s+at /.test(line)) continue;
      if (KERNEL_FRAME.test(line)) break;
      frames.push("    " + line.trim());
    }
    return { ename, evalue, traceback: [`${ename}: ${evalue}`, ...frames] };
  }
  const ename =
    value === null ? "null" : typeof value === "object" ? (value.constructor?.name ?? "Object") : typeof value;
  const evalue = typeof value === "string" ? value : inspect(value);
  return { ename: `Uncaught ${ename}`, evalue, traceback: [`Uncaught ${ename}: ${evalue}`] };
}

/** One TypeScript diagnostic as tslab reports it (0-based line and column within the cell). */
export interface CellDiagnostic {
  /** A file other than the cell (a `%module` the cell imports), relative to the kernel's directory. */
  fileName?: string;
  line: number;
  character: number;
  messageText: string;
}

/** `line:col - message` (1-based, cell coordinates), the way tslab prints a diagnostic. */
export function diagnosticLine(d: CellDiagnostic): string {
  return `${d.fileName ? d.fileName + " " : ""}${d.line + 1}:${d.character + 1} - ${d.messageText}`;
}

/**
 * A cell that did not compile: ename `TypeScriptError`, evalue one `line:col - message` per diagnostic,
 * and a traceback that shows each diagnostic under its source line with a caret.
 */
export function compileError(diags: CellDiagnostic[], code: string): ErrorContent {
  const lines = code.split("\n");
  const evalue = diags.map(diagnosticLine).join("\n");
  const traceback = [`TypeScriptError: ${diags.length} error${diags.length === 1 ? "" : "s"} in this cell`];
  for (const d of diags) {
    traceback.push(diagnosticLine(d));
    const src = d.fileName ? undefined : lines[d.line];
    if (src !== undefined) {
      const no = String(d.line + 1);
      traceback.push(`  ${no} | ${src}`, `  ${" ".repeat(no.length)} | ${" ".repeat(d.character)}^`);
    }
  }
  return { ename: "TypeScriptError", evalue, traceback };
}

/** The `execute_result` data of a cell's last expression: `text/plain` as Node's REPL shows the value. */
export function resultBundle(value: unknown): MimeBundle {
  return { "text/plain": inspect(value, { colors: false }) };
}

/** A TypeScript parse of the cell: the parse errors (ts.SourceFile#parseDiagnostics). */
export type ParseErrors = (code: string) => readonly unknown[];

/**
 * is_complete: tslab answers "incomplete" (with an indent) when more input could finish the code, else
 * "complete"; code that does not parse at all (`}}}`, `const x = ;`) is "invalid".
 */
export function isCompleteReply(
  code: string,
  tslabAnswer: { status: string; indent?: string },
  parseErrors: ParseErrors,
): { status: "complete" | "incomplete" | "invalid"; indent?: string } {
  if (tslabAnswer.status === "incomplete") return { status: "incomplete", indent: tslabAnswer.indent ?? "" };
  return parseErrors(code).length > 0 ? { status: "invalid" } : { status: "complete" };
}

/** One executed cell in the session history. */
export interface HistoryEntry {
  line: number;
  input: string;
  /** The cell's `execute_result` as text, if it had one. */
  output: string | null;
}

/** The history_request content fields we read. */
export interface HistoryRequest {
  output?: boolean;
  raw?: boolean;
  hist_access_type?: string;
  session?: number;
  start?: number;
  stop?: number | null;
  n?: number | null;
  pattern?: string;
  unique?: boolean;
}
export type HistoryItem = [number, number, string | [string, string | null]];

/** IPython's history glob (`*`, `?`, `[...]`) as an anchored regular expression. */
export function globRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*") re += "[\\s\\S]*";
    else if (ch === "?") re += "[\\s\\S]";
    else if (ch === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        const body = pattern.slice(i + 1, end);
        re += "[" + (body.startsWith("!") ? "^" + body.slice(1) : body).replace(/\\/g, "\\\\") + "]";
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp("^" + re + "$");
}

/**
 * The kernel's session history (this process only: there is no history database). The current
 * session is number SESSION; requests for session 0 (IPython's "current") or SESSION read it.
 */
export class SessionHistory {
  static readonly SESSION = 1;
  private readonly entries: HistoryEntry[] = [];

  add(entry: HistoryEntry): void {
    this.entries.push(entry);
  }

  get size(): number {
    return this.entries.length;
  }

  /** The `history` list of a history_reply. */
  query(req: HistoryRequest): HistoryItem[] {
    let found: HistoryEntry[];
    const type = req.hist_access_type ?? "tail";
    if (type === "range") {
      const session = req.session ?? 0;
      if (session !== 0 && session !== SessionHistory.SESSION) return [];
      const start = req.start ?? 1;
      const stop = req.stop ?? Infinity;
      found = this.entries.filter((e) => e.line >= start && e.line < stop);
    } else if (type === "search") {
      const re = globRegExp(req.pattern ?? "*");
      found = this.entries.filter((e) => re.test(e.input));
      if (req.unique) {
        const seen = new Set<string>();
        found = found
          .reverse()
          .filter((e) => !seen.has(e.input) && (seen.add(e.input), true))
          .reverse();
      }
      if (req.n != null && req.n > 0) found = found.slice(-req.n);
    } else {
      const n = req.n ?? 10;
      found = n > 0 ? this.entries.slice(-n) : [];
    }
    return found.map((e) => [SessionHistory.SESSION, e.line, req.output ? [e.input, e.output] : e.input]);
  }
}
