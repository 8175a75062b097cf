/**
 * Progress reporting. Library code calls `progress(total, label)` around long work; what the user sees
 * depends on the installed factory: plain text lines by default, a live bar in a notebook
 * (`@embedlab/kernel-ext` installs one when it is imported inside a kernel).
 */
export interface ProgressReporter {
  /** Advance by `n` (default 1); `info` is a short status such as "loss 0.42". */
  tick(n?: number, info?: string): void;
  /** Finish the bar (idempotent). */
  done(info?: string): void;
}
export type ProgressFactory = (total: number, label: string) => ProgressReporter;

function fmtSeconds(s: number): string {
  return s < 60
    ? `${s.toFixed(0)}s`
    : `${Math.floor(s / 60)}m${Math.round(s % 60)
        .toString()
        .padStart(2, "0")}s`;
}

/** Render one progress line: `label [#####.....] 50/100 12s<12s info`. */
export function formatProgress(label: string, done: number, total: number, elapsedS: number, info?: string): string {
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const width = 24;
  const filled = Math.round(frac * width);
  const eta = frac > 0 && frac < 1 ? `<${fmtSeconds((elapsedS / frac) * (1 - frac))}` : "";
  return `${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${fmtSeconds(elapsedS)}${eta}${info ? " " + info : ""}`;
}

/** Text progress: a line at most every `intervalMs` and one at the end (for logs and plain `node`). */
export function textProgress(
  total: number,
  label: string,
  intervalMs = 5000,
  write: (line: string) => void = (l) => process.stderr.write(l + "\n"),
): ProgressReporter {
  const start = Date.now();
  let done = 0;
  let last = 0;
  let finished = false;
  return {
    tick(n = 1, info?: string) {
      done += n;
      const now = Date.now();
      if (now - last >= intervalMs) {
        last = now;
        write(formatProgress(label, done, total, (now - start) / 1000, info));
      }
    },
    done(info?: string) {
      if (finished) return;
      finished = true;
      write(formatProgress(label, done, total, (Date.now() - start) / 1000, info));
    },
  };
}

let factory: ProgressFactory = (total, label) => textProgress(total, label);

/** Install how progress is shown (kernel-ext does this inside a notebook). */
export function setProgressFactory(f: ProgressFactory): void {
  factory = f;
}

/** Start a progress bar for `total` units of work. */
export function progress(total: number, label: string): ProgressReporter {
  return factory(total, label);
}
