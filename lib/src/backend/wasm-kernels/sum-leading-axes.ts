/**
 * Sum on wasm, fast path for reductions over leading axes (bias gradients: sum over N, H, W),
 * which tfjs-backend-wasm does by transposing the input first. Row-wise accumulation in float64;
 * every other case goes to wasm's own Sum.
 */
import * as tf from "@tensorflow/tfjs";
import { alloc, view, type WasmKernelArgs } from "./heap";
import { originalKernel } from "./originals";

export function sumLeadingAxes(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const { x } = inputs as { x: tf.TensorInfo };
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((a, b) => a - b);
  const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  if (x.dtype !== "float32" || !leading) return originalKernel("Sum")(args as never) as tf.TensorInfo;
  const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
  const innerShape = x.shape.slice(axes.length);
  const cols = innerShape.reduce((a, b) => a * b, 1);
  const outShape = attrs.keepDims ? [...axes.map(() => 1), ...innerShape] : innerShape;
  const acc = new Float64Array(cols);
  const out = alloc(backend, outShape);
  const xv = view(backend, x);
  for (let r = 0, o = 0; r < rows; r++, o += cols) for (let c = 0; c < cols; c++) acc[c] += xv[o + c];
  view(backend, out).set(acc);
  return out;
}

export const sumLeadingAxesConfig: tf.KernelConfig = {
  kernelName: "Sum",
  backendName: "wasm",
  kernelFunc: sumLeadingAxes as unknown as tf.KernelFunc,
};
