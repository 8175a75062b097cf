// The offline GPT checkpoint's configuration on this machine (tfjs-wasm, 1 thread per process):
// training tokens/s, generation tokens/s with and without the KV-cache, and the tensor count over
// 50 training steps (must stay flat).
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
const gpt = lib.models.gpt;

export const title = "GPT (tiny Brown checkpoint config)";

export async function run() {
  await lib.backend.initBackend();
  const { model, tokenizer, training } = await gpt.loadTinyGpt();
  const cfg = model.config;
  const T = cfg.block_size;
  const rows = [];
  const stream = Int32Array.from({ length: 20000 }, (_, i) => (i * 7919) % cfg.vocab_size);
  const rng = new lib.Rng(1);
  const vars = model.variables();
  const opt = lib.train.makeOptimizer(
    vars,
    { type: "adamw", beta1: 0.9, beta2: 0.95, weightDecay: 0.1, clipNorm: 1 },
    (v) => v.rank >= 2,
  );
  const step = (batch) =>
    lib.train.fitSteps({
      variables: vars,
      optimizer: opt,
      steps: 1,
      lr: 1e-5,
      nextBatch: () => gpt.randomBatch(stream, batch, T, rng),
      loss: ({ x, y }) =>
        gpt.crossEntropy(
          tf.reshape(model.forward(tf.tensor2d(x, [batch, T], "int32"), { training: true }).logits, [
            batch * T,
            cfg.vocab_size,
          ]),
          tf.tensor1d(y, "int32"),
        ),
    });
  const batch = training.batch ?? 8;
  await step(batch);
  let t0 = performance.now();
  const n = 5;
  for (let i = 0; i < n; i++) await step(batch);
  const trainS = (performance.now() - t0) / 1000;
  rows.push({
    what: `train tokens/s (batch ${batch}×${T})`,
    value: (n * batch * T) / trainS,
    unit: "tok/s",
    note: `${((trainS / n) * 1000).toFixed(0)} ms/step; recorded in the pretraining run: ${training.tokensPerSecond} tok/s`,
  });
  // tensor count over 50 small steps (batch 1 keeps this part short)
  await step(1);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 50; i++) await step(1);
  rows.push({
    what: "tensor growth over 50 train steps",
    value: tf.memory().numTensors - before,
    unit: "tensors",
    note: `${before} before`,
  });
  opt.dispose();
  const gen = (useCache) => {
    const t = performance.now();
    const r = gpt.generate(model, tokenizer, "The jury said", {
      maxNewTokens: 64,
      temperature: 0.8,
      topK: 40,
      seed: 1,
      stopAtEot: false,
      useCache,
    });
    return { s: (performance.now() - t) / 1000, n: r.ids.length };
  };
  gen(true);
  const withCache = gen(true);
  const noCache = gen(false);
  rows.push({
    what: "generate tokens/s, KV-cache",
    value: withCache.n / withCache.s,
    unit: "tok/s",
    note: `${withCache.n} tokens`,
  });
  rows.push({
    what: "generate tokens/s, no cache",
    value: noCache.n / noCache.s,
    unit: "tok/s",
    note: `${noCache.n} tokens`,
  });
  rows.push({ what: "KV-cache speed-up", value: noCache.s / withCache.s, unit: "x" });
  model.dispose();
  return rows;
}
