/**
 * Resolve on the next turn of the event loop (after pending I/O callbacks). Long work inside a notebook
 * kernel should await this now and then: the kernel answers heartbeats and interrupts and gets live
 * display updates out from the event loop. (Kernel deaths with zeromq EBUSY, once blamed on long
 * synchronous loops, came from zeromq's deferred 513th send; kernel-ext/src/zmq-send-queue.ts guards
 * against them.)
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
