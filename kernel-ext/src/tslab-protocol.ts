/**
 * The Jupyter protocol on top of tslab's kernel, patched in at load time (kernel-preload.ts).
 *
 * tslab 1.0.22 answers kernel_info without `status`, prints a cell's last value on stdout and a
 * failing cell's error on stderr (reply `status: "error"` and nothing else), never publishes
 * `execute_input`, answers `is_complete` only complete/incomplete, ignores `history_request`, and
 * after an error aborts *every* execute request for 200 ms (a client that sends the next cell 50 ms
 * after the error reply, as nbclient does, gets it aborted). Jupyter's own tools (nbclient, nbconvert,
 * jupyter_kernel_test) rely on all of these. Here:
 *
 * - tslab's executor gets a console of ours: what it would print (the last expression's value, a
 *   thrown value, TypeScript diagnostics) is captured instead, per cell, and sent as `execute_result`
 *   (text/plain) or as an `error` message + error reply (ename / evalue / traceback);
 * - ZmqServer's shell handler is replaced: execute requests run one at a time, with `execute_input`
 *   and `execution_count`; kernel_info has `status`; is_complete says `invalid` for code that does not
 *   parse; history_request reads the session history; comm_info answers `comm_info_reply`;
 * - after an error (stop_on_error), only the execute requests received before its reply is sent
 *   are aborted. A request sent after the client saw the reply runs.
 *
 * tslab's modules are patched whichever copy loads (a local tslab found from the notebook's
 * directory, or the repository's): by file name, when Node compiles them.
 */
import { createHmac, randomBytes } from "node:crypto";
import Module from "node:module";
import * as path from "node:path";
import {
  SessionHistory,
  compileError,
  isCompleteReply,
  resultBundle,
  thrownError,
  type CellDiagnostic,
  type ErrorContent,
  type HistoryRequest,
} from "./protocol";

const PATCHED = Symbol.for("embedlab.tslabProtocol");
const CAPTURED = Symbol.for("embedlab.capturedExecute");
const DELIM = Buffer.from("<IDS|MSG>");
/** The kernel process's real stderr, for the kernel's own warnings (cells redirect process.stderr). */
const kernelStderr = process.stderr.write.bind(process.stderr);
const warn = (text: string) => void kernelStderr(`[embedlab kernel] ${text}\n`);

// ---- tslab's shapes (tslab/dist/executor.js, jupyter.js) ----------------------------------------

interface ConsoleLike {
  log: (...args: unknown[]) => void;
  error: (...args: unknown[]) => void;
}
interface TslabExecutor {
  execute(src: string): Promise<boolean>;
  interrupt(): void;
  [CAPTURED]?: (src: string) => Promise<CellOutcome>;
}
interface ExecutorModule {
  createExecutor: (rootDir: string, convs: unknown, console: ConsoleLike) => TslabExecutor;
}
interface TslabHandler {
  execCount: number;
  executor: TslabExecutor;
  handleKernel(): Record<string, unknown>;
  handleIsComplete(req: { code: string }): { status: string; indent?: string };
  handleInspect(req: unknown): Record<string, unknown>;
  handleComplete(req: unknown): Record<string, unknown>;
  createWriteToIopub(name: string, write: (name: string, text: string) => void): typeof process.stdout.write;
}
interface Sendable {
  send(frames: (Buffer | string)[]): unknown;
}
interface TslabServer {
  handler: TslabHandler;
  connInfo: { key: string };
  iopub: Sendable;
  close(): void;
  handleShellMessage(sock: Sendable, ...frames: Buffer[]): Promise<void>;
  [PATCHED]?: ServerState;
}
interface JupyterModule {
  ZmqServer: { prototype: TslabServer };
  lastWriteDisplayData: unknown;
}

// ---- the executor: capture what tslab would print -------------------------------------------------

/** What one cell did, as tslab's executor reported it to its console. */
export interface CellOutcome {
  ok: boolean;
  /** The cell's last expression had a value (not null/undefined): that value. */
  hasValue: boolean;
  value?: unknown;
  /** Why it failed (a thrown value, TypeScript diagnostics); null when ok. */
  error: ErrorContent | null;
  /** Diagnostics of a `%module` cell (it still counts as ok, as in tslab). */
  warnings: string[];
}

/** printDiagnostics' format call: ("%s%d:%d - %s", file prefix, line, column, message). */
function asDiagnostic(args: unknown[]): CellDiagnostic | null {
  if (args.length !== 5 || args[0] !== "%s%d:%d - %s") return null;
  const prefix = String(args[1]).trim();
  return {
    fileName: prefix || undefined,
    line: Number(args[2]) - 1,
    character: Number(args[3]) - 1,
    messageText: String(args[4]),
  };
}

/** Wrap tslab's createExecutor so each executor also has a capturing execute. Idempotent. */
export function patchExecutorModule(mod: ExecutorModule): boolean {
  const create = mod.createExecutor;
  if (typeof create !== "function" || (create as unknown as Record<symbol, unknown>)[PATCHED]) return false;
  const patched = function (rootDir: string, convs: unknown, console: ConsoleLike): TslabExecutor {
    let capture: { values: unknown[]; thrown: unknown[]; diags: CellDiagnostic[]; other: string[] } | null = null;
    const ours: ConsoleLike = {
      log: (...args) => (capture ? capture.values.push(args[0]) : console.log(...args)),
      error: (...args) => {
        if (!capture) return console.error(...args);
        const d = asDiagnostic(args);
        if (d) capture.diags.push(d);
        else if (args.length === 1) capture.thrown.push(args[0]);
        else capture.other.push(args.map(String).join(" "));
      },
    };
    const executor = create(rootDir, convs, ours);
    const execute = executor.execute.bind(executor);
    executor[CAPTURED] = async (src: string): Promise<CellOutcome> => {
      const cap = (capture = {
        values: [] as unknown[],
        thrown: [] as unknown[],
        diags: [] as CellDiagnostic[],
        other: [] as string[],
      });
      let ok: boolean;
      try {
        ok = await execute(src);
      } catch (err) {
        ok = false; // tslab's converter itself threw (e.g. its file watcher's "Unexpected pending rebuildTimer")
        cap.thrown.push(err);
      } finally {
        capture = null;
      }
      const warnings = cap.diags.map(
        (d) => `${d.fileName ? d.fileName + " " : ""}${d.line + 1}:${d.character + 1} - ${d.messageText}`,
      );
      if (ok)
        return {
          ok,
          hasValue: cap.values.length > 0,
          value: cap.values[0],
          error: null,
          warnings: [...warnings, ...cap.other],
        };
      const error =
        cap.thrown.length > 0
          ? thrownError(cap.thrown[0])
          : cap.diags.length > 0
            ? compileError(cap.diags, src)
            : { ename: "Error", evalue: cap.other.join("\n") || "the cell failed", traceback: cap.other };
      return { ok, hasValue: false, error, warnings: [] };
    };
    return executor;
  };
  Object.defineProperty(patched, PATCHED, { value: true });
  mod.createExecutor = patched;
  return true;
}

// ---- the wire format (as tslab's ZmqMessage, which it does not export) ----------------------------

/** A Jupyter message header (protocol v5.3). */
export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}
interface Message {
  identity: Buffer[];
  header: MessageHeader;
  parent: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
}

function parse(key: string, frames: Buffer[]): Message {
  const at = frames.findIndex((f) => f.equals(DELIM));
  if (at < 0) throw new Error("message missing delimiter");
  const parts = frames.slice(at + 2, at + 6);
  if (parts.length < 4) throw new Error("message has fewer than 4 parts");
  if (key) {
    const hash = createHmac("sha256", key);
    for (const p of parts) hash.update(p);
    if (hash.digest("hex") !== frames[at + 1].toString()) throw new Error("invalid hmac");
  }
  const [header, parent, metadata, content] = parts.map((p) => JSON.parse(p.toString()) as Record<string, unknown>);
  return { identity: frames.slice(0, at), header: header as unknown as MessageHeader, parent, metadata, content };
}

function send(
  key: string,
  sock: Sendable,
  parent: Message,
  msgType: string,
  content: Record<string, unknown>,
  identity = parent.identity,
): void {
  const header: MessageHeader = {
    msg_id: randomBytes(16).toString("hex"),
    msg_type: msgType,
    session: parent.header.session,
    username: parent.header.username,
    date: new Date().toISOString(),
    version: "5.3",
  };
  const bodies = [header, parent.header, {}, content].map((b) => JSON.stringify(b));
  const hash = createHmac("sha256", key);
  for (const b of bodies) hash.update(b);
  const signature = key ? hash.digest("hex") : "";
  try {
    const sent = sock.send([...identity, DELIM, signature, ...bodies]);
    if (sent && typeof (sent as Promise<void>).catch === "function")
      (sent as Promise<void>).catch((e: Error) => warn(`sending ${msgType} failed: ${e.message}`));
  } catch (e) {
    warn(`sending ${msgType} failed: ${(e as Error).message}`);
  }
}

// ---- the shell handler ----------------------------------------------------------------------------

interface ServerState {
  history: SessionHistory;
  /** Execute requests received so far (each gets the next number). */
  received: number;
  /** Execute requests numbered up to this one are aborted (set when a cell fails). */
  abortThrough: number;
  queue: Promise<void>;
  jupyter: JupyterModule;
  parseErrors: (code: string) => readonly unknown[];
  /** The TypeScript version tslab compiles with (kernel_info's language_info.version). */
  tsVersion?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stateOf(server: TslabServer, jupyter: JupyterModule, parseErrors: ServerState["parseErrors"]): ServerState {
  let st = server[PATCHED];
  if (!st) {
    st = {
      history: new SessionHistory(),
      received: 0,
      abortThrough: 0,
      queue: Promise.resolve(),
      jupyter,
      parseErrors,
      tsVersion: (parseErrors as { tsVersion?: string }).tsVersion,
    };
    Object.defineProperty(server, PATCHED, { value: st });
  }
  return st;
}

async function runExecute(
  server: TslabServer,
  st: ServerState,
  sock: Sendable,
  msg: Message,
  seq: number,
): Promise<void> {
  const key = server.connInfo.key;
  const iopub = (type: string, content: Record<string, unknown>) => send(key, server.iopub, msg, type, content, []);
  const reply = (content: Record<string, unknown>) => send(key, sock, msg, "execute_reply", content);
  const handler = server.handler;
  const c = msg.content as {
    code?: string;
    silent?: boolean;
    store_history?: boolean;
    stop_on_error?: boolean;
    user_expressions?: Record<string, string>;
  };
  const code = String(c.code ?? "");
  const silent = c.silent === true;
  const storeHistory = !silent && c.store_history !== false;
  iopub("status", { execution_state: "busy" });
  try {
    if (seq <= st.abortThrough) {
      reply({ status: "abort" });
      return;
    }
    const count = storeHistory ? ++handler.execCount : handler.execCount;
    if (!silent) iopub("execute_input", { code, execution_count: count });
    // As tslab: output written later (timers, unawaited promises) still goes to this cell.
    const writeStream = (name: string, text: string) => iopub("stream", { name, text });
    process.stdout.write = handler.createWriteToIopub("stdout", writeStream);
    process.stderr.write = handler.createWriteToIopub("stderr", writeStream);
    st.jupyter.lastWriteDisplayData = (data: Record<string, unknown>, update: boolean) =>
      iopub(update ? "update_display_data" : "display_data", data);
    const outcome = await executeCell(handler.executor, code);
    for (const w of outcome.warnings) writeStream("stderr", w + "\n");
    const userExpressions = Object.fromEntries(
      Object.keys(c.user_expressions ?? {}).map((k) => [
        k,
        {
          status: "error",
          ename: "NotImplementedError",
          evalue: "user_expressions are not supported by this kernel",
          traceback: [],
        },
      ]),
    );
    if (outcome.ok) {
      let text: string | null = null;
      if (outcome.hasValue && !silent) {
        const data = resultBundle(outcome.value);
        text = String(data["text/plain"]);
        iopub("execute_result", { execution_count: count, data, metadata: {} });
      }
      if (storeHistory) st.history.add({ line: count, input: code, output: text });
      reply({ status: "ok", execution_count: count, payload: [], user_expressions: userExpressions });
      return;
    }
    const error = outcome.error ?? { ename: "Error", evalue: "the cell failed", traceback: [] };
    if (storeHistory) st.history.add({ line: count, input: code, output: null });
    if (!silent) iopub("error", { ...error });
    if (c.stop_on_error !== false) {
      // Abort what was sent before this reply: let every request already on its way be received
      // (the shell socket is read on other turns of the event loop), then reply.
      let seen: number;
      do {
        seen = st.received;
        await sleep(2);
      } while (seen !== st.received);
      st.abortThrough = st.received;
    }
    reply({ status: "error", execution_count: count, ...error, user_expressions: userExpressions });
  } catch (err) {
    warn(`execute_request failed inside the kernel: ${(err as Error)?.stack ?? String(err)}`);
    reply({ status: "error", execution_count: handler.execCount, ...thrownError(err) });
  } finally {
    iopub("status", { execution_state: "idle" });
  }
}

async function executeCell(executor: TslabExecutor, code: string): Promise<CellOutcome> {
  const captured = executor[CAPTURED];
  if (captured) return captured(code);
  // The executor was created before our patch (should not happen): tslab's own printing.
  const ok = await executor.execute(code);
  return {
    ok,
    hasValue: false,
    error: ok ? null : { ename: "Error", evalue: "the cell failed (see stderr)", traceback: [] },
    warnings: [],
  };
}

function handleOther(server: TslabServer, st: ServerState, sock: Sendable, msg: Message): void {
  const key = server.connInfo.key;
  const type = msg.header.msg_type;
  const reply = (content: Record<string, unknown>) =>
    send(key, sock, msg, type.replace(/_request$/, "_reply"), content);
  const handler = server.handler;
  switch (type) {
    case "kernel_info_request": {
      const info = handler.handleKernel();
      reply({
        status: "ok",
        ...info,
        language_info: { ...(info.language_info as object), ...(st.tsVersion ? { version: st.tsVersion } : {}) },
        banner: `${String(info.banner ?? "TypeScript")} (embedlab kernel: tslab with the full Jupyter protocol)`,
        debugger: false,
        help_links: [],
      });
      return;
    }
    case "is_complete_request": {
      const req = msg.content as { code: string };
      reply(isCompleteReply(String(req.code ?? ""), handler.handleIsComplete(req), st.parseErrors));
      return;
    }
    case "inspect_request":
      reply(handler.handleInspect(msg.content));
      return;
    case "complete_request":
      reply(handler.handleComplete(msg.content));
      return;
    case "history_request":
      reply({ status: "ok", history: st.history.query(msg.content as HistoryRequest) });
      return;
    case "comm_info_request":
      reply({ status: "ok", comms: {} });
      return;
    case "interrupt_request":
      handler.executor.interrupt();
      reply({ status: "ok" });
      return;
    case "shutdown_request":
      reply({ status: "ok", restart: (msg.content as { restart?: boolean }).restart === true });
      return;
    default:
      warn(`unknown msg_type: ${type}`);
  }
}

/** Replace tslab's ZmqServer shell handler (and its execute path) with ours. Idempotent. */
export function patchJupyterModule(jupyter: JupyterModule, parseErrors: ServerState["parseErrors"]): boolean {
  const proto = jupyter.ZmqServer?.prototype;
  if (
    !proto ||
    typeof proto.handleShellMessage !== "function" ||
    (proto.handleShellMessage as unknown as Record<symbol, unknown>)[PATCHED]
  )
    return false;
  const handleShellMessage = async function (this: TslabServer, sock: Sendable, ...frames: Buffer[]): Promise<void> {
    let msg: Message;
    try {
      msg = parse(this.connInfo.key, frames);
    } catch (err) {
      warn(`ignored a message: ${(err as Error).message}`);
      return;
    }
    const st = stateOf(this, jupyter, parseErrors);
    if (msg.header.msg_type === "execute_request") {
      const seq = ++st.received;
      const run = st.queue.then(() => runExecute(this, st, sock, msg, seq));
      st.queue = run.catch(() => undefined);
      return run;
    }
    const key = this.connInfo.key;
    send(key, this.iopub, msg, "status", { execution_state: "busy" }, []);
    try {
      handleOther(this, st, sock, msg);
    } catch (err) {
      const e = thrownError(err);
      warn(`${msg.header.msg_type} failed: ${e.traceback.join("\n")}`);
      send(key, sock, msg, msg.header.msg_type.replace(/_request$/, "_reply"), { status: "error", ...e });
    } finally {
      send(key, this.iopub, msg, "status", { execution_state: "idle" }, []);
    }
    if (msg.header.msg_type === "shutdown_request") this.close();
  };
  Object.defineProperty(handleShellMessage, PATCHED, { value: true });
  proto.handleShellMessage = handleShellMessage;
  return true;
}

/** TypeScript's parse errors for a cell, with the TypeScript tslab ships (found next to its jupyter.js). */
function tslabParseErrors(jupyterFile: string): ServerState["parseErrors"] & { tsVersion?: string } {
  try {
    const ts = require(
      require.resolve("@tslab/typescript-for-tslab", { paths: [path.dirname(jupyterFile)] }),
    ) as typeof import("typescript");
    const parseErrors = (code: string) =>
      (
        ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS) as unknown as {
          parseDiagnostics: unknown[];
        }
      ).parseDiagnostics ?? [];
    return Object.assign(parseErrors, { tsVersion: ts.version });
  } catch {
    return () => [];
  }
}

const TSLAB_FILE = /[\\/]tslab[\\/]dist[\\/](jupyter|executor)\.js$/;

/**
 * Patch tslab's jupyter.js and executor.js when Node loads them (any copy of tslab). Call before
 * tslab loads (the kernel preload). Returns false when already installed.
 */
export function patchTslabOnLoad(): boolean {
  const extensions = (Module as unknown as { _extensions: Record<string, (m: NodeModule, file: string) => void> })
    ._extensions;
  const loadJs = extensions[".js"];
  if ((loadJs as unknown as Record<symbol, unknown>)[PATCHED]) return false;
  const patched = function (m: NodeModule, file: string): void {
    loadJs(m, file);
    const hit = TSLAB_FILE.exec(file);
    if (!hit) return;
    try {
      if (hit[1] === "executor") patchExecutorModule(m.exports as ExecutorModule);
      else patchJupyterModule(m.exports as JupyterModule, tslabParseErrors(file));
    } catch (err) {
      warn(`could not extend tslab's ${hit[1]}.js: ${(err as Error).message}`);
    }
  };
  Object.defineProperty(patched, PATCHED, { value: true });
  extensions[".js"] = patched;
  return true;
}

/** Exposed for tests: is this tslab module patched? */
export function isPatched(fn: unknown): boolean {
  return typeof fn === "function" && (fn as unknown as Record<symbol, unknown>)[PATCHED] === true;
}
