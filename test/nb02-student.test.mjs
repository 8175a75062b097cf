import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const tf = require("@tensorflow/tfjs");
const S = lib.models.student;
const { trainStudent } = lib.experiments.trainWithoutLabels;

before(async () => {
  await lib.backend.initBackend({ prefer: "wasm" });
});

test("tokeniser splits clitics and punctuation the SST-2 way, raw or pre-tokenised", () => {
  assert.deepEqual(S.studentTokens("It doesn't work, really."), ["it", "does", "n't", "work", ",", "really", "."]);
  assert.deepEqual(S.studentTokens("it does n't work , really ."), ["it", "does", "n't", "work", ",", "really", "."]);
  assert.deepEqual(S.studentTokens("a girl-power movie -- it 's great"), [
    "a",
    "girl-power",
    "movie",
    "-",
    "-",
    "it",
    "'s",
    "great",
  ]);
  assert.deepEqual(S.studentTokens("   "), []);
  assert.deepEqual(S.bigrams(["not", "good", "at", "all"]), ["not good", "good at", "at all"]);
  assert.equal(S.wordVectorSpelling("n't"), "not");
  assert.equal(S.wordVectorSpelling("-lrb-"), "(");
  assert.equal(S.wordVectorSpelling("movie"), "movie");
});

test("feature index keeps words and bigrams by count; bags pad with index.size", () => {
  const idx = S.buildFeatureIndex(["good movie", "good film", "bad movie"], { bigrams: true, minCount: 1 });
  assert.equal(idx.size, 4 + 3);
  const two = S.buildFeatureIndex(["good movie", "good film", "bad movie"], { minCount: 2 });
  assert.deepEqual([...two.features.keys()].sort(), ["good", "movie"]);
  const { ids, lengths, maxLen } = S.encodeBags(["good movie", "unseen words here", "movie good movie"], idx, 5);
  assert.equal(maxLen, 5);
  assert.deepEqual([...lengths], [3, 0, 3 + 1]);
  const g = idx.features.get("good"),
    m = idx.features.get("movie"),
    gm = idx.features.get("good movie");
  assert.deepEqual([...ids.slice(0, 5)], [g, m, gm, idx.size, idx.size]);
  assert.deepEqual([...ids.slice(5, 10)], Array(5).fill(idx.size));
  assert.throws(() => S.buildFeatureIndex(["a"], { minCount: 0 }), /minCount/);
});

test("meanWordVectors averages known tokens, L2-normalises, zero for none", () => {
  const table = {
    words: ["good", "film"],
    index: new Map([
      ["good", 0],
      ["film", 1],
    ]),
    dim: 2,
    vectors: Float32Array.from([3, 0, 0, 4]),
    source: "test",
  };
  const v = S.meanWordVectors(["good film", "good unknown", "nothing known"], table);
  assert.deepEqual(
    [...v.slice(0, 2)].map((x) => +x.toFixed(5)),
    [0.6, 0.8],
  );
  assert.deepEqual(
    [...v.slice(2, 4)].map((x) => +x.toFixed(5)),
    [1, 0],
  );
  assert.deepEqual([...v.slice(4, 6)], [0, 0]);
});

const POS = [
  "a great film",
  "great fun and charming",
  "truly great acting",
  "charming and wonderful",
  "wonderful story",
  "a wonderful great cast",
];
const NEG = [
  "a dull film",
  "dull and boring",
  "truly awful acting",
  "boring story",
  "awful and dull",
  "a boring awful cast",
];

test("trainStudent learns a separable toy task (bag), parameter counts, predictions are probabilities", async () => {
  const texts = [...POS, ...NEG];
  const labels = [...POS.map(() => 1), ...NEG.map(() => 0)];
  const st = await trainStudent(texts, labels, { embedDim: 8, epochs: 40, lr: 0.05, seed: 3 });
  const p = await st.model.predictProba(["great and wonderful", "dull and awful"]);
  assert.equal(p.length, 4);
  assert.ok(Math.abs(p[0] + p[1] - 1) < 1e-5);
  assert.ok(p[1] > 0.8, `positive text P(pos) = ${p[1]}`);
  assert.ok(p[3] < 0.2, `negative text P(pos) = ${p[3]}`);
  const pc = st.model.paramCount();
  assert.equal(pc.trainable, st.model.index.size * 8 + 8 * 2 + 2);
  assert.equal(pc.frozen, 0);
  const n = tf.memory().numTensors;
  st.model.dispose();
  assert.equal(tf.memory().numTensors, n - 3, "dispose frees the embeddings, weights and bias");
});

test("a StudentModel leaves no tensors behind: construction, apply, predictProba, dispose", async () => {
  const before = tf.memory().numTensors;
  const m = new S.StudentModel(S.buildFeatureIndex(["good film", "bad film"]), undefined, { embedDim: 4, hidden: 3 });
  assert.equal(m.trainableVariables.length, 5);
  const x = tf.tensor2d(m.encode(["good film"]), [1, m.maxLen]);
  const logits = m.apply(x);
  assert.deepEqual(logits.shape, [1, 2]);
  tf.dispose([x, logits]);
  await m.predictProba(["bad", "film good"]);
  m.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test("trainStudent with frozen word vectors only, soft targets and example weights", async () => {
  const table = {
    words: ["great", "wonderful", "dull", "awful"],
    index: new Map([
      ["great", 0],
      ["wonderful", 1],
      ["dull", 2],
      ["awful", 3],
    ]),
    dim: 2,
    vectors: Float32Array.from([1, 0.1, 0.9, 0.2, -1, 0.1, -0.8, 0.3]),
    source: "test",
  };
  const texts = ["great", "wonderful", "dull", "awful", "great wonderful", "dull awful"];
  const soft = [0.1, 0.9, 0.2, 0.8, 0.9, 0.1, 0.8, 0.2, 0, 1, 1, 0];
  const st = await trainStudent(texts, soft, { embedDim: 0, wordVectors: table, epochs: 60, lr: 0.1, seed: 1 });
  assert.equal(st.model.paramCount().trainable, 2 * 2 + 2);
  assert.equal(st.model.paramCount().frozen, 8);
  const p = await st.model.predictProba(["wonderful", "awful"]);
  assert.ok(p[1] > 0.6 && p[3] < 0.4, JSON.stringify([...p]));
  st.model.dispose();
  // weights: a zero-weight example with the opposite label must not flip the result
  const w = await trainStudent(["great", "dull", "great"], [1, 0, 0], {
    embedDim: 0,
    wordVectors: table,
    epochs: 60,
    lr: 0.1,
    weights: [1, 1, 0],
  });
  const q = await w.model.predictProba(["great"]);
  assert.ok(q[1] > 0.5);
  w.model.dispose();
});

test("minSteps gives small sets more epochs", async () => {
  const st = await trainStudent(["good", "bad"], [1, 0], { embedDim: 4, epochs: 2, minSteps: 10, batchSize: 1 });
  assert.equal(st.fit.history.length, 5);
  assert.equal(st.fit.steps, 10);
  st.model.dispose();
});

test("trainStudent rejects bad targets with a clear error", async () => {
  await assert.rejects(trainStudent(["a", "b"], [1]), /2 texts but 1 targets/);
  await assert.rejects(trainStudent(["a", "b"], [0, 2]), /not a class id/);
  await assert.rejects(trainStudent([], []), /no training texts/);
  assert.throws(() => new S.StudentModel(S.buildFeatureIndex(["a"]), undefined, { embedDim: 0 }), /no features/);
});
