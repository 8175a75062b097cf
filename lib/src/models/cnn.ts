/**
 * Convolutional image models built with tf.layers (NHWC, channelsLast).
 * `smallCnn` is the fast CIFAR-scale net from the tfjs-wasm notes (best 7-minute setup);
 * `resnet18` is the standard CIFAR ResNet-18 for the full profile.
 */
import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../core/errors";

export type SmallCnnOptions = {
  /** [height, width, channels], e.g. [32, 32, 3]. */
  inputShape: [number, number, number];
  /** Width of the final linear layer (classes for logits, or the embedding size for regression). */
  outputs: number;
  /** Filters of each conv(3×3, same, relu) + maxPool(2) stage; default [32, 64, 128]. */
  widths?: number[];
  /** Units of the hidden relu dense layer before the output; default 128, 0 for none. */
  dense?: number;
  /** Seeds the weight initialisers (same seed → same initial weights); default: unseeded (Math.random). */
  seed?: number;
};

/** He-normal for the relu layers, Glorot-uniform for the linear output; each call a new seed derived from `seed`. */
function seededInitializers(seed: number | undefined): {
  he: () => ReturnType<typeof tf.initializers.heNormal> | "heNormal";
  glorot: () => ReturnType<typeof tf.initializers.glorotUniform> | "glorotUniform";
} {
  if (seed !== undefined && !Number.isInteger(seed)) throw new EmbedlabError(`seed must be an integer, got ${seed}`);
  let k = 0;
  const next = () => (seed as number) * 7919 + ++k;
  return {
    he: () => (seed === undefined ? "heNormal" : tf.initializers.heNormal({ seed: next() })),
    glorot: () => (seed === undefined ? "glorotUniform" : tf.initializers.glorotUniform({ seed: next() })),
  };
}

function checkCommon(name: string, inputShape: unknown, outputs: unknown): void {
  if (!Array.isArray(inputShape) || inputShape.length !== 3 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new EmbedlabError(
      `${name}: inputShape must be [height, width, channels] of positive integers, got ${JSON.stringify(inputShape)}`,
      "pass e.g. inputShape: [32, 32, 3]",
    );
  }
  if (!Number.isInteger(outputs) || (outputs as number) <= 0) {
    throw new EmbedlabError(
      `${name}: outputs must be a positive integer, got ${String(outputs)}`,
      "pass the number of classes or the target embedding size",
    );
  }
}

/**
 * conv32-pool-conv64-pool-conv128-pool-dense128-linear(outputs) by default; no dropout
 * (dropout cost 3–4 accuracy points at short schedules). The output layer is linear (logits).
 */
export function smallCnn(opts: SmallCnnOptions): tf.LayersModel {
  const { inputShape, outputs } = opts;
  checkCommon("smallCnn", inputShape, outputs);
  const widths = opts.widths ?? [32, 64, 128];
  const dense = opts.dense ?? 128;
  if (widths.length === 0 || !widths.every((w) => Number.isInteger(w) && w > 0)) {
    throw new EmbedlabError(
      `smallCnn: widths must be positive integers, got ${JSON.stringify(widths)}`,
      "e.g. widths: [32, 64, 128]",
    );
  }
  const minSide = Math.min(inputShape[0], inputShape[1]);
  if (minSide < 2 ** widths.length) {
    throw new EmbedlabError(
      `smallCnn: a ${inputShape[0]}×${inputShape[1]} input is too small for ${widths.length} pooling stages`,
      `use at most ${Math.floor(Math.log2(minSide))} widths`,
    );
  }
  const init = seededInitializers(opts.seed);
  const model = tf.sequential({ name: "small_cnn" });
  widths.forEach((filters, i) => {
    model.add(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape } : {}),
        filters,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        kernelInitializer: init.he(),
      }),
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  });
  model.add(tf.layers.flatten());
  if (dense > 0) model.add(tf.layers.dense({ units: dense, activation: "relu", kernelInitializer: init.he() }));
  model.add(tf.layers.dense({ units: outputs, kernelInitializer: init.glorot() }));
  return model;
}

export type ResNet18Options = {
  inputShape: [number, number, number];
  outputs: number;
  /** Filters of the four stages; default [64, 128, 256, 512]. */
  widths?: [number, number, number, number];
  /** Seeds the weight initialisers; default unseeded. */
  seed?: number;
};

type Inits = ReturnType<typeof seededInitializers>;

function convBn(
  init: Inits,
  x: tf.SymbolicTensor,
  filters: number,
  kernelSize: number,
  strides: number,
  name: string,
): tf.SymbolicTensor {
  const c = tf.layers
    .conv2d({
      filters,
      kernelSize,
      strides,
      padding: "same",
      useBias: false,
      kernelInitializer: init.he(),
      name: `${name}_conv`,
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.layers.batchNormalization({ name: `${name}_bn` }).apply(c) as tf.SymbolicTensor;
}

function basicBlock(
  init: Inits,
  x: tf.SymbolicTensor,
  filters: number,
  strides: number,
  name: string,
): tf.SymbolicTensor {
  const inC = x.shape[x.shape.length - 1];
  let y = convBn(init, x, filters, 3, strides, `${name}_a`);
  y = tf.layers.reLU({ name: `${name}_a_relu` }).apply(y) as tf.SymbolicTensor;
  y = convBn(init, y, filters, 3, 1, `${name}_b`);
  const shortcut = strides !== 1 || inC !== filters ? convBn(init, x, filters, 1, strides, `${name}_proj`) : x;
  const sum = tf.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as tf.SymbolicTensor;
  return tf.layers.reLU({ name: `${name}_out` }).apply(sum) as tf.SymbolicTensor;
}

/**
 * Standard CIFAR ResNet-18 (He et al. 2016, CIFAR stem: one 3×3 conv, no max-pool):
 * conv3×3-BN-ReLU, 4 stages × 2 basic blocks (stride 2 at stages 2–4, 1×1 projection
 * shortcuts), global average pool, linear(outputs). ~11.2M parameters at the default widths.
 */
export function resnet18(opts: ResNet18Options): tf.LayersModel {
  const { inputShape, outputs } = opts;
  checkCommon("resnet18", inputShape, outputs);
  const widths = opts.widths ?? [64, 128, 256, 512];
  const init = seededInitializers(opts.seed);
  const input = tf.input({ shape: inputShape, name: "image" });
  let x = convBn(init, input, widths[0], 3, 1, "stem");
  x = tf.layers.reLU({ name: "stem_relu" }).apply(x) as tf.SymbolicTensor;
  widths.forEach((w, stage) => {
    x = basicBlock(init, x, w, stage === 0 ? 1 : 2, `s${stage + 1}b1`);
    x = basicBlock(init, x, w, 1, `s${stage + 1}b2`);
  });
  x = tf.layers.globalAveragePooling2d({ name: "gap" }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: outputs, name: "logits", kernelInitializer: init.glorot() })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: "resnet18" });
}
