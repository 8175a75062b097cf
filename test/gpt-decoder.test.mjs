// The typed-array decoder behind generate(): logits equal GPT.forward with a KV-cache on random
// weights (both GELU forms, a vocabulary that is not a multiple of the kernel's 32 columns, the SIMD
// and the JS kernel), the same tokens greedy and seeded, LoRA folded in and rebuilt when weights
// change; and sampleNext ranks and draws exactly like the comparator sort it replaced.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { TINY } from "./gpt-tiny.mjs";

const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
const gpt = lib.models.gpt;

let tok;

before(async () => {
  await lib.backend.initBackend();
  tok = gpt.BpeTokenizer.train(["The jury said it did find that many laws are outmoded.", "the then there these"], 300);
});

/** A model whose every parameter (LayerNorm gains and biases included) is random. */
function randomModel(config, seed) {
  const m = new gpt.GPT(config, undefined, seed);
  const rng = new lib.Rng(seed + 100);
  for (const [name, v] of Object.entries(m.params)) {
    const a = new Float32Array(v.size).map(() => rng.normal() * (name.includes("ln_") ? 0.3 : 0.2));
    if (name.includes("ln_") && name.endsWith(".weight")) for (let i = 0; i < a.length; i++) a[i] += 1;
    v.assign(tf.tensor(a, v.shape));
  }
  return m;
}

/** Logits after each prefix of `ids` from GPT.forward with a KVCache (one token per call). */
function tfjsStepLogits(m, ids) {
  const cache = new gpt.KVCache(m.config.n_layer);
  const out = ids.map((id) =>
    tf.tidy(() =>
      m
        .forward(tf.tensor2d([id], [1, 1], "int32"), { cache })
        .logits.dataSync()
        .slice(),
    ),
  );
  cache.dispose();
  return out;
}

const relErr = (a, b) => {
  assert.equal(a.length, b.length);
  let d = 0,
    s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / s;
};

test("typed decoder: logits match GPT.forward with a KV-cache step by step (both GELUs, SIMD and JS kernels)", () => {
  for (const activation of ["sigmoid", "tanh"]) {
    const m = randomModel({ ...TINY, activation }, activation === "tanh" ? 3 : 2);
    const ids = [5, 17, 299, 0, 42, 42, 7, 150, 3, 9, 11, 200];
    const ref = tfjsStepLogits(m, ids);
    const weights = Object.fromEntries(Object.entries(m.params).map(([n, v]) => [n, v.dataSync()]));
    for (const forceJs of [false, true]) {
      const d = new gpt.TypedDecoder(m.config, weights, forceJs);
      assert.equal(d.kernel, forceJs ? "js" : "wasm-simd");
      ids.forEach((id, t) => {
        const e = relErr(d.append([id]), ref[t]);
        assert.ok(e < 1e-4, `${activation} ${d.kernel} step ${t}: relative error ${e}`);
      });
      assert.equal(d.length, ids.length);
      // a prompt fed at once gives the last position's logits
      d.reset();
      assert.ok(relErr(d.append(ids.slice(0, 5)), ref[4]) < 1e-4);
      assert.throws(() => d.append(Array(12).fill(1)), /exceeds block_size 16/);
      assert.throws(() => d.append([300]), /not in 0…299/);
    }
    m.dispose();
  }
});

test("generate: the typed decoder gives the tfjs path's tokens, greedy and sampled, past block_size", () => {
  const m = randomModel(TINY, 4);
  assert.equal(gpt.decoderFor(m)?.kernel, "wasm-simd");
  for (const o of [
    { maxNewTokens: 40, greedy: true, stopAtEot: false },
    { maxNewTokens: 30, temperature: 1.2, topK: 50, topP: 0.95, repetitionPenalty: 1.2, seed: 42, stopAtEot: false },
    { maxNewTokens: 30, temperature: 0.9, topP: 0.7, repetitionPenalty: 1.3, seed: 7, stopAtEot: false },
  ]) {
    const a = gpt.generate(m, tok, "The jury said", { ...o, decoder: "typed" });
    const b = gpt.generate(m, tok, "The jury said", { ...o, decoder: "tfjs" });
    assert.deepEqual(a.ids, b.ids);
    assert.equal(a.text, b.text);
    const before = tf.memory().numTensors;
    gpt.generate(m, tok, "The jury said", o);
    assert.equal(tf.memory().numTensors, before, "the typed decoder leaves no tensors");
  }
  m.dispose();
});

test("typed decoder: LoRA adapters are folded in, and a changed weight rebuilds the decoder", () => {
  const m = randomModel(TINY, 5);
  const ad = new gpt.LoraAdapters(m, { rank: 2, alpha: 4, dropout: 0.1, targets: ["q", "v", "mlp"] }, 1);
  const rng = new lib.Rng(9);
  for (const b of ad.B.values())
    b.assign(
      tf.tensor(
        new Float32Array(b.size).map(() => rng.normal() * 0.5),
        b.shape,
      ),
    );
  const ids = [3, 1, 4, 1, 5, 9, 2, 6];
  const ref = tfjsStepLogits(m, ids);
  let d = gpt.decoderFor(m);
  ids.forEach((id, t) => assert.ok(relErr(d.append([id]), ref[t]) < 1e-4, `LoRA step ${t}`));
  // the same weights: the decoder is reused; a reassigned adapter weight: rebuilt with it
  assert.equal(gpt.decoderFor(m), d);
  const b0 = [...ad.B.values()][0];
  b0.assign(tf.mul(b0, 3));
  const ref2 = tfjsStepLogits(m, ids.slice(0, 3));
  d = gpt.decoderFor(m);
  ids.slice(0, 3).forEach((id, t) => assert.ok(relErr(d.append([id]), ref2[t]) < 1e-4, `after assign, step ${t}`));
  ad.dispose();
  // a linear hook that is not LoRA: no typed decoder, generate falls back to GPT.forward
  m.linearHook = {
    delta: (name, x) => (name.endsWith("c_fc") ? tf.mul(tf.matMul(x, m.params[name + ".weight"]), 0.5) : null),
  };
  assert.equal(gpt.decoderFor(m), null);
  const o = { maxNewTokens: 10, greedy: true, stopAtEot: false };
  assert.deepEqual(gpt.generate(m, tok, "the", o).ids, gpt.generate(m, tok, "the", { ...o, decoder: "tfjs" }).ids);
  m.linearHook = null;
  m.dispose();
});

// The implementation sampleNext had before (index sort with a comparator), kept as the reference.
function sampleNextReference(logits, context, opts, rng) {
  const v = logits.length;
  const z = Float64Array.from(logits);
  const pen = opts.repetitionPenalty ?? 1;
  if (pen !== 1) for (const id of new Set(context)) if (id < v) z[id] = z[id] > 0 ? z[id] / pen : z[id] * pen;
  const temp = opts.temperature ?? 1;
  if (opts.greedy || temp <= 0) {
    let best = 0;
    for (let i = 1; i < v; i++) if (z[i] > z[best]) best = i;
    return best;
  }
  let order = Array.from({ length: v }, (_, i) => i).sort((a, b) => z[b] - z[a] || a - b);
  const k = opts.topK ?? 0;
  if (k > 0) order = order.slice(0, k);
  const m = z[order[0]];
  let probs = order.map((i) => Math.exp((z[i] - m) / temp));
  let sum = probs.reduce((a, b) => a + b, 0);
  probs = probs.map((p) => p / sum);
  const topP = opts.topP ?? 1;
  if (topP < 1) {
    let cum = 0;
    let n = 0;
    while (n < probs.length && cum < topP) cum += probs[n++];
    order = order.slice(0, Math.max(1, n));
    probs = probs.slice(0, Math.max(1, n));
    sum = probs.reduce((a, b) => a + b, 0);
    probs = probs.map((p) => p / sum);
  }
  let r = rng.next();
  for (let i = 0; i < probs.length; i++) {
    r -= probs[i];
    if (r < 0) return order[i];
  }
  return order[order.length - 1];
}

test("sampleNext: same ranking, sums and draws as the comparator sort (ties, top-k both ways, top-p, penalty)", () => {
  const gen = new lib.Rng(3);
  const settings = [
    { temperature: 1 },
    { temperature: 0.8, topK: 40 },
    { temperature: 1.5, topK: 200 },
    { temperature: 0.9, topP: 0.7, repetitionPenalty: 1.3 },
    { temperature: 1.2, topK: 50, topP: 0.95, repetitionPenalty: 1.2 },
    { topK: 1 },
    { topK: 5000 },
    { greedy: true, repetitionPenalty: 1.1 },
  ];
  let draws = 0;
  for (let trial = 0; trial < 30; trial++) {
    const v = [7, 300, 1000, 4096][trial % 4];
    // coarse values make ties common: the lower id must win them
    const logits = new Float32Array(v).map(() => Math.round(gen.normal() * (trial % 2 ? 2 : 8)) / 2);
    const ctx = Array.from({ length: 12 }, () => gen.int(v));
    for (const o of settings) {
      const ra = new lib.Rng(trial),
        rb = new lib.Rng(trial);
      for (let i = 0; i < 10; i++, draws++)
        assert.equal(gpt.sampleNext(logits, ctx, o, ra), sampleNextReference(logits, ctx, o, rb), JSON.stringify(o));
    }
  }
  assert.equal(draws, 2400);
  // rankTokens: both strategies give the comparator's order
  const z = Float64Array.from({ length: 500 }, () => Math.round(gen.normal() * 4));
  const full = Array.from({ length: 500 }, (_, i) => i).sort((a, b) => z[b] - z[a] || a - b);
  assert.deepEqual([...gpt.rankTokens(z, 500)], full);
  assert.deepEqual([...gpt.rankTokens(z, 30)], full.slice(0, 30));
  assert.deepEqual([...gpt.rankTokens(z, 100)], full.slice(0, 100));
});

test("the committed checkpoint: typed and tfjs decoding give the same tokens (greedy past block_size, nucleus, LoRA)", async () => {
  const { model, tokenizer } = await gpt.loadTinyGpt();
  const same = (prompt, o) => {
    const a = gpt.generate(model, tokenizer, prompt, { ...o, decoder: "typed" });
    const b = gpt.generate(model, tokenizer, prompt, { ...o, decoder: "tfjs" });
    assert.deepEqual(a.ids, b.ids, `${prompt} ${JSON.stringify(o)}`);
    assert.equal(a.stoppedBy, b.stoppedBy);
  };
  same("The jury said", { maxNewTokens: 140, greedy: true, stopAtEot: false });
  for (const [i, prompt] of ["### Instruction: Name a colour. ### Output:", "It was a cold day in"].entries()) {
    same(prompt, { maxNewTokens: 40, temperature: 0.9, topP: 0.7, repetitionPenalty: 1.3, stop: ["###"], seed: i });
    same(prompt, { maxNewTokens: 40, temperature: 0.8, topK: 40, seed: 10 + i });
  }
  const ad = new gpt.LoraAdapters(model, { rank: 4, alpha: 8, targets: ["q", "v"] }, 2);
  const rng = new lib.Rng(4);
  for (const b of ad.B.values())
    b.assign(
      tf.tensor(
        new Float32Array(b.size).map(() => rng.normal() * 0.2),
        b.shape,
      ),
    );
  same("The jury said", { maxNewTokens: 30, temperature: 0.9, topP: 0.7, seed: 3 });
  ad.dispose();
  model.dispose();
});
