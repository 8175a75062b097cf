/**
 * Preloaded into the embedlab kernel (`node --require <this file> tslab kernel ...`, see kernelspec.ts
 * and the CI runner) before tslab loads:
 * - zeromq sends that would throw EBUSY are queued instead of killing the kernel, and the iopub
 *   publisher queues instead of dropping (see zmq-send-queue.ts);
 * - tslab's kernel speaks the full Jupyter protocol: execute_result, error messages, execution
 *   counts, is_complete "invalid", history, aborts only what was sent before an error's reply
 *   (see tslab-protocol.ts);
 * - a notebook outside the repository compiles `import ... from "@embedlab/lib"` (see package-resolution.ts).
 */
import { guardTslabSockets } from "./zmq-send-queue";
import { patchTslabOnLoad } from "./tslab-protocol";
import { forwardPackages } from "./package-resolution";

guardTslabSockets();
patchTslabOnLoad();
try {
  forwardPackages();
} catch (err) {
  process.stderr.write(
    `embedlab kernel: packages outside the repository will not resolve: ${(err as Error).message}\n`,
  );
}
