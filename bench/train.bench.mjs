// Training-loop costs on tfjs-wasm: typed-array crop+flip+normalise throughput, and fit()'s per-step
// overhead against a bare optimizer loop on the same model.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);

export const title = "train (augmentation, fit overhead; tfjs-wasm)";

export async function run() {
  const tf = require("@tensorflow/tfjs");
  require("@tensorflow/tfjs-backend-wasm");
  const { train, losses, Rng, setProgressFactory } = require("@embedlab/lib");
  const prev = tf.getBackend();
  await tf.setBackend("wasm");
  setProgressFactory(() => ({ tick() {}, done() {} }));
  const rows = [];
  try {
    const N = 2048;
    const images = { data: new Uint8Array(N * 32 * 32 * 3).map((_, i) => i % 251), shape: [N, 32, 32, 3] };
    const rng = new Rng(1);
    const idx = Array.from({ length: 64 }, (_, i) => i * 3);
    const opts = { mean: [0.49, 0.48, 0.45], std: [0.25, 0.24, 0.26], augment: { pad: 4 }, rng };
    train.imageBatchArray(images, idx, opts);
    const t0 = performance.now();
    const reps = 50;
    for (let r = 0; r < reps; r++) train.imageBatchArray(images, idx, opts);
    rows.push({
      what: "crop+flip+normalise 32x32x3 (uint8 → f32)",
      value: (reps * 64) / ((performance.now() - t0) / 1000),
      unit: "images/s",
    });

    // MLP 3072-256-10 on random data, batch 64
    const x = tf.randomNormal([N, 3072]),
      y = tf.tensor1d(
        Array.from({ length: N }, (_, i) => i % 10),
        "int32",
      );
    const mk = () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ units: 256, inputShape: [3072], activation: "relu" }),
          tf.layers.dense({ units: 10 }),
        ],
      });
    const loss = (m, xb, yb) => losses.oneHotCrossEntropy(yb, m.apply(xb, { training: true }));
    const m1 = mk();
    const t1 = performance.now();
    const r = await train.fit(m1, train.tensorSource(x, y), {
      loss,
      epochs: 1,
      batchSize: 64,
      optimizer: { type: "adamw" },
      lr: 1e-3,
      progress: false,
    });
    const fitMs = (performance.now() - t1) / r.steps;
    const m2 = mk();
    const opt = tf.train.adam(1e-3);
    const src = train.tensorSource(x, y);
    const t2 = performance.now();
    const bs = train.batches(N, 64, new Rng(0));
    for (const b of bs) {
      const { x: xb, y: yb } = src.batch(b, rng);
      opt.minimize(() => loss(m2, xb, yb), true).dataSync();
      xb.dispose();
      yb.dispose();
    }
    const bareMs = (performance.now() - t2) / bs.length;
    rows.push({ what: "fit step, MLP 3072-256-10, batch 64", value: fitMs, unit: "ms/step" });
    rows.push({
      what: "bare tf.train.adam loop, same model",
      value: bareMs,
      unit: "ms/step",
      note: `fit/bare = ${(fitMs / bareMs).toFixed(2)}`,
    });
    m1.dispose();
    m2.dispose();
    x.dispose();
    y.dispose();
    opt.dispose();
  } finally {
    if (prev) await tf.setBackend(prev);
  }
  return rows;
}
