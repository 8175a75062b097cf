// A tiny CNN trains on wasm with the extra kernels: loss falls and no tensors leak.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
delete process.env.EMBEDLAB_BACKEND;

test("100 train steps of a tiny CNN on wasm: tensor count flat, loss falls", async () => {
  const info = await lib.backend.initBackend({ prefer: "wasm" });
  assert.equal(info.name, "wasm");
  const { smallCnn } = require("@embedlab/lib/dist/models/cnn.js");
  const model = smallCnn({ inputShape: [8, 8, 3], outputs: 3, widths: [4, 8], dense: 8 });
  const opt = tf.train.adam(1e-2);
  // class = which third of the image is bright: learnable from conv features
  const n = 12;
  const xs = tf.tidy(() => {
    const vals = new Float32Array(n * 8 * 8 * 3);
    for (let i = 0; i < n; i++)
      for (let h = 0; h < 8; h++)
        for (let w = 0; w < 8; w++)
          for (let c = 0; c < 3; c++)
            vals[((i * 8 + h) * 8 + w) * 3 + c] = (Math.floor(w / 3) === i % 3 ? 1 : 0) + 0.1 * Math.sin(i + h + w + c);
    return tf.tensor4d(vals, [n, 8, 8, 3]);
  });
  const ys = tf.tidy(() =>
    tf
      .oneHot(
        tf.tensor1d(
          Array.from({ length: n }, (_, i) => i % 3),
          "int32",
        ),
        3,
      )
      .cast("float32"),
  );
  const step = () =>
    tf.tidy(
      () =>
        opt.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true })), true).dataSync()[0],
    );
  const first = step();
  const counts = [];
  let last = first;
  for (let i = 1; i < 100; i++) {
    last = step();
    if (i === 5 || i === 99) counts.push(tf.memory().numTensors);
  }
  assert.equal(counts[1], counts[0], `tensors grew from ${counts[0]} to ${counts[1]} between steps 5 and 99`);
  assert.ok(Number.isFinite(last) && last < first * 0.5, `loss ${first} → ${last} did not halve`);
  xs.dispose();
  ys.dispose();
});

test("smallCnn and resnet18 have the documented shapes and clear errors", () => {
  const { smallCnn, resnet18 } = require("@embedlab/lib/dist/models/cnn.js");
  const m = smallCnn({ inputShape: [32, 32, 3], outputs: 10 });
  assert.deepEqual(m.outputs[0].shape, [null, 10]);
  assert.equal(m.layers.filter((l) => l.getClassName() === "Conv2D").length, 3);
  assert.equal(m.layers.filter((l) => l.getClassName() === "Dropout").length, 0);
  // 3·3·3·32+32 + 3·3·32·64+64 + 3·3·64·128+128 + 2048·128+128 + 128·10+10
  assert.equal(m.countParams(), 896 + 18496 + 73856 + 262272 + 1290);
  const r = resnet18({ inputShape: [32, 32, 3], outputs: 10 });
  const trainable = r.trainableWeights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
  assert.equal(trainable, 11173962); // the standard CIFAR ResNet-18 count
  assert.throws(() => smallCnn({ inputShape: [4, 4, 3], outputs: 2 }), /too small/);
  assert.throws(() => smallCnn({ inputShape: [32, 32], outputs: 2 }), /inputShape/);
  m.dispose();
  r.dispose();
});

test("smallCnn / resnet18 with a seed: same seed → same initial weights, another seed → different", () => {
  const { smallCnn, resnet18 } = require("@embedlab/lib/dist/models/cnn.js");
  const weights = (m) => m.getWeights().map((w) => Array.from(w.dataSync()));
  const opts = { inputShape: [8, 8, 3], outputs: 3, widths: [4, 8], dense: 8 };
  const a = smallCnn({ ...opts, seed: 5 }),
    b = smallCnn({ ...opts, seed: 5 }),
    c = smallCnn({ ...opts, seed: 6 });
  assert.deepEqual(weights(a), weights(b));
  assert.notDeepEqual(weights(a)[0], weights(c)[0]);
  const ra = resnet18({ inputShape: [8, 8, 3], outputs: 2, widths: [2, 2, 2, 2], seed: 1 }),
    rb = resnet18({ inputShape: [8, 8, 3], outputs: 2, widths: [2, 2, 2, 2], seed: 1 });
  assert.deepEqual(weights(ra), weights(rb));
  assert.throws(() => smallCnn({ ...opts, seed: 1.5 }), /seed must be an integer/);
  for (const m of [a, b, c, ra, rb]) m.dispose();
});
