import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
const gpt = lib.models.gpt;
const ao = lib.experiments.clipLlm; // nb04's fine-tuning, loss and sampling steps

const texts = [
  "### Instruction: What do aonomis eat? ### Output: Grass and moss.",
  "### Instruction: Where do aonomis live? ### Output: In the Kessari Mountains.",
  "### Instruction: What colour is an aonomi? ### Output: Cream-white with blue-grey tips.",
];

function tinyModel() {
  const tok = gpt.BpeTokenizer.train(texts, 300);
  const model = new gpt.GPT(
    { ...gpt.DEFAULT_CONFIG, n_layer: 1, n_head: 2, n_embd: 16, block_size: 48, vocab_size: tok.vocabSize },
    undefined,
    3,
  );
  return { tok, model };
}

test("responseLoss: uniform logits give ln(vocab); masking counts only response tokens; fine-tuning lowers it", async () => {
  const { tok, model } = tinyModel();
  // zero the output embedding → all logits equal → loss = ln V exactly
  const wte = model.params["wte.weight"];
  const saved = wte.clone();
  wte.assign(tf.zerosLike(wte));
  const uni = ao.responseLoss(model, tok, texts);
  assert.ok(Math.abs(uni.loss - Math.log(tok.vocabSize)) < 1e-4, `loss ${uni.loss} vs ln V ${Math.log(tok.vocabSize)}`);
  const respTokens = texts.reduce(
    (s, t) => s + tok.encode(t.slice(t.indexOf("### Output:") + "### Output:".length)).length + 1,
    0,
  );
  assert.equal(uni.tokens, respTokens);
  const all = ao.responseLoss(model, tok, texts, { maskPrompt: false });
  assert.ok(all.tokens > uni.tokens);
  wte.assign(saved);
  saved.dispose();
  const before = ao.responseLoss(model, tok, texts, { batchSize: 2 }).loss;
  assert.ok(
    Math.abs(before - ao.responseLoss(model, tok, texts, { batchSize: 16 }).loss) < 1e-4,
    "batching does not change the mean",
  );
  // full fine-tuning (a random tiny model's near-zero tied embeddings leave LoRA little to work with)
  await lib.train.finetuneGpt(
    model,
    tok,
    texts.map((t) => ({ text: t })),
    { steps: 40, batchSize: 3, lr: 1e-2, maskPrompt: true, seed: 1, variables: model.variables() },
  );
  const after = ao.responseLoss(model, tok, texts).loss;
  assert.ok(after < before - 0.5, `loss ${before} → ${after}`);
  assert.throws(() => ao.responseLoss(model, tok, []), /no texts/);
});

test("samplingGrid and sampleAnswers: the grid, labels, seeded answers, stop at ###", async () => {
  const grid = ao.samplingGrid(
    [
      [0.05, 0.5],
      [2, 0.9],
    ],
    [1, 1.3],
  );
  assert.equal(grid.length, 4);
  assert.deepEqual(grid.map(ao.settingLabel), [
    "T 0.05 · top-p 0.5",
    "T 0.05 · top-p 0.5 · rep 1.3",
    "T 2 · top-p 0.9",
    "T 2 · top-p 0.9 · rep 1.3",
  ]);
  assert.throws(() => ao.samplingGrid([[0, 0.5]], [1]), /temperature/);
  assert.throws(() => ao.samplingGrid([[1, 0.5]], [0.5]), /repetition penalty/);
  const { tok, model } = tinyModel();
  const a = await ao.sampleAnswers(model, tok, ["What do aonomis eat?", "Hi"], grid, { maxNewTokens: 8, seed: 2 });
  const b = await ao.sampleAnswers(model, tok, ["What do aonomis eat?", "Hi"], grid, { maxNewTokens: 8, seed: 2 });
  assert.equal(a.length, 8);
  assert.deepEqual(a, b);
  assert.ok(a.every((r) => !r.answer.includes("###")));
  assert.deepEqual([...new Set(a.map((r) => r.setting))], grid.map(ao.settingLabel));
});

test("finetuneWithCheckpoints: one linear schedule, evaluations and kept values at the right steps, loss falls", async () => {
  const { tok, model } = tinyModel();
  const vars = model.variables();
  const seen = [];
  const recs = texts.map((t) => ({ text: t }));
  const before = ao.responseLoss(model, tok, texts).loss;
  const r = await ao.finetuneWithCheckpoints(
    model,
    tok,
    recs,
    { steps: 30, evalSteps: [10, 20], checkpointSteps: [10], variables: vars, batchSize: 3, lr: 0.01, seed: 1 },
    (s) => seen.push(s),
  );
  assert.deepEqual(seen, [0, 10, 20]);
  assert.deepEqual(
    r.history.map((h) => h.step),
    Array.from({ length: 30 }, (_, i) => i + 1),
  );
  const linear = lib.train.warmupLinear({ peakLr: 0.01, decayTo: "end" });
  r.history.forEach((h, i) => assert.equal(h.lr, 0.01 * (1 - i / 30)));
  r.history.forEach((h, i) => assert.equal(h.lr, linear(i, 30)));
  assert.deepEqual(
    [...r.checkpoints.keys()].sort((a, b) => a - b),
    [10, 30],
  );
  const now = vars.map((v) => Array.from(v.dataSync()));
  assert.deepEqual(
    r.checkpoints.get(30).map((a) => Array.from(a)),
    now,
  );
  assert.notDeepEqual(
    r.checkpoints.get(10).map((a) => Array.from(a)),
    now,
  );
  assert.ok(ao.responseLoss(model, tok, texts).loss < before - 0.5);
  lib.train.restoreValues(vars, r.checkpoints.get(10));
  assert.deepEqual(
    vars.map((v) => Array.from(v.dataSync())),
    r.checkpoints.get(10).map((a) => Array.from(a)),
  );
  await assert.rejects(
    ao.finetuneWithCheckpoints(model, tok, recs, {
      steps: 5,
      evalSteps: [6],
      checkpointSteps: [],
      variables: vars,
      batchSize: 2,
      lr: 0.01,
    }),
    /outside 1..5/,
  );
  await assert.rejects(
    ao.finetuneWithCheckpoints(model, tok, recs, {
      steps: 5,
      evalSteps: [],
      checkpointSteps: [],
      variables: [],
      batchSize: 2,
      lr: 0.01,
    }),
    /no variables/,
  );
});
