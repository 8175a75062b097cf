import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zmq from "zeromq";
import { KERNEL_PRELOAD } from "@embedlab/kernel-ext";
import { decode, encode, newMessage, type JupyterMessage } from "./jupyter-messages";
import { freePorts } from "./free-ports";

/**
 * Node flags of every kernel the runner starts: stacks mapped to the TypeScript sources, kernel-ext's zeromq
 * guard, then the runner's own preload.
 */
export function kernelPreloadArgs(): string[] {
  return ["--enable-source-maps", "--require", KERNEL_PRELOAD, "--require", path.join(__dirname, "kernel-preload.js")];
}

export interface KernelOptions {
  /** Repository root: the kernel runs there so `require("@embedlab/lib")` resolves. */
  root: string;
  /** Full environment for the kernel process. */
  env: NodeJS.ProcessEnv;
  /** How long to wait for the kernel to answer its first request. */
  startupTimeoutS?: number;
  /** Idle kernel silent on the heartbeat channel this long → reported dead. */
  heartbeatTimeoutS?: number;
}

/** The kernel process exited or stopped answering. */
export class KernelDiedError extends Error {
  constructor(
    reason: string,
    readonly processOutput: string,
  ) {
    super(reason);
    this.name = "KernelDiedError";
  }
}
/** A cell ran longer than the per-cell limit. */
export class CellTimeoutError extends Error {
  constructor(readonly seconds: number) {
    super(`cell did not finish within ${seconds} s (raise it with --timeout <s>)`);
    this.name = "CellTimeoutError";
  }
}

export interface ExecuteReply {
  status: "ok" | "error" | "abort";
  executionCount: number | null;
}

const live = new Set<Kernel>();
let exitHooked = false;
function hookProcessExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on("exit", () => {
    for (const k of live) k.killNow();
  });
}

/** Kill every kernel this process started (used by signal handlers). */
export function killAllKernels(): void {
  for (const k of live) k.killNow();
}

/** Linux process state letter (R, S, D, T, Z…) from /proc, or null where unavailable. */
function processState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] ?? null;
  } catch {
    return null;
  }
}

/** One tslab kernel process and the client side of its five ZeroMQ channels. */
export class Kernel {
  private readonly session = randomUUID();
  private readonly key = randomBytes(32).toString("hex");
  private child!: ChildProcess;
  private shell!: zmq.Dealer;
  private control!: zmq.Dealer;
  private iopub!: zmq.Subscriber;
  private hb!: zmq.Dealer;
  private tmpDir = "";
  private outputTail = "";
  private deathReason: string | null = null;
  private deathListeners = new Set<(e: KernelDiedError) => void>();
  private replyWaiters = new Map<string, (m: JupyterMessage) => void>();
  private iopubListeners = new Map<string, (m: JupyterMessage) => void>();
  private sendChains = new Map<zmq.Dealer, Promise<unknown>>();
  private lastBeat = Date.now();
  private busy = false;
  private hbTimer: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(private readonly opts: KernelOptions) {}

  /** Start a fresh kernel and wait until both shell and iopub answer. Retries on a port clash. */
  static async start(opts: KernelOptions): Promise<Kernel> {
    hookProcessExit();
    let lastErr: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const k = new Kernel(opts);
      try {
        await k.boot();
        return k;
      } catch (err) {
        lastErr = err;
        await k.shutdown();
        if (!(err instanceof KernelDiedError && /address already in use/i.test(err.processOutput))) break;
      }
    }
    throw lastErr;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private async boot(): Promise<void> {
    const [shellPort, iopubPort, stdinPort, controlPort, hbPort] = await freePorts(5);
    this.tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-kernel-"));
    const configPath = path.join(this.tmpDir, "connection.json");
    fs.writeFileSync(
      configPath,
      JSON.stringify({
        shell_port: shellPort,
        iopub_port: iopubPort,
        stdin_port: stdinPort,
        control_port: controlPort,
        hb_port: hbPort,
        ip: "127.0.0.1",
        key: this.key,
        transport: "tcp",
        signature_scheme: "hmac-sha256",
        kernel_name: "tslab",
      }),
      { mode: 0o600 },
    );
    const tslabBin = path.join(this.opts.root, "node_modules", "tslab", "bin", "tslab");
    if (!fs.existsSync(tslabBin)) throw new Error(`tslab not found at ${tslabBin}; run npm install`);
    this.child = spawn(process.execPath, [...kernelPreloadArgs(), tslabBin, "kernel", "--config-path", configPath], {
      cwd: this.opts.root,
      env: this.opts.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    live.add(this);
    const keep = (b: Buffer) => {
      this.outputTail = (this.outputTail + b.toString()).slice(-8000);
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.child.on("exit", (code, signal) =>
      this.die(`kernel process exited (${signal ? `signal ${signal}` : `code ${code}`})`),
    );
    this.child.on("error", (err) => this.die(`kernel process could not start: ${err.message}`));

    const addr = (p: number) => `tcp://127.0.0.1:${p}`;
    this.shell = new zmq.Dealer({ routingId: `shell-${this.session.slice(0, 8)}`, linger: 0 });
    this.control = new zmq.Dealer({ routingId: `ctrl-${this.session.slice(0, 8)}`, linger: 0 });
    // No receive limit: a cell printing many lines must not lose output on our side.
    this.iopub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
    this.hb = new zmq.Dealer({ linger: 0 });
    this.shell.connect(addr(shellPort));
    this.control.connect(addr(controlPort));
    this.iopub.connect(addr(iopubPort));
    this.iopub.subscribe();
    this.hb.connect(addr(hbPort));
    void this.pump(this.shell, (m) => this.replyWaiters.get(m.parent_header.msg_id ?? "")?.(m));
    void this.pump(this.control, (m) => this.replyWaiters.get(m.parent_header.msg_id ?? "")?.(m));
    void this.pump(this.iopub, (m) => this.iopubListeners.get(m.parent_header.msg_id ?? "")?.(m));
    void this.pumpHeartbeat();

    // kernel_info_request until a reply arrives on shell AND a status message on iopub (so no output is lost).
    const timeoutMs = (this.opts.startupTimeoutS ?? 180) * 1000;
    const t0 = Date.now();
    let gotReply = false;
    let gotIopub = false;
    const ids: string[] = [];
    const onIopub = () => {
      gotIopub = true;
    };
    try {
      while (!(gotReply && gotIopub)) {
        if (this.deathReason) throw new KernelDiedError(`kernel failed to start: ${this.deathReason}`, this.outputTail);
        if (Date.now() - t0 > timeoutMs)
          throw new KernelDiedError(`kernel did not answer within ${timeoutMs / 1000} s of starting`, this.outputTail);
        const msg = newMessage(this.session, "kernel_info_request", {});
        ids.push(msg.header.msg_id);
        this.iopubListeners.set(msg.header.msg_id, onIopub);
        this.replyWaiters.set(msg.header.msg_id, () => {
          gotReply = true;
        });
        await this.send(this.shell, msg);
        await new Promise((r) => setTimeout(r, gotReply ? 200 : 1000));
      }
    } finally {
      for (const id of ids) {
        this.iopubListeners.delete(id);
        this.replyWaiters.delete(id);
      }
    }
    this.lastBeat = Date.now();
    this.startHeartbeatMonitor();
  }

  private async pump(sock: zmq.Dealer | zmq.Subscriber, handle: (m: JupyterMessage) => void): Promise<void> {
    try {
      for await (const frames of sock) {
        let msg: JupyterMessage;
        try {
          msg = decode(this.key, frames);
        } catch {
          continue; // unsigned or malformed: ignore, as the protocol asks
        }
        handle(msg);
      }
    } catch {
      /* socket closed */
    }
  }

  private async pumpHeartbeat(): Promise<void> {
    try {
      for await (const _frames of this.hb) this.lastBeat = Date.now();
    } catch {
      /* socket closed */
    }
  }

  private startHeartbeatMonitor(): void {
    const limitMs = (this.opts.heartbeatTimeoutS ?? 30) * 1000;
    this.hbTimer = setInterval(() => {
      if (this.closed || this.deathReason) return;
      void this.send(this.hb, null).catch(() => undefined);
      if (Date.now() - this.lastBeat <= limitMs) return;
      // A cell doing synchronous work blocks tslab's event loop, heartbeat included. So a silent kernel
      // is dead when idle, or when busy but its process is stopped or a zombie; a busy kernel that is
      // merely slow or hung is left to the cell timeout.
      const state = this.child?.pid ? processState(this.child.pid) : null;
      if (!this.busy) this.die(`kernel stopped answering heartbeats for ${limitMs / 1000} s`);
      else if (state && /^[TtZX]$/.test(state))
        this.die(
          `kernel stopped answering heartbeats for ${limitMs / 1000} s (process state ${state}: ${state === "Z" ? "zombie" : "stopped"})`,
        );
    }, 2000);
    this.hbTimer.unref();
  }

  private send(sock: zmq.Dealer, msg: JupyterMessage | null): Promise<unknown> {
    const frames = msg ? encode(this.key, msg) : [Buffer.alloc(0), Buffer.from("ping")];
    const prev = this.sendChains.get(sock) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => sock.send(frames));
    this.sendChains.set(sock, next);
    return next;
  }

  private die(reason: string): void {
    if (this.deathReason || this.closed) return;
    this.deathReason = reason;
    const err = new KernelDiedError(reason, this.outputTail);
    for (const l of this.deathListeners) l(err);
  }

  /** Run `code`; `onOutput` sees every iopub message for it. Resolves when the reply and the final idle status arrived. */
  async execute(code: string, onOutput: (m: JupyterMessage) => void, timeoutS: number): Promise<ExecuteReply> {
    if (this.deathReason) throw new KernelDiedError(this.deathReason, this.outputTail);
    const msg = newMessage(this.session, "execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
    const id = msg.header.msg_id;
    this.busy = true;
    let timer: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let onDeath: ((e: KernelDiedError) => void) | undefined;
    try {
      return await new Promise<ExecuteReply>((resolve, reject) => {
        let reply: ExecuteReply | null = null;
        let idle = false;
        const finish = () => {
          if (reply && idle) resolve(reply);
        };
        this.iopubListeners.set(id, (m) => {
          if (m.header.msg_type === "status") {
            if (m.content.execution_state === "idle") {
              idle = true;
              finish();
            }
            return;
          }
          onOutput(m);
        });
        this.replyWaiters.set(id, (m) => {
          const c = m.content as { status?: string; execution_count?: number };
          reply = {
            status: c.status === "ok" ? "ok" : c.status === "abort" ? "abort" : "error",
            executionCount: c.execution_count ?? null,
          };
          // If the idle status never shows up (lost on iopub), do not hang: accept the reply after a grace period.
          graceTimer = setTimeout(() => {
            idle = true;
            finish();
          }, 5000);
          finish();
        });
        onDeath = (e) => reject(e);
        this.deathListeners.add(onDeath);
        timer = setTimeout(() => reject(new CellTimeoutError(timeoutS)), timeoutS * 1000);
        this.send(this.shell, msg).catch(reject);
      });
    } finally {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      if (onDeath) this.deathListeners.delete(onDeath);
      this.iopubListeners.delete(id);
      this.replyWaiters.delete(id);
      this.busy = false;
      this.lastBeat = Date.now();
    }
  }

  /** Ask politely (shutdown_request on control), then SIGTERM, then SIGKILL the kernel's process group. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    const exited = () => !this.child || this.child.exitCode !== null || this.child.signalCode !== null;
    const waitExit = (ms: number) =>
      new Promise<boolean>((resolve) => {
        if (exited()) return resolve(true);
        const t = setTimeout(() => resolve(exited()), ms);
        this.child.once("exit", () => {
          clearTimeout(t);
          resolve(true);
        });
      });
    if (this.child && !exited() && !this.deathReason && this.control) {
      await Promise.race([
        this.send(this.control, newMessage(this.session, "shutdown_request", { restart: false })).catch(
          () => undefined,
        ),
        new Promise((r) => setTimeout(r, 500)),
      ]);
      if (!(await waitExit(1500))) this.signal("SIGTERM");
    } else if (this.child && !exited()) {
      this.signal("SIGTERM");
    }
    if (this.child && !(await waitExit(2000))) {
      this.signal("SIGKILL");
      await waitExit(2000);
    }
    // tslab's process may already be gone while something it started lingers in its group.
    this.signal("SIGKILL");
    this.closed = true;
    if (this.hbTimer) clearInterval(this.hbTimer);
    for (const s of [this.shell, this.control, this.iopub, this.hb]) {
      try {
        s?.close();
      } catch {
        /* already closed */
      }
    }
    if (this.tmpDir) fs.rmSync(this.tmpDir, { recursive: true, force: true });
    live.delete(this);
  }

  /** Synchronous last-resort kill (process exit handlers). */
  killNow(): void {
    this.signal("SIGKILL");
    if (this.tmpDir) fs.rmSync(this.tmpDir, { recursive: true, force: true });
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    }
  }
}
