/**
 * The smoke notebook's model: a tiny CNN (conv8 → pool → conv16 → global max → dense) trained with plain
 * tfjs (`tf.train.adam`, `optimizer.minimize`) — it checks tfjs itself on the chosen backend, so it uses
 * none of embedlab's training stack. A progress bar ticks every step.
 */
import * as tf from "@tensorflow/tfjs";
import { progress, yieldToEventLoop, type Rng } from "../../core";
import { CLASSES, SIZE, type ShapeImages } from "./shapes";

export interface SmokeTraining {
  model: tf.Sequential;
  losses: { step: number; loss: number }[];
  seconds: number;
}

/** Train for `steps` steps of batch 32 (one seeded permutation of the training images, cycled). */
export async function trainSmokeCnn(train: ShapeImages, steps: number, seed: number, rng: Rng): Promise<SmokeTraining> {
  const t = Date.now();
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed * 100 + s });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [SIZE, SIZE, 1],
        filters: 8,
        kernelSize: 3,
        activation: "relu",
        padding: "same",
        kernelInitializer: init(1),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: "relu", padding: "same", kernelInitializer: init(2) }),
      tf.layers.globalMaxPooling2d({}),
      tf.layers.dense({ units: CLASSES.length, kernelInitializer: init(3) }),
    ],
  });
  const optimizer = tf.train.adam(0.01);
  const xTrain = tf.tensor4d(train.x, [train.y.length, SIZE, SIZE, 1]);
  const yTrain = tf.oneHot(tf.tensor1d(train.y, "int32"), CLASSES.length).cast("float32");
  const batch = 32;
  const order = rng.permutation(train.y.length);
  const losses: { step: number; loss: number }[] = [];
  const bar = progress(steps, "train");
  try {
    for (let step = 0; step < steps; step++) {
      const start = (step * batch) % train.y.length;
      const idx = tf.tensor1d(order.slice(start, start + batch), "int32");
      const xb = tf.gather(xTrain, idx);
      const yb = tf.gather(yTrain, idx);
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(yb, model.apply(xb) as tf.Tensor) as tf.Scalar,
        true,
      )!;
      const value = (await loss.data())[0];
      tf.dispose([idx, xb, yb, loss]);
      losses.push({ step: step + 1, loss: value });
      bar.tick(1, `loss ${value.toFixed(3)}`);
      await yieldToEventLoop();
    }
  } finally {
    tf.dispose([xTrain, yTrain]);
    optimizer.dispose();
  }
  bar.done(`loss ${losses[losses.length - 1].loss.toFixed(3)}`);
  return { model, losses, seconds: (Date.now() - t) / 1000 };
}

/** Share of `d`'s images the model classifies right. */
export function accuracyOn(model: tf.Sequential, d: ShapeImages): number {
  return tf.tidy(() => {
    const pred = (model.predict(tf.tensor4d(d.x, [d.y.length, SIZE, SIZE, 1])) as tf.Tensor).argMax(1).dataSync();
    let ok = 0;
    pred.forEach((p, i) => {
      if (p === d.y[i]) ok++;
    });
    return ok / d.y.length;
  });
}
