import * as os from "node:os";
import type { CellError } from "./error-text";

/** The run was stopped by a signal (Ctrl-C, SIGTERM); the reason of the runner's AbortSignal. */
export class RunInterrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`run interrupted by ${signal}`);
    this.name = "RunInterrupted";
  }
}

/** The exit status shells give a process killed by `sig`: 128 + its number (SIGINT 130, SIGTERM 143). */
export function signalExitCode(sig: NodeJS.Signals): number {
  return 128 + (os.constants.signals[sig] ?? 0);
}

/** The error output recorded in the cell a run stopped in. */
export function interruptedCellError(reason: unknown): CellError {
  const sig = reason instanceof RunInterrupted ? reason.signal : "a signal";
  const evalue = `run interrupted by ${sig} while this cell ran (the kernel was stopped)`;
  return { ename: "Interrupted", evalue, traceback: [`Interrupted: ${evalue}`] };
}

/**
 * SIGINT/SIGTERM handling for a run: the first signal aborts `signal` (with a RunInterrupted) and calls
 * `onFirst` (stop the kernels), so the run can write its partial notebook and exit; a second signal, or
 * no exit within `graceMs`, exits at once with the signal's status.
 */
export class Interruption {
  private readonly controller = new AbortController();
  private received: NodeJS.Signals | null = null;
  private readonly handler = (sig: NodeJS.Signals) => this.onSignal(sig);

  constructor(
    private readonly onFirst: (sig: NodeJS.Signals) => void,
    private readonly graceMs = 15_000,
  ) {
    process.on("SIGINT", this.handler);
    process.on("SIGTERM", this.handler);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The first signal received, or null. */
  get by(): NodeJS.Signals | null {
    return this.received;
  }

  private onSignal(sig: NodeJS.Signals): void {
    if (this.received) {
      console.error(`\n${sig} again: exiting now (the partial notebook may still say "running")`);
      this.onFirst(sig);
      process.exit(signalExitCode(this.received));
    }
    this.received = sig;
    this.controller.abort(new RunInterrupted(sig));
    this.onFirst(sig);
    setTimeout(() => {
      console.error(`\ninterrupted (${sig}) but the run did not stop within ${this.graceMs / 1000} s: exiting now`);
      process.exit(signalExitCode(sig));
    }, this.graceMs).unref();
  }

  dispose(): void {
    process.removeListener("SIGINT", this.handler);
    process.removeListener("SIGTERM", this.handler);
  }
}
