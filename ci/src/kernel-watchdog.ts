/**
 * Preloaded into every kernel (`node --require`): if the runner that started the kernel goes away
 * (killed without a chance to clean up), the kernel exits instead of lingering as an orphan.
 */
const runnerPid = process.ppid;
setInterval(() => {
  if (process.ppid !== runnerPid) process.exit(70);
}, 1000).unref();
export {};
