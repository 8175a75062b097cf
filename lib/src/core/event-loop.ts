/**
 * Resolve on the next turn of the event loop (after pending I/O callbacks). Long work inside a notebook
 * kernel must await this now and then: the kernel sends display updates and heartbeats from the event
 * loop, and tens of seconds of synchronous work made its zeromq socket fail (EBUSY) and the kernel die.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
