/**
 * Talking to the tslab kernel we run in, if any.
 *
 * tslab's public `display.raw(type, data)` sends one mime type per message, and `text/plain`-less JSON
 * as a string; a notebook needs ONE output holding several representations (vega-lite JSON object +
 * SVG + PNG + text). So we call the same hook tslab's `display` uses — `lastWriteDisplayData` of
 * `tslab/dist/jupyter.js`, set by the kernel at the start of every execute request — with a full
 * bundle. We find that module in `require.cache` (whichever tslab copy started the kernel), so this
 * works for a local or a global tslab.
 */
import { randomBytes } from "node:crypto";
import type { MimeBundle } from "./mime";

/** The message content tslab's kernel publishes as `display_data` / `update_display_data`. */
export interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}
type WriteDisplayData = (msg: DisplayMessage, update: boolean) => void;
interface TslabJupyterModule {
  lastWriteDisplayData: WriteDisplayData | null;
}

const JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;
let found: TslabJupyterModule | null = null;

function tslabJupyter(): TslabJupyterModule | null {
  if (found && typeof found.lastWriteDisplayData === "function") return found;
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!mod || !JUPYTER_MODULE.test(file)) continue;
    const exp = mod.exports as Partial<TslabJupyterModule> | undefined;
    if (exp && typeof exp.lastWriteDisplayData === "function") {
      found = exp as TslabJupyterModule;
      return found;
    }
  }
  return null;
}

function writer(): WriteDisplayData | null {
  const j = tslabJupyter();
  return j && typeof j.lastWriteDisplayData === "function" ? j.lastWriteDisplayData : null;
}

/** True inside a running tslab kernel that can show rich output (a cell has started executing). */
export function inKernel(): boolean {
  return writer() !== null;
}

/** Convert binary payloads to base64, as the Jupyter protocol wants. */
function encode(bundle: MimeBundle | Record<string, string | object | Uint8Array>): MimeBundle {
  const out: MimeBundle = {};
  for (const [k, v] of Object.entries(bundle)) {
    out[k] = v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64") : v;
  }
  return out;
}

/**
 * Show a bundle as one output. In a kernel: one `display_data` message (with `metadata`, e.g.
 * `{ "image/png": { width, height } }`). Outside: its `text/plain` (or `text/markdown`) on stdout via `log`.
 */
export function displayBundle(
  bundle: MimeBundle | Record<string, string | object | Uint8Array>,
  log: (line: string) => void = (l) => process.stdout.write(l + "\n"),
  metadata: Record<string, unknown> = {},
): void {
  const write = writer();
  if (write) {
    write({ data: encode(bundle), metadata, transient: {} }, false);
    return;
  }
  const text = bundle["text/plain"] ?? bundle["text/markdown"];
  log(typeof text === "string" ? text : `[${Object.keys(bundle).join(", ")}]`);
}

/** One output that can be replaced in place (a live progress bar, a chart that refreshes). */
export interface LiveDisplay {
  readonly id: string;
  /** Show `bundle`: the first call creates the output, later calls replace it. False outside a kernel. */
  update(bundle: MimeBundle): boolean;
}

/** A display that updates one output in place (Jupyter `display_id`), like tslab's `newDisplay()`. */
export function newLiveDisplay(): LiveDisplay {
  const id = randomBytes(8).toString("hex");
  let shown = false;
  return {
    id,
    update(bundle: MimeBundle): boolean {
      const write = writer();
      if (!write) return false;
      write({ data: encode(bundle), metadata: {}, transient: { display_id: id } }, shown);
      shown = true;
      return true;
    },
  };
}
