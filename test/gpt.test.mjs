// The GPT: tokenizer, model maths (attention, KV-cache, cross-entropy), training, generation,
// embeddings, LoRA, checkpoints, safetensors and GPT-2 weight mapping — on tiny models built here.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { TINY } from "./gpt-tiny.mjs";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
const gpt = lib.models.gpt;

const TEXT = [
  "The jury said it did find that many of Georgia's registration and election laws are outmoded.",
  "### Instruction: Name a colour. ### Output: Blue.",
  "Crème brûlée, naïve café — 東京 🚀 \t tabs\r\nand CRLF; (quotes) \"double\" 'single' #1: 100%",
];
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "gpt-test-"));
const maxAbsDiff = (a, b) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
let tok;

before(async () => {
  await lib.backend.initBackend();
  tok = gpt.BpeTokenizer.train(TEXT.concat(TEXT, ["the the the then there these"]), TINY.vocab_size);
});

test("BPE: round-trips Unicode text exactly, learns merges, is deterministic and serialisable", () => {
  assert.equal(tok.vocabSize, 300);
  assert.equal(tok.eotId, 299);
  const samples = [
    ...TEXT,
    "",
    " ",
    "  leading and trailing  ",
    "ZWJ 👩‍👩‍👧 flags 🇯🇵 combining é (e+◌́)",
    "Ünïcödé UPPER lower MiXeD",
    "\u0000\u007f\uFFFD",
  ];
  for (const s of samples) assert.equal(tok.decode(tok.encode(s)), s, `round trip of ${JSON.stringify(s)}`);
  const ids = tok.encode("the jury");
  assert.ok(ids.length < Buffer.byteLength("the jury"), `merges should shorten "the jury" (${ids.length} ids)`);
  // case is kept: the same word in two cases gives different ids and decodes back
  assert.notDeepEqual(tok.encode("The"), tok.encode("the"));
  const again = gpt.BpeTokenizer.train(TEXT.concat(TEXT, ["the the the then there these"]), TINY.vocab_size);
  assert.deepEqual(again.merges, tok.merges);
  const loaded = gpt.BpeTokenizer.fromJSON(JSON.parse(JSON.stringify(tok.toJSON())));
  assert.deepEqual(loaded.encode(TEXT[2]), tok.encode(TEXT[2]));
  assert.equal(tok.decode([tok.eotId]), "<|endoftext|>");
  assert.throws(() => gpt.BpeTokenizer.fromJSON({ type: "nope" }), /tokenizer\.json/);
});

test("Brown detokenizer strips tags and rejoins punctuation and quotes", () => {
  const line = "``/`` Only/rb a/at handful/nn ''/'' ,/, the/at jury/nn said/vbd ,/, (/( Atlanta's/np$ )/) ./.";
  assert.equal(gpt.detokenizeTagged(line), '"Only a handful", the jury said, (Atlanta\'s).');
});

test("fused JS attention matches tf ops, forward and gradient", () => {
  const B = 2,
    T = 5,
    H = 2,
    C = 8,
    hd = 4;
  const qkv = tf.randomNormal([B * T, 3 * C], 0, 1, "float32", 7);
  const dy = tf.randomNormal([B * T, C], 0, 1, "float32", 8);
  const ref = (x) => {
    const [q2, k2, v2] = tf.split(x, 3, 1);
    const r = (t) => tf.transpose(tf.reshape(t, [B, T, H, hd]), [0, 2, 1, 3]);
    const mask = tf.tensor2d(
      Array.from({ length: T * T }, (_, i) => (i % T > Math.floor(i / T) ? -1e9 : 0)),
      [T, T],
    );
    const att = tf.softmax(tf.add(tf.mul(tf.matMul(r(q2), r(k2), false, true), 1 / Math.sqrt(hd)), mask));
    return tf.reshape(tf.transpose(tf.matMul(att, r(v2)), [0, 2, 1, 3]), [B * T, C]);
  };
  const mine = (x) => gpt.causalSelfAttention(x, B, T, H);
  assert.ok(maxAbsDiff(mine(qkv).dataSync(), ref(qkv).dataSync()) < 1e-5);
  const g1 = tf
    .grad((x) => tf.sum(tf.mul(mine(x), dy)))(qkv)
    .dataSync();
  const g2 = tf
    .grad((x) => tf.sum(tf.mul(ref(x), dy)))(qkv)
    .dataSync();
  assert.ok(maxAbsDiff(g1, g2) < 1e-5, `gradient diff ${maxAbsDiff(g1, g2)}`);
  assert.ok(Math.max(...g2.map(Math.abs)) > 0.1, "reference gradient is not trivial");
});

test("cross-entropy: value and gradient match logSoftmax, and the weight mask works", () => {
  const z = tf.randomNormal([6, 5], 0, 2, "float32", 1);
  const y = tf.tensor1d([0, 1, 2, 3, 4, 0], "int32");
  const w = tf.tensor1d([1, 0, 1, 1, 0, 1]);
  const ref = (x) => {
    const oh = tf.cast(tf.oneHot(y, 5, 1, 0, "int32"), "float32");
    return tf.div(tf.sum(tf.mul(tf.neg(tf.sum(tf.mul(tf.logSoftmax(x), oh), -1)), w)), tf.sum(w));
  };
  assert.ok(Math.abs(gpt.crossEntropy(z, y, w).dataSync()[0] - ref(z).dataSync()[0]) < 1e-5);
  const g1 = tf
    .grad((x) => gpt.crossEntropy(x, y, w))(z)
    .dataSync();
  const g2 = tf.grad(ref)(z).dataSync();
  assert.ok(maxAbsDiff(g1, g2) < 1e-6);
  // rows with weight 0 get no gradient
  for (let j = 0; j < 5; j++) assert.equal(Math.abs(g1[5 + j]), 0);
});

test("cross-entropy is losses.softmaxCrossEntropyRows (same value and gradient); float labels are cast", () => {
  const z = tf.randomNormal([4, 7], 0, 2, "float32", 3);
  const y = tf.tensor1d([6, 0, 3, 2], "int32");
  const w = tf.tensor1d([1, 1, 0, 1]);
  const a = gpt.crossEntropy(z, y, w).dataSync()[0];
  assert.equal(a, lib.losses.softmaxCrossEntropyRows(z, y, w).dataSync()[0]);
  assert.equal(gpt.crossEntropy(z, tf.cast(y, "float32"), w).dataSync()[0], a);
  const g1 = tf
    .grad((x) => gpt.crossEntropy(x, tf.cast(y, "float32"), w))(z)
    .dataSync();
  const g2 = tf
    .grad((x) => lib.losses.softmaxCrossEntropyRows(x, y, w))(z)
    .dataSync();
  assert.deepEqual([...g1], [...g2]);
  assert.ok(Math.max(...g2.map(Math.abs)) > 0.01);
});

test("model: shapes, hidden states, causality, and KV-cache logits equal the full forward pass", () => {
  const m = new gpt.GPT(TINY, undefined, 3);
  const ids = [5, 17, 42, 99, 7, 250, 3, 11];
  const full = tf.tidy(() => m.forward(tf.tensor2d([ids], [1, 8], "int32"), { hidden: true }));
  assert.deepEqual(full.logits.shape, [1, 8, 300]);
  assert.equal(full.hidden.length, TINY.n_layer + 1);
  full.hidden.forEach((h) => assert.deepEqual(h.shape, [1, 8, 16]));
  // changing the last token leaves earlier positions unchanged
  const other = tf.tidy(() => m.forward(tf.tensor2d([[...ids.slice(0, 7), 123]], [1, 8], "int32")).logits);
  const a = full.logits.dataSync(),
    b = other.dataSync();
  assert.ok(maxAbsDiff(a.slice(0, 7 * 300), b.slice(0, 7 * 300)) < 1e-5);
  assert.ok(maxAbsDiff(a.slice(7 * 300), b.slice(7 * 300)) > 1e-4);
  // incremental decoding: prefill 5 tokens, then 3 single steps
  const cache = new gpt.KVCache(TINY.n_layer);
  const parts = [tf.tidy(() => m.forward(tf.tensor2d([ids.slice(0, 5)], [1, 5], "int32"), { cache }).logits)];
  for (let i = 5; i < 8; i++)
    parts.push(tf.tidy(() => m.forward(tf.tensor2d([[ids[i]]], [1, 1], "int32"), { cache }).logits));
  assert.equal(cache.length, 8);
  const inc = tf.concat(parts, 1).dataSync();
  assert.ok(maxAbsDiff(inc, a) < 1e-4, `cache diff ${maxAbsDiff(inc, a)}`);
  cache.dispose();
  assert.throws(() => m.forward(tf.tensor2d([Array(17).fill(1)], [1, 17], "int32")), /block_size/);
  m.dispose();
});

test("fitSteps: AdamW lowers the loss on a tiny batch, updates only the chosen variables, no tensor leak", async () => {
  const m = new gpt.GPT(TINY, undefined, 4);
  const x = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8]], [1, 8], "int32");
  const y = tf.tensor1d([2, 3, 4, 5, 6, 7, 8, 9], "int32");
  const lossFn = () => gpt.crossEntropy(tf.reshape(m.forward(x).logits, [8, 300]), y);
  const chosen = m.variables((n) => n !== "wpe.weight");
  const opt = lib.train.makeOptimizer(
    chosen,
    { type: "adamw", beta2: 0.95, weightDecay: 0.1, clipNorm: 1 },
    (v) => v.rank >= 2,
  );
  const wpe0 = m.params["wpe.weight"].dataSync().slice();
  const losses = [];
  let tensors;
  const evals = [];
  const r = await lib.train.fitSteps({
    variables: chosen,
    optimizer: opt,
    steps: 30,
    lr: 3e-3,
    nextBatch: () => null,
    loss: lossFn,
    onStep: (s) => {
      losses.push(s.loss);
      if (s.step === 3) tensors = tf.memory().numTensors;
    },
    evalSteps: [0, 10],
    evalEvery: 25,
    evaluate: (s) => {
      evals.push(s);
      return s * 2;
    },
  });
  assert.equal(tf.memory().numTensors, tensors, "tensor count must stay flat across steps");
  assert.deepEqual(evals, [0, 10, 25, 30], "evaluation at the chosen steps, every 25 and after the last");
  assert.deepEqual(
    r.evals.map((e) => e.value),
    [0, 20, 50, 60],
  );
  assert.deepEqual(
    r.history.map((h) => h.step),
    Array.from({ length: 30 }, (_, i) => i + 1),
  );
  assert.ok(losses[29] < losses[0] - 2, `loss ${losses[0]} → ${losses[29]}`);
  assert.equal(maxAbsDiff(m.params["wpe.weight"].dataSync(), wpe0), 0, "wpe was not chosen and must not change");
  opt.dispose();
  m.dispose();
});

test("generation: seeded sampling is deterministic; cache = no cache; stop strings; long prompts truncated with a warning", () => {
  const m = new gpt.GPT(TINY, undefined, 5);
  const o = {
    maxNewTokens: 12,
    temperature: 1.5,
    topK: 50,
    topP: 0.95,
    repetitionPenalty: 1.2,
    seed: 42,
    stopAtEot: false,
  };
  const a = gpt.generate(m, tok, "The jury", o);
  const b = gpt.generate(m, tok, "The jury", o);
  assert.equal(a.text, b.text);
  assert.deepEqual(a.ids, b.ids);
  assert.equal(a.ids.length, 12);
  const c = gpt.generate(m, tok, "The jury", { ...o, seed: 43 });
  assert.notDeepEqual(c.ids, a.ids, "another seed should give another sample");
  const noCache = gpt.generate(m, tok, "The jury", { ...o, useCache: false });
  assert.deepEqual(noCache.ids, a.ids);
  // beyond block_size (16): the cached path slides its window like the uncached one
  const g1 = gpt.generate(m, tok, "The jury said", { maxNewTokens: 20, greedy: true, stopAtEot: false });
  const g2 = gpt.generate(m, tok, "The jury said", {
    maxNewTokens: 20,
    greedy: true,
    stopAtEot: false,
    useCache: false,
  });
  assert.deepEqual(g1.ids, g2.ids);
  assert.deepEqual(
    gpt.generate(m, tok, "The jury said", { maxNewTokens: 20, topK: 1, seed: 9, stopAtEot: false }).ids,
    g1.ids,
    "top-k 1 is greedy",
  );
  // stop string: cut at its first occurrence, not included
  const full = g1.text;
  const stopAt = full.slice(2, 4);
  if (stopAt.length === 2) {
    const s = gpt.generate(m, tok, "The jury said", {
      maxNewTokens: 20,
      greedy: true,
      stop: [stopAt],
      stopAtEot: false,
    });
    assert.equal(s.stoppedBy, "stop");
    assert.ok(!s.text.includes(stopAt));
    assert.equal(s.text, full.slice(0, full.indexOf(stopAt)));
  }
  const warnings = [];
  const long = gpt.generate(m, tok, TEXT[0].repeat(3), {
    maxNewTokens: 3,
    greedy: true,
    warn: (w) => warnings.push(w),
  });
  assert.ok(long.truncated > 0);
  assert.equal(long.promptTokens, 16);
  assert.match(warnings[0], /block_size 16/);
  m.dispose();
});

test("sampleNext: top-p keeps the nucleus, repetition penalty demotes seen tokens", () => {
  const rng = new lib.Rng(1);
  const logits = Float32Array.from([5, 4.9, 0, -1, -2]);
  for (let i = 0; i < 20; i++) assert.ok([0, 1].includes(gpt.sampleNext(logits, [], { topP: 0.9 }, rng)));
  assert.equal(gpt.sampleNext(logits, [], { greedy: true }, rng), 0);
  assert.equal(gpt.sampleNext(logits, [0], { greedy: true, repetitionPenalty: 1.1 }, rng), 1);
});

test("embed: padding-aware pooling (a text alone = the same text in a padded batch), layers and logits", async () => {
  const m = new gpt.GPT(TINY, undefined, 6);
  const texts = ["the jury", "A much longer sentence about the jury and election laws.", ""];
  for (const pooling of ["last-token-logits", "last-token-hidden", "mean-hidden"]) {
    const batch = gpt.embed(m, tok, texts, { pooling, warn: () => {} });
    assert.equal(batch.length, 3);
    assert.equal(batch[0].length, pooling === "last-token-logits" ? 300 : 16);
    const alone = gpt.embed(m, tok, [texts[0]], { pooling });
    assert.ok(maxAbsDiff(alone[0], batch[0]) < 1e-5, `${pooling}: padding changed the vector`);
  }
  const l0 = gpt.embed(m, tok, ["the jury"], { pooling: "mean-hidden", layer: 0 })[0];
  const lLast = gpt.embed(m, tok, ["the jury"], { pooling: "mean-hidden", layer: -1 })[0];
  assert.ok(maxAbsDiff(l0, lLast) > 1e-3);
  // last-token logits = the head applied to the final last-token hidden state
  const h = gpt.embed(m, tok, ["the jury"], { pooling: "last-token-hidden" })[0];
  const viaHead = tf.tidy(() => m.head(tf.tensor2d(h, [1, 16])).dataSync());
  assert.ok(maxAbsDiff(viaHead, gpt.embed(m, tok, ["the jury"], { pooling: "last-token-logits" })[0]) < 1e-4);
  assert.throws(() => gpt.embed(m, tok, ["x"], { pooling: "mean-hidden", layer: 5 }), /out of range/);
  // embedTensor gives the same vectors, differentiably: contrastive-style steps through fitSteps move them
  const et = gpt.embedTensor(m, tok, texts, { pooling: "mean-hidden", warn: () => {} });
  assert.ok(
    maxAbsDiff(
      et.dataSync(),
      Float32Array.from(gpt.embed(m, tok, texts, { pooling: "mean-hidden", warn: () => {} }).flatMap((v) => [...v])),
    ) < 1e-5,
  );
  const opt = lib.train.makeOptimizer(m.variables(), { type: "adamw", beta2: 0.95 });
  const cos = () => {
    const e = gpt.embedTensor(m, tok, texts.slice(0, 2), { pooling: "last-token-hidden" });
    const n = tf.div(e, tf.norm(e, 2, 1, true));
    return tf.sum(tf.prod(n, 0));
  };
  const c0 = tf.tidy(() => cos().dataSync()[0]);
  await lib.train.fitSteps({
    variables: m.variables(),
    optimizer: opt,
    steps: 5,
    lr: 1e-2,
    nextBatch: () => null,
    loss: () => tf.neg(cos()),
  });
  opt.dispose();
  assert.ok(
    tf.tidy(() => cos().dataSync()[0]) > c0 + 0.05,
    "full-parameter training pulls the two embeddings together",
  );
  m.dispose();
});

test("LoRA: starts as the base model, trains only adapters, saves/loads, merges into the base", async () => {
  const m = new gpt.GPT(TINY, undefined, 7);
  const ids = tf.tensor2d([[1, 2, 3, 4, 5, 6]], [1, 6], "int32");
  const base = tf.tidy(() => m.forward(ids).logits.dataSync());
  const ad = new gpt.LoraAdapters(m, { rank: 2, alpha: 4, dropout: 0, targets: ["q", "v", "mlp"] }, 1);
  assert.equal(ad.variables().length, 2 * (2 * 2 + 2 * 2));
  assert.ok(
    maxAbsDiff(
      tf.tidy(() => m.forward(ids).logits.dataSync()),
      base,
    ) < 1e-6,
    "B = 0 at init",
  );
  const before = Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, v.dataSync().slice()]));
  const recs = [
    { text: "### Instruction: Say hi. ### Output: hi there" },
    { text: "### Instruction: Say no. ### Output: no way" },
  ];
  const dir = tmp();
  const res = await lib.train.finetuneGpt(m, tok, recs, {
    steps: 12,
    batchSize: 2,
    lr: 1e-2,
    maskPrompt: true,
    adapters: ad,
    checkpointSteps: [5],
    outDir: dir,
  });
  assert.equal(res.history.length, 12);
  assert.ok(
    res.history[11].loss < res.history[0].loss - 0.05,
    `fine-tuning lowers the loss: ${res.history.map((h) => h.loss.toFixed(3))}`,
  );
  assert.ok(res.history[11].lr < res.history[0].lr, "linear decay");
  for (const [k, v] of Object.entries(m.params))
    assert.equal(maxAbsDiff(v.dataSync(), before[k]), 0, `base weight ${k} changed`);
  assert.ok(
    fs.existsSync(path.join(dir, "step-5", "adapter.json")) && fs.existsSync(path.join(dir, "final", "adapter.bin")),
  );
  const tuned = tf.tidy(() => m.forward(ids).logits.dataSync());
  assert.ok(maxAbsDiff(tuned, base) > 1e-3);
  ad.detach();
  const m2 = new gpt.GPT(TINY, Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, v])));
  const ad2 = gpt.LoraAdapters.load(m2, path.join(dir, "final"));
  assert.ok(
    maxAbsDiff(
      tf.tidy(() => m2.forward(ids).logits.dataSync()),
      tuned,
    ) < 1e-5,
    "loaded adapters reproduce the outputs",
  );
  ad2.merge();
  assert.equal(m2.linearHook, null);
  assert.ok(
    maxAbsDiff(
      tf.tidy(() => m2.forward(ids).logits.dataSync()),
      tuned,
    ) < 1e-4,
    "merged weights reproduce the outputs",
  );
  assert.throws(
    () => gpt.LoraAdapters.load(new gpt.GPT({ ...TINY, n_embd: 8 }), path.join(dir, "final")),
    /trained for a model/,
  );
  m.dispose();
  m2.dispose();
});

test("buildExample masks the prompt, counts the response and <|endoftext|>", () => {
  const ex = gpt.buildExample(tok, "### Instruction: Say hi. ### Output: hi", 64, true);
  const promptLen = tok.encode("### Instruction: Say hi. ### Output:").length;
  assert.equal(ex.ids.at(-1), tok.eotId);
  assert.equal(ex.weights.length, ex.ids.length - 1);
  assert.equal(ex.weights.filter((w) => w === 0).length, promptLen - 1);
  assert.equal(tok.decode(ex.ids.slice(promptLen, -1)), " hi");
  assert.throws(() => gpt.buildExample(tok, "no marker here", 64, true), /### Output:/);
  // too long for the block: the prompt loses its start, the response is kept
  const cut = gpt.buildExample(tok, "### Instruction: " + "word ".repeat(40) + "### Output: hi", 12, true);
  assert.equal(cut.ids.length, 13);
  assert.ok(tok.decode(cut.ids).endsWith(" hi<|endoftext|>"));
  assert.ok(cut.weights.at(-1) === 1 && cut.weights[0] === 0);
  const f = path.join(tmp(), "x.jsonl");
  fs.writeFileSync(f, '{"text":"a"}\n\n{"txt":1}\n');
  assert.throws(() => gpt.readTextJsonl(f), /line 3/);
});

test("checkpoint: save/load round trip; missing or mismatched files are named with the expected shape", () => {
  const m = new gpt.GPT(TINY, undefined, 8);
  const dir = path.join(tmp(), "ck");
  gpt.saveGptCheckpoint(dir, m, tok, { note: "test" });
  const back = gpt.loadGptCheckpoint(dir);
  assert.equal(back.training.note, "test");
  const ids = tf.tensor2d([[3, 1, 4, 1, 5]], [1, 5], "int32");
  assert.equal(
    maxAbsDiff(
      tf.tidy(() => back.model.forward(ids).logits.dataSync()),
      tf.tidy(() => m.forward(ids).logits.dataSync()),
    ),
    0,
  );
  assert.deepEqual(back.tokenizer.merges, tok.merges);
  // truncated weights
  const w = path.join(dir, "weights.bin");
  const bytes = fs.readFileSync(w);
  fs.writeFileSync(w, bytes.subarray(0, bytes.length - 8));
  assert.throws(
    () => gpt.loadGptCheckpoint(dir),
    (e) => /weights\.bin/.test(e.message) && /wte\.weight \[300,16\]/.test(e.message),
  );
  fs.writeFileSync(w, bytes);
  // a tensor with the wrong shape in the manifest
  const mf = path.join(dir, "manifest.json");
  const man = JSON.parse(fs.readFileSync(mf, "utf8"));
  const good = JSON.stringify(man);
  man.tensors.find((t) => t.name === "h.1.mlp.c_fc.weight").shape = [16, 32];
  fs.writeFileSync(mf, JSON.stringify(man));
  assert.throws(
    () => gpt.loadGptCheckpoint(dir),
    (e) => /manifest\.json/.test(e.message) && /h\.1\.mlp\.c_fc\.weight/.test(e.message) && /\[16,64\]/.test(e.message),
  );
  fs.writeFileSync(mf, good);
  fs.rmSync(path.join(dir, "tokenizer.json"));
  assert.throws(() => gpt.loadGptCheckpoint(dir), /tokenizer\.json/);
  assert.throws(() => gpt.loadGptCheckpoint(path.join(dir, "nope")), /nope/);
  back.model.dispose();
  m.dispose();
});

test("safetensors: tiny file with known tensors maps onto the model (GPT-2 names, transformer. prefix)", () => {
  const dir = tmp();
  const f = path.join(dir, "model.safetensors");
  const cfg = { ...TINY, activation: "tanh" };
  const src = new gpt.GPT(cfg, undefined, 9);
  const tensors = {};
  for (const [k, v] of Object.entries(src.params))
    tensors[`transformer.${k}`] = { shape: v.shape, data: v.dataSync().slice() };
  tensors["transformer.h.0.attn.bias"] = { shape: [1, 1, 16, 16], data: new Float32Array(256).fill(1) };
  tensors["lm_head.weight"] = tensors["transformer.wte.weight"];
  gpt.writeSafetensors(f, tensors);
  const raw = gpt.readSafetensors(f);
  assert.deepEqual(raw["transformer.h.1.attn.c_attn.weight"].shape, [16, 48]);
  assert.equal(raw["transformer.wpe.weight"].data[5], tensors["transformer.wpe.weight"].data[5]);
  const hfConfig = {
    n_layer: 2,
    n_head: 2,
    n_embd: 16,
    n_positions: 16,
    vocab_size: 300,
    layer_norm_epsilon: 1e-5,
    activation_function: "gelu_new",
  };
  const c2 = gpt.configFromHf(hfConfig);
  assert.deepEqual(c2, cfg);
  const weights = gpt.mapGpt2Weights(f, c2);
  const m = new gpt.GPT(c2, weights);
  const ids = tf.tensor2d([[7, 8, 9]], [1, 3], "int32");
  assert.equal(
    maxAbsDiff(
      tf.tidy(() => m.forward(ids).logits.dataSync()),
      tf.tidy(() => src.forward(ids).logits.dataSync()),
    ),
    0,
  );
  // a wrong shape is named
  tensors["transformer.h.0.mlp.c_fc.weight"] = { shape: [16, 8], data: new Float32Array(128) };
  gpt.writeSafetensors(f, tensors);
  assert.throws(() => gpt.mapGpt2Weights(f, c2), /h\.0\.mlp\.c_fc\.weight.*\[16,64\]/);
  fs.writeFileSync(f, Buffer.from([1, 2, 3]));
  assert.throws(() => gpt.readSafetensors(f), /corrupt/);
  m.dispose();
  src.dispose();
});

test("gelu: tanh form matches the GPT-2 formula", () => {
  const x = tf.linspace(-4, 4, 33);
  const ref = x.dataSync().map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
  assert.ok(maxAbsDiff(gpt.gelu(x, "tanh").dataSync(), ref) < 1e-5);
});

test("packExamples pads/shifts examples; nextExampleBatch cycles through seeded permutations", () => {
  const p = gpt.packExamples(
    [
      { ids: [5, 6, 7], weights: [0, 1] },
      { ids: [8, 9], weights: [1] },
    ],
    0,
  );
  assert.equal(p.L, 2);
  assert.equal(p.rows, 2);
  assert.deepEqual([...p.x], [5, 6, 8, 0]);
  assert.deepEqual([...p.y], [6, 7, 9, 0]);
  assert.deepEqual([...p.w], [0, 1, 1, 0]);
  assert.throws(() => gpt.packExamples([], 0), /empty batch/);
  const order = [];
  const rng = new lib.Rng(4);
  const seen = [
    ...gpt.nextExampleBatch(["a", "b", "c"], order, rng, 2),
    ...gpt.nextExampleBatch(["a", "b", "c"], order, rng, 1),
  ];
  assert.deepEqual([...seen].sort(), ["a", "b", "c"], "one epoch = each example once");
  const ref = new lib.Rng(4).permutation(3);
  assert.deepEqual(
    seen,
    [ref[2], ref[1], ref[0]].map((i) => ["a", "b", "c"][i]),
  );
});
