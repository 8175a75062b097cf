/**
 * The kernels tfjs-backend-wasm itself registered, captured before embedlab replaces some of
 * them, so replacements can delegate the cases they do not speed up.
 */
import * as tf from "@tensorflow/tfjs";

const saved = new Map<string, tf.KernelConfig>();

/** Remembers wasm's own kernel `name` (call before replacing it). */
export function captureOriginal(name: string): tf.KernelConfig | undefined {
  if (!saved.has(name)) {
    const k = tf.getKernel(name, "wasm");
    if (k) saved.set(name, k);
  }
  return saved.get(name);
}

/** wasm's own kernel function for `name`; throws if tfjs-backend-wasm did not register one. */
export function originalKernel(name: string): tf.KernelFunc {
  const k = saved.get(name) ?? captureOriginal(name);
  if (!k)
    throw new Error(
      `tfjs-backend-wasm has no "${name}" kernel to delegate to; load @tensorflow/tfjs-backend-wasm first`,
    );
  return k.kernelFunc;
}
