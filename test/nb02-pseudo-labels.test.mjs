import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const pl = lib.experiments.trainWithoutLabels;

const fakeTeacher = {
  labels: ["positive", "negative"],
  async classify(texts) {
    return texts.map((t) => {
      const pos = (t.match(/good/g) ?? []).length * 0.1,
        neg = (t.match(/bad/g) ?? []).length * 0.1;
      return { label: pos >= neg ? "positive" : "negative", scores: { positive: pos, negative: neg } };
    });
  },
};

test("teacherLabels follows the requested class order; margins; subset and most confident", async () => {
  const t = await pl.teacherLabels(fakeTeacher, ["good good", "bad", "good bad bad bad"], ["negative", "positive"]);
  assert.deepEqual(t.classes, ["negative", "positive"]);
  assert.deepEqual([...t.labels], [1, 0, 0]);
  assert.deepEqual(
    [...t.scores].map((x) => +x.toFixed(4)),
    [0, 0.2, 0.1, 0, 0.3, 0.1],
  );
  assert.deepEqual(
    [...t.margin].map((x) => +x.toFixed(4)),
    [0.2, 0.1, 0.2],
  );
  assert.deepEqual(pl.mostConfident(t.margin, 2 / 3), [0, 2]);
  assert.deepEqual(pl.mostConfident(t.margin, 0.01), [0]);
  assert.throws(() => pl.mostConfident(t.margin, 0), /fraction/);
  const s = pl.subsetLabels(t, [2, 0]);
  assert.deepEqual([...s.labels], [0, 1]);
  assert.deepEqual(
    [...s.scores].map((x) => +x.toFixed(4)),
    [0.3, 0.1, 0, 0.2],
  );
  await assert.rejects(
    pl.teacherLabels(fakeTeacher, ["x"], ["neutral", "positive"]),
    /not one of the teacher's labels/,
  );
});

test("accuracyCI and the paired difference CI", () => {
  const gold = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0];
  const a = [1, 0, 1, 0, 1, 0, 1, 0, 0, 1];
  const ci = lib.metrics.accuracyCI(a, gold, { seed: 0, resamples: 500 });
  assert.equal(ci.estimate, 0.8);
  assert.equal(ci.n, 10);
  assert.ok(ci.lo < 0.8 && ci.hi > 0.8 - 1e-9 && ci.hi <= 1);
  const d = lib.metrics.accuracyDifferenceCI(a, gold, gold, { seed: 0, resamples: 500 });
  assert.ok(Math.abs(d.estimate + 0.2) < 1e-12);
  assert.ok(d.hi <= 0);
  assert.throws(() => lib.metrics.accuracyCI([1], [1, 0]), /1 predictions for 2 labels/);
  assert.deepEqual([...pl.binaryDecisions([0.2, 0.8, 0.6, 0.4, 0.5, 0.5])], [1, 0, 1]);
});

test("disagreements lists only differing predictions and counts who was right", () => {
  const r = pl.disagreements(
    ["s0", "s1", "s2", "s3"],
    [1, 0, 0, 1],
    { labels: [1, 1, 0, 0], scores: [0, 0.2, 0.1, 0.15, 0.3, 0.1, 0.2, 0.1] },
    [0.1, 0.9, 0.95, 0.05, 0.6, 0.4, 0.3, 0.7],
    ["negative", "positive"],
  );
  assert.equal(r.total, 2);
  assert.equal(r.teacherRight, 0);
  assert.equal(r.studentRight, 2);
  assert.deepEqual(
    r.rows.map((x) => x.sentence),
    ["s1", "s3"],
  );
  assert.equal(r.rows[0].teacher, "positive");
  assert.equal(r.rows[0].student, "negative");
  assert.ok(Math.abs(r.rows[0].teacherMargin - 0.05) < 1e-9);
});

test("measureThroughput counts sentences over time after a warm-up call", async () => {
  const calls = [];
  const res = await pl.measureThroughput(
    async (xs) => {
      calls.push(xs.length);
      await new Promise((r) => setTimeout(r, 20));
    },
    ["a", "b", "c", "d"],
    { warmup: 2, minSeconds: 0.05 },
  );
  assert.equal(calls[0], 2);
  assert.ok(calls.slice(1).every((n) => n === 4));
  assert.equal(res.sentences, 4 * (calls.length - 1));
  assert.ok(res.seconds >= 0.05);
  assert.ok(res.perSecond > 0 && res.perSecond < 4 / 0.015);
  await assert.rejects(
    pl.measureThroughput(async () => {}, []),
    /no texts/,
  );
});

test("prompt and variant parsing, variant options, scaling chart spec", () => {
  assert.deepEqual(pl.splitPrompts(" negative | a bad film |", "x"), ["negative", "a bad film"]);
  assert.throws(() => pl.splitPrompts(" | ", "negative"), /no prompts for negative/);
  assert.deepEqual(pl.parseVariants("bag, word-vectors"), ["bag", "word-vectors"]);
  assert.throws(() => pl.parseVariants("bag,cnn"), /unknown student variant "cnn"/);
  assert.throws(() => pl.variantOptions("word-vectors", undefined, 10, 0), /needs word vectors/);
  const o = pl.variantOptions("bag", undefined, 7, 3, 50);
  assert.equal(o.epochs, 7);
  assert.equal(o.minSteps, 50);
  assert.equal(o.embedDim, 32);
  const spec = pl.scalingChart(
    [{ size: 250, accuracy: 0.6, lo: 0.55, hi: 0.65, series: "s" }],
    [{ name: "teacher", accuracy: 0.7 }],
  );
  assert.equal(spec.layer.length, 3);
  assert.equal(spec.layer[2].data.values[0].accuracy, 0.7);
  assert.equal(spec.layer[0].encoding.x.scale.type, "log");
});

test("trainAndScore returns accuracy against gold and frees the model unless kept", async () => {
  await lib.backend.initBackend({ prefer: "wasm" });
  const texts = ["good", "good good", "bad", "bad bad", "good film", "bad film"];
  const y = [1, 1, 0, 0, 1, 0];
  const run = await pl.trainAndScore("t", texts, y, ["good", "bad"], [1, 0], {
    embedDim: 4,
    epochs: 30,
    lr: 0.05,
    keepModel: true,
  });
  assert.equal(run.trainSize, 6);
  assert.equal(run.accuracy.estimate, 1);
  assert.deepEqual([...run.pred], [1, 0]);
  assert.ok(run.model);
  assert.ok(Number.isFinite(run.finalLoss));
  run.model.dispose();
  const run2 = await pl.trainAndScore("t", texts, y, ["good"], [0], { embedDim: 4, epochs: 30, lr: 0.05 });
  assert.equal(run2.accuracy.estimate, 0);
  assert.equal(run2.model, undefined);
});
