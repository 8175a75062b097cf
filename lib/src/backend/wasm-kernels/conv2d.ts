/**
 * Conv2D on wasm: 3×3 stride-1 "same" convolutions with inC % 4 == 0 and outC % 8 == 0 by Winograd's
 * F(2×2, 3×3) (winograd.ts); stride-1 size-preserving ones with few input channels (a first layer,
 * fh·fw·inC ≤ 64) on embedlab's GEMM through patch rows (conv2d-patch-rows.ts); every other case by
 * wasm's own (XNNPACK) kernel.
 */
import * as tf from "@tensorflow/tfjs";
import type { WasmKernelArgs } from "./heap";
import { convGeometry } from "./conv-geometry";
import { originalKernel } from "./originals";
import { winogradApplies, winogradConv, winogradParts } from "./winograd";
import { forwardViaPatchRows, patchRowsApply } from "./conv2d-patch-rows";
import { backendGemm } from "./gemm";

export function conv2d(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  if ((attrs.dataFormat ?? "NHWC") === "NHWC" && x.dtype === "float32" && filter.dtype === "float32") {
    const g = convGeometry(x.shape, filter.shape, attrs, false);
    const parts = winogradApplies(g, g.inC, g.outC) ? winogradParts(backend, g.inC, g.outC) : undefined;
    if (parts) return winogradConv(backend, parts, x, filter, g, false);
    const gemm = patchRowsApply(g) ? backendGemm(backend) : undefined;
    if (gemm) return forwardViaPatchRows(backend, gemm, x, filter, g);
  }
  return originalKernel("Conv2D")(args as never) as tf.TensorInfo;
}

export const conv2dConfig: tf.KernelConfig = {
  kernelName: "Conv2D",
  backendName: "wasm",
  kernelFunc: conv2d as unknown as tf.KernelFunc,
};
