// The same checks as train/losses tests, on the wasm backend notebooks use.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
require("@tensorflow/tfjs-backend-wasm");
const { train, losses, metrics, Rng, setProgressFactory } = require("@embedlab/lib");

await tf.setBackend("wasm");
setProgressFactory(() => ({ tick() {}, done() {} }));

test("losses and their gradients agree between wasm and cpu", async () => {
  const rng = new Rng(4);
  const P = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => rng.normal()));
  const E = Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => rng.normal()));
  const lab = [0, 1, 2, 3, 1, 0];
  const cases = {
    oneHot: (p) => losses.oneHotCrossEntropy(tf.tensor1d([0, 1, 2, 3, 4, 0], "int32"), p),
    embCE: (p) => losses.embeddingCrossEntropy(p, tf.tensor1d(lab, "int32"), tf.tensor2d(E), 0.1),
    infoNCE: (p) => losses.infoNCE(p, tf.tensor2d(P.map((r) => r.map((v) => v + 0.1))), 0.2),
    cosine: (p) => losses.cosineRegression(p, tf.tensor2d(P.map((r) => r.slice().reverse()))),
    lm: (p) =>
      losses.lmCrossEntropy(
        tf.reshape(p, [2, 3, 5]),
        tf.tensor2d(
          [
            [1, 2, 3],
            [4, 0, 1],
          ],
          undefined,
          "int32",
        ),
        tf.tensor2d([
          [1, 1, 0],
          [1, 1, 1],
        ]),
      ),
  };
  const results = {};
  for (const be of ["wasm", "cpu"]) {
    await tf.setBackend(be);
    for (const [name, f] of Object.entries(cases)) {
      const r = tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad(f)(tf.tensor2d(P));
        return [value.dataSync()[0], Array.from(grad.dataSync())];
      });
      (results[name] ??= []).push(r);
    }
  }
  await tf.setBackend("wasm");
  for (const [name, [[vw, gw], [vc, gc]]] of Object.entries(results)) {
    assert.ok(Math.abs(vw - vc) < 1e-4 * Math.max(1, Math.abs(vc)), `${name} value ${vw} vs ${vc}`);
    gw.forEach((g, i) => assert.ok(Math.abs(g - gc[i]) < 1e-4, `${name} grad[${i}] ${g} vs ${gc[i]}`));
    assert.ok(
      gw.some((g) => g !== 0),
      `${name} gradient is not all zero`,
    );
  }
});

test("fit on wasm: same seed → identical history, flat tensor count, learns", async () => {
  const rng = new Rng(1);
  const centers = [
    [2, 0, 0, 1],
    [-2, 1, 0, 0],
    [0, -2, 2, 0],
  ];
  const rows = [],
    ys = [];
  for (let i = 0; i < 150; i++) {
    ys.push(i % 3);
    rows.push(centers[i % 3].map((v) => v + 0.7 * rng.normal()));
  }
  const x = tf.tensor2d(rows),
    y = tf.tensor1d(ys, "int32");
  const counts = [];
  const once = async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 8,
          inputShape: [4],
          activation: "relu",
          kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
        }),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      ],
    });
    const r = await train.fit(model, train.tensorSource(x, y), {
      loss: (m, xb, yb) => losses.oneHotCrossEntropy(yb, m.apply(xb, { training: true })),
      epochs: 4,
      batchSize: 16,
      seed: 9,
      optimizer: { type: "adamw", weightDecay: 0.01 },
      lr: train.warmupLinear({ peakLr: 0.03, warmup: 0.15 }),
      clipNorm: 1,
      evaluate: (m) => ({
        acc: metrics.accuracy(Array.from(tf.tidy(() => tf.argMax(m.predict(x), -1).dataSync())), ys),
      }),
      onEpochEnd: () => counts.push(tf.memory().numTensors),
    });
    model.dispose();
    return r.history.map(({ seconds, evalSeconds, ...rest }) => rest);
  };
  const a = await once();
  const perRun = counts.length;
  const b = await once();
  assert.deepEqual(a, b);
  assert.equal(new Set(counts.slice(0, perRun)).size, 1, `counts ${counts}`);
  assert.ok(a[3].acc > 0.9, `acc ${a[3].acc}`);
  x.dispose();
  y.dispose();
});
