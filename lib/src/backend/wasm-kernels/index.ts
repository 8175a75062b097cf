/** Registers embedlab's extra gradient kernels on the tfjs `wasm` backend (idempotent). */
import * as tf from "@tensorflow/tfjs";
import { conv2dBackpropFilterConfig } from "./conv2d-backprop-filter";
import { conv2dBackpropInputConfig } from "./conv2d-backprop-input";
import { depthwiseBackpropFilterConfig } from "./depthwise-backprop-filter";
import { depthwiseBackpropInputConfig } from "./depthwise-backprop-input";
import { unsortedSegmentSumConfig } from "./unsorted-segment-sum";

export const wasmKernelConfigs: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  unsortedSegmentSumConfig,
];

let registered = false;

/** Registers (or replaces) the kernels above on "wasm"; returns their names. Safe to call twice. */
export function registerWasmKernels(): string[] {
  const names = wasmKernelConfigs.map((k) => k.kernelName);
  if (registered) return names;
  for (const k of wasmKernelConfigs) {
    if (tf.getKernel(k.kernelName, "wasm")) tf.unregisterKernel(k.kernelName, "wasm");
    tf.registerKernel(k);
  }
  registered = true;
  return names;
}
