import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "./usage-error";

/** What a lock file in an output folder says about the run holding it. */
export interface OutLockInfo {
  pid: number;
  started_at: string;
  notebooks: string[];
}

export const LOCK_FILE = ".embedlab-run.lock";

/** Another live run writes into the same `--out` folder. */
export class OutDirBusyError extends UsageError {
  constructor(
    readonly lockFile: string,
    readonly holder: OutLockInfo | null,
  ) {
    const who = holder
      ? `run pid ${holder.pid} (started ${holder.started_at}, notebooks ${holder.notebooks.join(", ") || "(all)"})`
      : "another run (its lock file is unreadable)";
    super(
      `${path.dirname(lockFile)} is in use by ${who}`,
      `wait for it to finish, or choose another --out; if no such run exists, delete ${lockFile}`,
    );
    this.name = "OutDirBusyError";
  }
}

export interface OutLock {
  file: string;
  /** Set when a stale lock (its pid no longer running) was taken over. */
  tookOver: OutLockInfo | null;
  /** Remove the lock if it is still ours. Idempotent; also runs on process exit. */
  release(): void;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

function readLock(file: string): { text: string; info: OutLockInfo | null } | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return null; // gone meanwhile
  }
  try {
    const info = JSON.parse(text) as OutLockInfo;
    return { text, info: Number.isInteger(info.pid) && info.pid > 0 ? info : null };
  } catch {
    return { text, info: null }; // being written right now, or garbage
  }
}

/**
 * Take `<outDir>/.embedlab-run.lock` (created exclusively, holding pid, start time and notebooks).
 * A lock whose pid is dead is taken over (`tookOver` says whose); a live one throws OutDirBusyError.
 */
export function acquireOutLock(outDir: string, notebooks: string[]): OutLock {
  const pid = process.pid;
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, LOCK_FILE);
  const mine = JSON.stringify({ pid, started_at: new Date().toISOString(), notebooks } satisfies OutLockInfo) + "\n";
  let tookOver: OutLockInfo | null = null;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(file, "wx");
      try {
        fs.writeSync(fd, mine);
      } finally {
        fs.closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const held = readLock(file);
    if (held === null) continue; // released between our open and read: try again
    // An unparsable lock may be one being written this instant: give its writer a moment, then call it stale.
    if (held.info === null && attempt < 3) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      continue;
    }
    if ((held.info && isRunning(held.info.pid)) || attempt > 5) throw new OutDirBusyError(file, held.info);
    // Stale: move it aside (only one contender's rename succeeds), check we moved what we judged, retry.
    const aside = `${file}.stale.${pid}`;
    try {
      fs.renameSync(file, aside);
    } catch {
      continue;
    }
    const moved = fs.readFileSync(aside, "utf8");
    if (moved !== held.text) {
      // A new live lock replaced the stale one between our read and rename: put it back.
      if (!fs.existsSync(file)) fs.renameSync(aside, file);
      else fs.rmSync(aside, { force: true });
      continue;
    }
    fs.rmSync(aside, { force: true });
    tookOver = held.info ?? { pid: 0, started_at: "(unreadable lock)", notebooks: [] };
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener("exit", release);
    if (readLock(file)?.text === mine) fs.rmSync(file, { force: true });
  };
  process.on("exit", release);
  return { file, tookOver, release };
}
