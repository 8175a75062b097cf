/**
 * Preloaded into every kernel the runner starts (`node --require`), before tslab itself.
 *
 * 1. Orphan guard: if the runner that started the kernel goes away without cleaning up (killed),
 *    the kernel exits instead of lingering.
 * 2. Library snapshot: tslab's TypeScript watcher polls every imported .d.ts; when one is rewritten
 *    during a run (e.g. `tsc -b` rebuilding lib/dist), tslab's converter trips over its own debounce
 *    timer ("Unexpected pending rebuildTimer") and every later cell fails. A headless run should see
 *    one consistent library anyway, so file and directory watching is turned off in the kernel.
 * (The zeromq send guard every embedlab kernel preloads, kernel-ext's KERNEL_PRELOAD, is required
 * before this file: see kernel.ts.)
 */
import * as path from "node:path";

const runnerPid = process.ppid;
setInterval(() => {
  if (process.ppid !== runnerPid) process.exit(70);
}, 1000).unref();

try {
  const tslabDir = path.dirname(require.resolve("tslab/package.json", { paths: [process.cwd()] }));
  const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] })) as {
    sys: { watchFile?: unknown; watchDirectory?: unknown };
  };
  const noWatch = () => ({ close: () => undefined });
  ts.sys.watchFile = noWatch;
  ts.sys.watchDirectory = noWatch;
} catch {
  /* tslab layout changed: run with its own watching */
}
