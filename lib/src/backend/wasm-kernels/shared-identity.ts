/**
 * Identity and same-dtype Cast on wasm without a copy: the output shares the input's heap data
 * (reference-counted, as tfjs's cpu backend and wasm's own Reshape do). tfjs-backend-wasm copies
 * the whole tensor instead (~1 ms per 8 MB; several per CNN train step). Tensors are immutable,
 * so sharing is safe; other casts go to wasm's own Cast.
 */
import * as tf from "@tensorflow/tfjs";
import type { WasmKernelArgs } from "./heap";
import { originalKernel } from "./originals";

function share(args: WasmKernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export function identity(args: WasmKernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === "string") return originalKernel("Identity")(args as never) as tf.TensorInfo;
  return share(args);
}

export function cast(args: WasmKernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === "string" || x.dtype !== args.attrs?.dtype)
    return originalKernel("Cast")(args as never) as tf.TensorInfo;
  return share(args);
}

export const identityConfig: tf.KernelConfig = {
  kernelName: "Identity",
  backendName: "wasm",
  kernelFunc: identity as unknown as tf.KernelFunc,
};

export const castConfig: tf.KernelConfig = {
  kernelName: "Cast",
  backendName: "wasm",
  kernelFunc: cast as unknown as tf.KernelFunc,
};
