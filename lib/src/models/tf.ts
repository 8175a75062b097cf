import * as tf from "@tensorflow/tfjs";
import * as backendArea from "../backend";

let ready: Promise<typeof tf> | undefined;

/**
 * The project's single `@tensorflow/tfjs` instance, after the backend is initialised: uses
 * `backend.initBackend()` when the backend area provides it, else whatever tf backend is active.
 */
export function getTf(): Promise<typeof tf> {
  if (!ready) {
    ready = (async () => {
      const init = (backendArea as Record<string, unknown>).initBackend;
      if (typeof init === "function") await (init as () => Promise<unknown>)();
      await tf.ready();
      return tf;
    })();
    ready.catch(() => (ready = undefined));
  }
  return ready;
}
