/**
 * Preloaded into the embedlab kernel (`node --require <this file> tslab kernel ...`, see kernelspec.ts
 * and the CI runner) before tslab loads: zeromq sends that would throw EBUSY are queued instead of
 * killing the kernel, and the iopub publisher queues instead of dropping (see zmq-send-queue.ts).
 */
import { guardTslabSockets } from "./zmq-send-queue";

guardTslabSockets();
