// Notebook 02's fine-tuned transformer student end to end on a tiny random BERT folder: resolveConfig's profile
// defaults, trainStudents with the fastText-style baseline, measureCost, the tables, metrics and conclusion.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const require = createRequire(import.meta.url);
const NB02 = require("../ci/dist/notebooks.js").notebookDefaults("02_train_without_labels");
const lib = require("@embedlab/lib");
const tf = require("@tensorflow/tfjs");
const X = lib.experiments.trainWithoutLabels;

before(async () => {
  await lib.backend.initBackend({ prefer: "wasm" });
});

const PARAMS = {
  ...NB02,
  dataRoot: "",
  negativePrompts: "negative",
  positivePrompts: "positive",
  altNegativePrompts: "negative",
  altPositivePrompts: "positive",
  studentVariants: "bag",
  epochs: 2,
  minSteps: 0,
  throughputSentences: 20,
};

test("resolveConfig: quick keeps the fastText-style student only; full fine-tunes the original's ELECTRA", () => {
  assert.equal(X.resolveConfig(PARAMS).studentModelId, null);
  assert.equal(X.resolveConfig({ ...PARAMS, studentModel: "" }).studentModelId, null);
  assert.equal(X.resolveConfig({ ...PARAMS, profile: "full" }).studentModelId, "google/electra-base-discriminator");
  assert.equal(X.resolveConfig({ ...PARAMS, profile: "full", studentModel: "none" }).studentModelId, null);
  assert.equal(X.resolveConfig({ ...PARAMS, studentModel: "/some/folder" }).studentModelId, "/some/folder");
  assert.equal(lib.models.bert.BERT_STUDENT_MODEL_ID, "google/electra-base-discriminator");
});

test("trainStudents with a fine-tuned BERT-family student keeps the fastText-style student as the baseline row", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nb02-bert-"));
  lib.models.bert.writeTinyBert(dir, { seed: 2, std: 0.05 });
  const pos = ["good", "great", "fun", "love", "best"];
  const neg = ["bad", "awful", "boring", "hate", "worst"];
  const make = (n, off) =>
    Array.from({ length: n }, (_, i) => {
      const label = i % 2;
      const w = (label ? pos : neg)[(i + off) % 5];
      return { sentence: `the movie is ${w}`, label };
    });
  const sample = make(16, 0);
  const evalRows = make(10, 3);
  const s = {
    sample,
    sampleTexts: sample.map((r) => r.sentence),
    evalTexts: evalRows.map((r) => r.sentence),
    evalGold: evalRows.map((r) => r.label),
  };
  // a teacher that is right on all but one sample sentence
  const sampleLabels = Int32Array.from(sample.map((r, i) => (i === 3 ? 1 - r.label : r.label)));
  const labels = { sample: { labels: sampleLabels }, eval: { labels: Int32Array.from(s.evalGold) } };
  const wordVectors = lib.models.student.wordVectorsFor(s.sampleTexts);
  const cfg = { ...X.resolveConfig({ ...PARAMS, studentModel: dir }), epochs: 2 };
  const before = tf.memory().numTensors;
  const st = await X.trainStudents(cfg, { chosen: "bag", wordVectors }, s, labels);
  assert.equal(st.arch, `fine-tuned ${dir}`);
  assert.ok(st.baseline, "baseline row");
  assert.equal(st.baseline.arch, "bag");
  assert.equal(st.pseudo.epochs, X.FINETUNE_SETTINGS.epochs);
  assert.equal(st.pseudo.params.frozen, 0);
  assert.ok(st.pseudo.params.trainable > 5000, "the whole encoder is trained");
  assert.ok(st.pseudo.model && st.baseline.model && !st.gold.model, "pseudo and baseline models kept, gold freed");
  const teacher = { uncached: { classify: async (xs) => xs.map(() => 0) }, id: "fake", params: 7 };
  const cost = await X.measureCost(teacher, st, s.evalTexts, 5);
  assert.ok(cost.baseline && cost.baseline.perSecond > 0 && cost.student.perSecond > 0);
  const [rows] = X.costTable(teacher, st, cost);
  assert.deepEqual(
    rows.map((r) => r.model),
    ["teacher: fake zero-shot", `student: fine-tuned ${dir}`, "baseline student: bag"],
  );
  assert.match(rows[1].parameters, /all fine-tuned/);
  const [gapRows] = X.gapTable(st);
  assert.deepEqual(
    gapRows.map((r) => r.student),
    [`fine-tuned ${dir}`, "baseline: bag"],
  );
  const chart = X.accuracyChart({ estimate: 0.8, lo: 0.7, hi: 0.9 }, st, 10, 16);
  assert.equal(chart.data.values.length, 4, "teacher, student, gold student and baseline bars");
  X.disposeStudents(st);
  assert.equal(tf.memory().numTensors, before, "every kept model disposed");
});

test("metrics and conclusion: baseline keys and sentences only when there is a baseline", () => {
  const base = {
    teacherId: "nli:x",
    promptSet: "ensemble",
    altPromptAccuracy: 0.8,
    evalSize: 872,
    sampleSize: 1000,
    poolSize: 4000,
    confidentFraction: 0.5,
    arch: "fine-tuned google/electra-base-discriminator",
    teacher: { estimate: 0.88, lo: 0.86, hi: 0.9 },
    student: { estimate: 0.87, lo: 0.85, hi: 0.89, finalLoss: 0.2, trainableParams: 108893186, frozenParams: 0 },
    gold: { estimate: 0.9, lo: 0.88, hi: 0.92, finalLoss: 0.1 },
    gap: { estimate: -0.01, lo: -0.03, hi: 0.01 },
    sampleLabelAccuracy: 0.88,
    scaling: [{ size: 250, estimate: 0.7, lo: 0.67, hi: 0.73 }],
    confident: { accuracy: 0.72, labelAccuracy: 0.9 },
    speed: { teacher: 20, student: 400, speedup: 20 },
    disagreements: { total: 50, teacherRight: 30, studentRight: 20 },
    totalSeconds: 100,
  };
  const plain = X.metrics(base);
  assert.ok(!("baseline_student_dev_acc" in plain));
  const withB = {
    ...base,
    baseline: {
      estimate: 0.74,
      lo: 0.71,
      hi: 0.77,
      arch: "word-vectors",
      gap: { estimate: -0.14, lo: -0.17, hi: -0.11 },
      sentencesPerS: 30000,
    },
  };
  const m = X.metrics(withB);
  assert.equal(m.baseline_student_dev_acc, 0.74);
  assert.equal(m.baseline_minus_teacher, -0.14);
  assert.equal(m.baseline_sentences_per_s, 30000);
  assert.ok(Math.abs(m.student_minus_baseline - 0.13) < 1e-12);
  const c = X.conclusion(withB).split("\n\n");
  assert.match(
    c[1],
    /The cheap baseline, the word-vectors fastText-style student on the same pseudo-labels, reaches 74\.0 %/,
  );
  assert.match(c[1], /the fine-tuned student is \+13\.0 points vs it\./);
  assert.match(c[2], /with 108,893,186 trained parameters\. The word-vectors baseline classifies 30000 sentences\/s\./);
  assert.doesNotMatch(c[2], /frozen word-vector/);
  assert.match(c[3], /\(the word-vectors baseline student: the fine-tuned one is not re-trained per pool size\)/);
  assert.match(c[3], /With 250 pseudo-labelled sentences the baseline student is at/);
  assert.doesNotMatch(X.conclusion(base), /baseline/);
});
