/** Registers embedlab's extra / faster kernels on the tfjs `wasm` backend (idempotent). */
import * as tf from "@tensorflow/tfjs";
import { batchMatMulConfig } from "./batch-mat-mul";
import { causalAttentionConfig, causalAttentionGradConfig } from "./causal-attention-kernel";
import { conv2dConfig } from "./conv2d";
import { conv2dBackpropFilterConfig } from "./conv2d-backprop-filter";
import { conv2dBackpropInputConfig } from "./conv2d-backprop-input";
import { depthwiseBackpropFilterConfig } from "./depthwise-backprop-filter";
import { depthwiseBackpropInputConfig } from "./depthwise-backprop-input";
import { gatherV2Config } from "./gather-v2";
import { layerNormConfig, layerNormGradConfig } from "./layer-norm";
import { maxPoolGradConfig } from "./max-pool-grad";
import { castConfig, identityConfig } from "./shared-identity";
import { captureOriginal } from "./originals";
import { softmaxCEConfig, softmaxCEGradConfig } from "./softmax-ce";
import { sumLeadingAxesConfig } from "./sum-leading-axes";
import { transposeLastTwoConfig } from "./transpose-last-two";
import { unsortedSegmentSumConfig } from "./unsorted-segment-sum";

export const wasmKernelConfigs: readonly tf.KernelConfig[] = [
  conv2dConfig,
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  unsortedSegmentSumConfig,
  maxPoolGradConfig,
  sumLeadingAxesConfig,
  batchMatMulConfig,
  identityConfig,
  castConfig,
  transposeLastTwoConfig,
  gatherV2Config,
  causalAttentionConfig,
  causalAttentionGradConfig,
  softmaxCEConfig,
  softmaxCEGradConfig,
  layerNormConfig,
  layerNormGradConfig,
];

let registered = false;

/**
 * Registers (or replaces) the kernels above on "wasm"; returns their names. Safe to call twice.
 * Loads @tensorflow/tfjs-backend-wasm (which registers wasm's own kernels) if it is not loaded.
 */
export function registerWasmKernels(): string[] {
  const names = wasmKernelConfigs.map((k) => k.kernelName);
  if (registered) return names;
  require("@tensorflow/tfjs-backend-wasm");
  for (const k of wasmKernelConfigs) {
    const original = captureOriginal(k.kernelName);
    if (original) tf.unregisterKernel(k.kernelName, "wasm");
    // keep wasm's setupFunc: replacements that delegate need the original wired up at init
    tf.registerKernel({ ...k, setupFunc: original?.setupFunc });
  }
  registered = true;
  return names;
}
