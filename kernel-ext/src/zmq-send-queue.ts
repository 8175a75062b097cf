/**
 * Why a kernel died with "Socket is busy writing" (zeromq EBUSY), and the guard against it.
 *
 * zeromq 6 sends synchronously at most 512 times in a row on a socket; the 513th send is deferred to
 * a later turn of the event loop, and until it has gone out *any* further `send()` on that socket
 * throws EBUSY. The counter is only reset by such a deferred send (or a receive), so on tslab's
 * iopub socket (send only) every 513th message is deferred. tslab calls `send()` without awaiting
 * and without a catch: when another message followed in the same turn (status + execute_input,
 * two tables shown in a row, a progress update next to a print), the kernel died. Whether that
 * happened depended on how many progress updates came before, i.e. on timing — a flaky crash.
 *
 * The guard wraps `send` of the socket classes: a send that would throw EBUSY is queued instead and
 * goes out, in order, after the deferred one. Nothing changes while the socket is not busy.
 *
 * A second, quieter loss on the same socket: a PUB socket drops messages once 1,000 (its default
 * high-water mark) are waiting for zeromq's I/O thread, so a burst of outputs could lose the last
 * progress update or even the "idle" status a client waits for. `unboundedPublishers` makes tslab's
 * publisher queue without limit (nothing is queued while no client is connected).
 */
import * as path from "node:path";

type SendFn = (this: object, msg: unknown, ...rest: unknown[]) => Promise<void>;
type BindFn = (this: { sendHighWaterMark: number }, address: string) => Promise<void>;
interface SocketClass {
  prototype: { send?: SendFn };
}
interface Pending {
  msg: unknown;
  rest: unknown[];
  resolve: (value: Promise<void>) => void;
  reject: (err: unknown) => void;
}
/** A socket's last send, and the sends waiting behind it (a drain runs exactly while this is non-empty). */
interface SocketState {
  inFlight: Promise<void> | undefined;
  queue: Pending[];
}

const GUARDED = Symbol.for("embedlab.zmqSendQueue");
const states = new WeakMap<object, SocketState>();

function isBusy(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "EBUSY";
}

function stateOf(socket: object): SocketState {
  let st = states.get(socket);
  if (!st) states.set(socket, (st = { inFlight: undefined, queue: [] }));
  return st;
}

async function drain(socket: object, st: SocketState, send: SendFn): Promise<void> {
  while (st.queue.length > 0) {
    await st.inFlight?.catch(() => undefined);
    const next = st.queue[0];
    try {
      st.inFlight = send.call(socket, next.msg, ...next.rest);
    } catch (err) {
      if (isBusy(err)) {
        await new Promise((resolve) => setImmediate(resolve)); // still busy: try again next turn
        continue;
      }
      st.queue.shift();
      next.reject(err);
      continue;
    }
    st.queue.shift();
    next.resolve(st.inFlight);
  }
}

/**
 * Make `send` on these zeromq socket classes queue instead of throwing EBUSY. Returns how many classes
 * were guarded now (0 when all already were, or none has a `send`).
 */
export function queueSendsWhenBusy(classes: SocketClass[]): number {
  let guarded = 0;
  for (const cls of classes) {
    const proto = cls.prototype;
    const send = proto.send;
    if (typeof send !== "function" || (send as unknown as Record<symbol, unknown>)[GUARDED]) continue;
    const queued: SendFn = function (this: object, msg: unknown, ...rest: unknown[]): Promise<void> {
      const st = stateOf(this);
      if (st.queue.length === 0) {
        try {
          const p = send.call(this, msg, ...rest);
          st.inFlight = p;
          return p;
        } catch (err) {
          if (!isBusy(err)) throw err;
        }
      }
      return new Promise<void>((resolve, reject) => {
        if (st.queue.push({ msg, rest, resolve, reject }) === 1) void drain(this, st, send);
      });
    };
    Object.defineProperty(queued, GUARDED, { value: true });
    // The native method is read-only on the base class; a property on each socket class shadows it.
    Object.defineProperty(proto, "send", { value: queued, writable: true, configurable: true, enumerable: false });
    guarded++;
  }
  return guarded;
}

/**
 * Publishers of this class bind with no send high-water mark (queue, never drop). Returns false when
 * the class was already patched or has no `bind`.
 */
export function unboundedPublishers(cls: SocketClass & { prototype: { bind?: BindFn } }): boolean {
  const proto = cls.prototype;
  const bind = proto.bind;
  if (typeof bind !== "function" || (bind as unknown as Record<symbol, unknown>)[GUARDED]) return false;
  const unbounded: BindFn = function (this: { sendHighWaterMark: number }, address: string): Promise<void> {
    this.sendHighWaterMark = 0;
    return bind.call(this, address);
  };
  Object.defineProperty(unbounded, GUARDED, { value: true });
  Object.defineProperty(proto, "bind", { value: unbounded, writable: true, configurable: true, enumerable: false });
  return true;
}

/** The zeromq socket classes tslab's kernel uses (iopub, shell/control/stdin, heartbeat). */
export const TSLAB_SOCKET_CLASSES = ["Publisher", "Router", "Reply"] as const;

/**
 * Guard the zeromq module that tslab loads (tslab found from `root` upwards, by default from this
 * package, i.e. the repository's node_modules). Returns false when tslab or zeromq cannot be found.
 */
export function guardTslabSockets(root: string = __dirname): boolean {
  let zmq: Record<string, unknown>;
  try {
    const tslabDir = path.dirname(require.resolve("tslab/package.json", { paths: [root] }));
    zmq = require(require.resolve("zeromq", { paths: [tslabDir] })) as Record<string, unknown>;
  } catch {
    return false;
  }
  const classes = TSLAB_SOCKET_CLASSES.map((name) => zmq[name]).filter(
    (c): c is SocketClass => typeof c === "function",
  );
  queueSendsWhenBusy(classes);
  if (typeof zmq.Publisher === "function") unboundedPublishers(zmq.Publisher as SocketClass);
  return classes.length === TSLAB_SOCKET_CLASSES.length;
}
