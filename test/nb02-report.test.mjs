import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const NB02 = require("../ci/dist/notebooks.js").notebookDefaults("02_train_without_labels");
const X = require("@embedlab/lib").experiments.trainWithoutLabels;

/** The numbers of the committed quick run (outputs/02, USE-lite teacher). */
function committedRun() {
  return {
    teacherId: "use-lite",
    promptSet: "ensemble",
    altPromptAccuracy: 0.612,
    teacherParams: 6975914,
    teacherCache: { hits: 6, misses: 4872 },
    evalSize: 872,
    sampleSize: 1000,
    poolSize: 4000,
    confidentFraction: 0.5,
    arch: "word-vectors",
    teacher: { estimate: 0.7259174311926605, lo: 0.696072247706422, hi: 0.7557339449541285 },
    student: {
      estimate: 0.7144495412844036,
      lo: 0.6834862385321101,
      hi: 0.7431192660550459,
      finalLoss: 0.5925984056666493,
      trainableParams: 202,
      frozenParams: 1349800,
    },
    gold: { estimate: 0.6880733944954128, lo: 0.658, hi: 0.719, finalLoss: 0.5308810668066144 },
    gap: { estimate: -0.011467889908256881, lo: -0.047047018348623855, hi: 0.02408256880733945 },
    sampleLabelAccuracy: 0.709,
    scaling: [
      { size: 250, estimate: 0.6674311926605505, lo: 0.6375860091743119, hi: 0.6995412844036697 },
      { size: 1000, estimate: 0.7144495412844036, lo: 0.6834862385321101, hi: 0.7431192660550459 },
      { size: 4000, estimate: 0.7236238532110092, lo: 0.6938073394495413, hi: 0.7522935779816514 },
    ],
    confident: { accuracy: 0.7201834862385321, labelAccuracy: 0.8305 },
    speed: { teacher: 69.64726514003262, student: 30164.973548819136, speedup: 433.11066828208567 },
    disagreements: { total: 252, teacherRight: 131, studentRight: 121 },
    totalSeconds: 76.865,
  };
}

const KEYS = [
  "teacher_dev_acc",
  "teacher_dev_acc_lo",
  "teacher_dev_acc_hi",
  "student_dev_acc",
  "student_dev_acc_lo",
  "student_dev_acc_hi",
  "student_minus_teacher",
  "student_minus_teacher_lo",
  "student_minus_teacher_hi",
  "gold_student_dev_acc",
  "gold_student_final_loss",
  "student_final_loss",
  "gold_minus_pseudo",
  "scaling_acc_250",
  "scaling_acc_1000",
  "scaling_acc_4000",
  "largest_pool_minus_teacher",
  "confident_dev_acc",
  "confident_label_acc",
  "sample_label_acc",
  "teacher_sentences_per_s",
  "student_sentences_per_s",
  "speedup",
  "student_trainable_params",
  "teacher_params",
  "student_frozen_params",
  "disagreements",
  "total_s",
  "teacher_cache_misses",
  "teacher_cache_hits",
];

test("metrics: the 30 flat keys of the committed run, in order, with its values", () => {
  const m = X.metrics(committedRun());
  assert.deepEqual(Object.keys(m), KEYS);
  assert.equal(m.teacher_dev_acc, 0.7259174311926605);
  assert.equal(m.student_minus_teacher, -0.011467889908256881);
  assert.equal(m.gold_minus_pseudo, 0.6880733944954128 - 0.7144495412844036);
  assert.equal(m.scaling_acc_4000, 0.7236238532110092);
  assert.equal(m.largest_pool_minus_teacher, 0.7236238532110092 - 0.7259174311926605);
  assert.equal(m.confident_label_acc, 0.8305);
  assert.equal(m.teacher_params, 6975914);
  assert.equal(m.teacher_cache_misses, 4872);
  assert.equal(m.teacher_cache_hits, 6);
  assert.equal(m.disagreements, 252);
  assert.equal(m.total_s, 76.865);
});

test("metrics: teacher params and cache stats only when known (NLI teacher)", () => {
  const m = X.metrics({
    ...committedRun(),
    teacherId: "nli:Xenova/bart-large-mnli",
    teacherParams: undefined,
    teacherCache: undefined,
  });
  assert.equal(Object.keys(m).length, 27);
  for (const k of ["teacher_params", "teacher_cache_misses", "teacher_cache_hits"]) assert.ok(!(k in m), k);
});

test("conclusion: the committed run's five paragraphs", () => {
  const paras = X.conclusion(committedRun()).split("\n\n");
  assert.equal(paras.length, 5);
  assert.deepEqual(
    paras.map((p) => p.match(/^\*\*([^*]+)\.\*\*/)[1]),
    ["Teacher", "Student", "Cost", "More unlabelled data", "Disagreements"],
  );
  assert.equal(
    paras[0],
    `**Teacher.** use-lite zero-shot with the "ensemble" prompts reaches 72.6 % on the 872 dev sentences (95 % CI 69.6 %–75.6 %); the original's deberta-large-mnli teacher (400M parameters) reached 88.19 %, 15.6 points above this one: here the teacher is a 7.0M-weight sentence encoder scoring cosine similarity to a few prompts, not an NLI model trained to judge whether "this example is positive" follows from the text (with the original's single label words it scores 61.2 % on the selection slice). Its labels of the 1000-sentence sample are 70.9 % correct.`,
  );
  assert.equal(
    paras[1],
    "**Student.** The word-vectors student trained on those 1000 pseudo-labels only reaches 71.4 %: −1.1 points vs its teacher (paired 95 % CI −4.7 points to +2.4 points; the original: 87.39 % vs 88.19 %, −0.8 points). It is within 2 points of its teacher or better, as in the original. The same student trained on the *gold* labels of the same sentences reaches 68.8 % (95 % CI 65.8 %–71.9 %), −2.6 points vs pseudo-labels — gold labels do not help this student here (the CIs overlap).",
  );
  assert.equal(
    paras[2],
    "**Cost.** The student classifies 30165 sentences/s against the teacher's 70 on this machine: 433× faster, with 202 trained parameters (+ 1,349,800 frozen word-vector values) against the teacher's 6,975,914.",
  );
  assert.equal(
    paras[3],
    "**More unlabelled data.** 250: 66.7 %, 1000: 71.4 %, 4000: 72.4 %. With 4000 pseudo-labelled sentences the student is at −0.2 points vs its teacher — it does not pass its teacher (CIs overlap: yes). Keeping only the 50 % most confident labels of 4000 (label accuracy 83.0 %) gives 72.0 %.",
  );
  assert.equal(
    paras[4],
    "**Disagreements.** Teacher and student disagree on 252 dev sentences; the teacher is right on 131, the student on 121.",
  );
});

test("conclusion: the 'within 2 points' threshold (CLOSE_TO_TEACHER) and its branches", () => {
  assert.equal(X.CLOSE_TO_TEACHER, 0.02);
  assert.equal(X.ORIGINAL_TEACHER_ACC, 0.8819);
  assert.ok(X.closeToTeacher(-0.02) && X.closeToTeacher(0.05) && !X.closeToTeacher(-0.0201));
  const far = X.conclusion({ ...committedRun(), gap: { estimate: -0.035, lo: -0.07, hi: 0 } });
  assert.match(far, /−3\.5 points vs its teacher/);
  assert.match(far, /It falls more than 2 points short of its teacher\./);
  const above = X.conclusion({ ...committedRun(), gap: { estimate: 0.04, lo: 0.01, hi: 0.07 } });
  assert.match(above, /It is within 2 points of its teacher or better, as in the original\./);
});

test("conclusion: gold-label note, NLI teacher, passing the teacher, non-overlapping CIs", () => {
  const base = committedRun();
  // gold better than pseudo: no note
  const goldBetter = X.conclusion({ ...base, gold: { estimate: 0.75, lo: 0.72, hi: 0.78, finalLoss: 0.4 } });
  assert.match(goldBetter, /reaches 75\.0 % \(95 % CI 72\.0 %–78\.0 %\), \+3\.6 points vs pseudo-labels\./);
  assert.doesNotMatch(goldBetter, /gold labels do not help/);
  // gold worse, CIs apart, and a higher gold training loss: the loss explanation
  const goldWorse = X.conclusion({ ...base, gold: { estimate: 0.6, lo: 0.57, hi: 0.63, finalLoss: 0.7 } });
  assert.match(
    goldWorse,
    /gold labels do not help this student here \(the CIs do not overlap\); its training loss ends at 0\.700 on gold labels vs 0\.593 on pseudo-labels: /,
  );
  // an NLI teacher: no comparison with the embedding teacher, no weight count
  const nli = X.conclusion({
    ...base,
    teacherId: "nli:Xenova/bart-large-mnli",
    teacherParams: undefined,
    teacherCache: undefined,
  });
  assert.match(nli, /reached 88\.19 %\. Its labels of the 1000-sentence sample/);
  assert.match(nli, /frozen word-vector values\)\.\n/);
  // the largest pool passes the teacher, CIs apart
  const scaling = [...base.scaling.slice(0, 2), { size: 4000, estimate: 0.8, lo: 0.77, hi: 0.83 }];
  const pass = X.conclusion({ ...base, scaling });
  assert.match(pass, /at \+7\.4 points vs its teacher — it passes its teacher \(CIs overlap: no\)/);
});

test("resolveConfig: profile defaults, parsed prompt sets and variants", () => {
  const params = {
    ...NB02,
    dataRoot: "",
    negativePrompts: "negative|a negative movie review",
    positivePrompts: "positive| a positive movie review ",
    altNegativePrompts: "negative",
    altPositivePrompts: "positive",
    studentVariants: "word-vectors,bag",
  };
  const q = X.resolveConfig(params);
  assert.equal(q.teacherId, "use-lite");
  assert.deepEqual(q.sizes, [250, 1000, 4000]);
  assert.equal(q.poolSize, 4000);
  assert.deepEqual(q.promptSets.ensemble.positive, ["positive", "a positive movie review"]);
  assert.deepEqual(q.promptSets.alternative, { negative: ["negative"], positive: ["positive"] });
  assert.deepEqual(q.variants, ["word-vectors", "bag"]);
  assert.equal(q.arch, "auto");
  const f = X.resolveConfig({ ...params, profile: "full" });
  assert.equal(f.teacherId, "nli:Xenova/bart-large-mnli");
  assert.deepEqual(f.sizes, [250, 1000, 4000, 16000]);
  assert.equal(f.poolSize, 16000);
  const o = X.resolveConfig({
    ...params,
    scalingSizes: "100,2000",
    sampleSize: 3000,
    teacherModel: "glove-100d",
    studentArch: "bag",
  });
  assert.deepEqual(o.sizes, [100, 2000]);
  assert.equal(o.poolSize, 3000);
  assert.equal(o.teacherId, "glove-100d");
  assert.equal(o.arch, "bag");
  assert.throws(() => X.resolveConfig({ ...params, studentArch: "cnn" }), /unknown student variant "cnn"/);
  assert.throws(() => X.resolveConfig({ ...params, altPositivePrompts: " | " }), /no prompts for positive \(alt\)/);
  assert.throws(() => X.resolveConfig({ ...params, profile: "huge" }), /unknown profile/);
});
