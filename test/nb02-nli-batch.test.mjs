// Notebook 02's NLI teacher: entailment scored in batches of (sentence, hypothesis) pairs gives the scores the
// transformers.js zero-shot-classification pipeline gives one pair at a time. Pure pieces with injected
// scorers, then end to end through transformers.js on a tiny local stand-in (test/tiny-onnx.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { writeTinyNli } from "./tiny-onnx.mjs";

const require = createRequire(import.meta.url);
const NB02 = require("../ci/dist/notebooks.js").notebookDefaults("02_train_without_labels");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-nli-"));
process.env.EMBEDLAB_CACHE_DIR = tmp;
process.env.EMBEDLAB_DEVICE = "cpu";
delete process.env.EMBEDLAB_ALLOW_REMOTE;
delete process.env.EMBEDLAB_DTYPE;
const { models, experiments } = require("@embedlab/lib");
const X = experiments.trainWithoutLabels;

const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test("nliLabelIds reads entailment/contradiction from label2id or id2label, case-insensitive, and throws without them", () => {
  assert.deepEqual(models.nliLabelIds({ label2id: { contradiction: 0, neutral: 1, entailment: 2 } }), {
    entailment: 2,
    contradiction: 0,
  });
  // cross-encoder NLI models order their labels differently
  assert.deepEqual(models.nliLabelIds({ id2label: { 0: "CONTRADICTION", 1: "ENTAILMENT", 2: "NEUTRAL" } }), {
    entailment: 1,
    contradiction: 0,
  });
  assert.deepEqual(models.nliLabelIds({ id2label: { 0: "entailment", 1: "not_entailment" } }), {
    entailment: 0,
    contradiction: 1,
  });
  assert.throws(() => models.nliLabelIds({ id2label: { 0: "LABEL_0", 1: "LABEL_1" } }, "org/m"), /org\/m.*entailment/);
});

test("zeroShotProbabilities: softmax of entailment over candidates; one candidate or multiLabel: per-candidate [contradiction, entailment]", () => {
  const ids = { contradiction: 0, entailment: 2 };
  const rows = [
    [1, 0, 3],
    [0.5, 9, 1],
  ];
  const p = models.zeroShotProbabilities(rows, ids);
  const e = [Math.exp(3), Math.exp(1)];
  close(p[0], e[0] / (e[0] + e[1]), 1e-12, "multi-class 0");
  close(p[1], e[1] / (e[0] + e[1]), 1e-12, "multi-class 1");
  const ml = models.zeroShotProbabilities(rows, ids, true);
  close(ml[0], Math.exp(3) / (Math.exp(1) + Math.exp(3)), 1e-12, "multi-label 0"); // neutral ignored
  close(ml[1], Math.exp(1) / (Math.exp(0.5) + Math.exp(1)), 1e-12, "multi-label 1");
  const one = models.zeroShotProbabilities([rows[0]], ids);
  close(one[0], ml[0], 1e-12, "single candidate");
});

test("batchedEntailment: every pair scored once, batches of at most batchSize, results in the pairs' order", async () => {
  const pairs = Array.from({ length: 11 }, (_, i) => ({
    premise: "w".repeat((i * 7) % 5) + `s${i}`,
    hypothesis: `h${i % 3}`,
  }));
  const calls = [];
  const score = async (ps, hs) => {
    calls.push(ps.length);
    return ps.map((p, j) => [p.length, Number(hs[j].slice(1)), Number(p.match(/s(\d+)/)[1])]);
  };
  const out = await models.batchedEntailment(pairs, score, 4);
  assert.deepEqual(calls, [4, 4, 3]);
  out.forEach((r, i) => assert.deepEqual([...r], [pairs[i].premise.length, i % 3, i], `pair ${i}`));
  await assert.rejects(
    models.batchedEntailment(pairs, async () => [], 4),
    /0 logit rows|returned 0/,
  );
  await assert.rejects(models.batchedEntailment(pairs, score, 0), /batch size/);
});

test("nliZeroShot fills the template with label phrases, scores all phrases per text, a label takes its best phrase", async () => {
  const seen = [];
  // entailment logit = a fixed number per hypothesis plus the premise length
  const base = { "This example is negative.": 0, "This example is bad.": 2, "This example is positive.": 1 };
  const scorer = {
    id: "fake",
    labelIds: { contradiction: 0, entailment: 1 },
    logits: async (ps, hs) => {
      seen.push(...hs);
      return ps.map((p, j) => [0, base[hs[j]] + p.length / 10]);
    },
  };
  const clf = models.nliZeroShot(scorer, { negative: ["negative", "bad"], positive: ["positive"] }, { batchSize: 2 });
  assert.deepEqual(clf.labels, ["negative", "positive"]);
  const [r] = await clf.classify(["abc"]);
  assert.deepEqual(new Set(seen), new Set(Object.keys(base)));
  const z = [0.3, 2.3, 1.3].map(Math.exp);
  const sum = z[0] + z[1] + z[2];
  close(r.scores.negative, z[1] / sum, 1e-9, "negative = its best phrase (bad)");
  close(r.scores.positive, z[2] / sum, 1e-9, "positive");
  assert.equal(r.label, "negative");
  assert.throws(() => models.nliZeroShot(scorer, { a: ["x"] }, { hypothesisTemplate: "no slot" }), /\{\}/);
});

test("NLI teachers get label-phrase prompts; embedding teachers keep their cosine prompts (quick defaults unchanged)", () => {
  const params = { ...NB02, dataRoot: "" };
  const quick = X.resolveConfig(params);
  assert.deepEqual(quick.promptSets, {
    ensemble: {
      negative: ["negative", "a negative movie review", "this movie is bad"],
      positive: ["positive", "a positive movie review", "this movie is good"],
    },
    alternative: { negative: ["negative"], positive: ["positive"] },
  });
  const full = X.resolveConfig({ ...params, profile: "full" });
  assert.match(full.teacherId, /^nli:/);
  assert.deepEqual(full.promptSets.alternative, { negative: ["negative"], positive: ["positive"] });
  for (const ps of Object.values(full.promptSets))
    for (const p of [...ps.negative, ...ps.positive])
      assert.doesNotMatch(p, /^this /i, `"${p}" is a sentence, not a label phrase`);
  // explicit prompts still win
  assert.deepEqual(
    X.resolveConfig({ ...params, profile: "full", negativePrompts: "awful|dull" }).promptSets.ensemble.negative,
    ["awful", "dull"],
  );
});

const texts = ["a great film .", "the plot is bad", "not good", "awful", "this movie is a good review of the plot"];
const labels = { negative: ["negative", "bad"], positive: ["positive", "a good movie"] };

test("end to end: batched NLI scores through AutoModelForSequenceClassification equal the pipeline's per-pair scores", async () => {
  const id = "test-org/tiny-nli";
  writeTinyNli(models.hfLocalModelPath(id));
  const t = require("@huggingface/transformers");
  const pipe = await models.hfLoad(id, {}, "fp32", (s) => t.pipeline("zero-shot-classification", id, s));
  const phrases = Object.values(labels).flat();
  const owner = Object.entries(labels).flatMap(([l, ps]) => ps.map(() => l));
  const clf = await models.hfZeroShot(id, labels, { batchSize: 3 });
  const got = await clf.classify(texts);
  for (const [i, text] of texts.entries()) {
    const ref = await pipe(text, phrases); // one forward pass per (text, hypothesis) pair
    const want = { negative: -Infinity, positive: -Infinity };
    ref.labels.forEach(
      (p, j) => (want[owner[phrases.indexOf(p)]] = Math.max(want[owner[phrases.indexOf(p)]], ref.scores[j])),
    );
    for (const l of Object.keys(labels)) close(got[i].scores[l], want[l], 1e-5, `text ${i} ${l}`);
    assert.equal(got[i].label, want.negative > want.positive ? "negative" : "positive");
  }
  // the scores are not all alike (the stand-in separates texts), so the comparison above means something
  const spread = Math.max(...got.map((r) => r.scores.negative)) - Math.min(...got.map((r) => r.scores.negative));
  assert.ok(spread > 0.01, `spread ${spread}`);
  await clf.dispose();
  await pipe.dispose();
});

test("end to end: a padded batch's logits equal one pair at a time; label order comes from the config", async () => {
  const id = "test-org/tiny-nli-reordered";
  writeTinyNli(models.hfLocalModelPath(id), { labelOrder: ["contradiction", "entailment", "neutral"] });
  const nli = await models.loadHfNli(id);
  assert.deepEqual(nli.labelIds, { contradiction: 0, entailment: 1 });
  const hyps = texts.map((_, i) => (i % 2 ? "This example is bad." : "This example is a good movie."));
  const batch = await nli.logits(texts, hyps);
  for (const [i, text] of texts.entries()) {
    const [one] = await nli.logits([text], [hyps[i]]);
    one.forEach((x, j) => close(batch[i][j], x, 1e-5, `pair ${i} logit ${j}`));
  }
  // the NLI teacher of notebook 02 runs on the same model (loaded once, prompts swapped without a reload)
  const teacherModel = await X.loadTeacherModel(`nli:${id}`);
  const a = teacherModel.withPrompts({ negative: ["negative"], positive: ["positive"] });
  const b = teacherModel.withPrompts(labels);
  const la = await X.teacherLabels(a.classifier, texts, X.CLASSES);
  const lb = await X.teacherLabels(b.classifier, texts, X.CLASSES);
  assert.equal(la.scores.length, texts.length * 2);
  assert.equal(lb.scores.length, texts.length * 2);
  assert.equal(a.provenance.hypothesisTemplate, "This example is {}.");
  await teacherModel.dispose();
  await nli.dispose();
});

test("choosePrompts loads the NLI model once for both prompt sets and the chosen teacher; dispose frees it", async () => {
  const id = "test-org/tiny-nli-once";
  writeTinyNli(models.hfLocalModelPath(id));
  const t = require("@huggingface/transformers");
  const cls = t.AutoModelForSequenceClassification;
  const original = cls.from_pretrained;
  let loads = 0;
  let disposed = 0;
  cls.from_pretrained = async function (...args) {
    loads++;
    const m = await original.apply(this, args);
    const dispose = m.dispose.bind(m);
    m.dispose = async () => (disposed++, dispose());
    return m;
  };
  try {
    const choice = await X.choosePrompts(
      {
        teacherId: `nli:${id}`,
        profile: "quick",
        promptSets: {
          ensemble: { negative: ["negative", "bad"], positive: ["positive", "good"] },
          alternative: { negative: ["negative"], positive: ["positive"] },
        },
      },
      texts,
      [1, 0, 0, 0, 1],
    );
    assert.equal(choice.rows.length, 2);
    assert.equal(loads, 1);
    await X.teacherLabels(choice.teacher.classifier, texts, X.CLASSES);
    assert.equal(loads, 1);
    await choice.model.dispose();
    assert.equal(disposed, 1);
  } finally {
    cls.from_pretrained = original;
  }
});
