import { formatProgress, textProgress, type ProgressReporter } from "@embedlab/lib";
import { inKernel, newLiveDisplay } from "./kernel";
import { escapeHtml } from "./mime";

export interface ProgressOptions {
  /** Outside a kernel: where text lines go (default stderr). */
  write?: (line: string) => void;
  /** Outside a kernel: at most one line per this many ms (default 5000; the final line always). */
  intervalMs?: number;
  /** Inside a kernel: at most one display update per this many ms (default 250, i.e. ≤ 4/s). */
  liveIntervalMs?: number;
}

/** A live bar in one notebook output (HTML `<progress>` + the text line), updated in place. */
export function liveProgress(total: number, label: string, liveIntervalMs = 250): ProgressReporter {
  const display = newLiveDisplay();
  const start = Date.now();
  let done = 0;
  let lastInfo: string | undefined;
  let last = 0;
  let finished = false;
  const show = (final: boolean) => {
    const elapsed = (Date.now() - start) / 1000;
    const line = formatProgress(label, done, total, elapsed, lastInfo);
    const max = Math.max(total, 1);
    const value = Math.min(done, max);
    const html =
      `<div class="embedlab-progress" style="font-family:monospace;font-size:12px">` +
      `<progress value="${value}" max="${max}" style="width:240px;vertical-align:middle"></progress> ` +
      `<span>${escapeHtml(line)}${final ? " ✓" : ""}</span></div>`;
    display.update({ "text/html": html, "text/plain": line });
  };
  show(false);
  last = Date.now();
  return {
    tick(n = 1, info?: string) {
      if (finished) return;
      done += n;
      if (info !== undefined) lastInfo = info;
      const now = Date.now();
      if (now - last >= liveIntervalMs) {
        last = now;
        show(false);
      }
    },
    done(info?: string) {
      if (finished) return;
      finished = true;
      if (info !== undefined) lastInfo = info;
      show(true);
    },
  };
}

/**
 * Start a progress bar for `total` units of work: a live bar inside a tslab kernel, plain text lines
 * (lib's `textProgress`) anywhere else.
 */
export function progress(total: number, label: string, opts: ProgressOptions = {}): ProgressReporter {
  if (inKernel()) return liveProgress(total, label, opts.liveIntervalMs);
  return textProgress(total, label, opts.intervalMs, opts.write);
}
