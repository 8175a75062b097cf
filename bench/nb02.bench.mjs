// Notebook 02: embedding-bag training step (gather + mask vs dense bag matrix × table) and
// teacher (USE-lite zero-shot) vs student (embedding bag) sentences/s, measured in the same run.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const tf = require("@tensorflow/tfjs");

export const title = "nb02: student embedding bag and teacher/student throughput";

function sentences(n, rng) {
  const words = [
    "good",
    "bad",
    "film",
    "movie",
    "great",
    "dull",
    "not",
    "very",
    "story",
    "acting",
    "fun",
    "boring",
    "a",
    "the",
    "and",
    "is",
    "it",
    "'s",
    "n't",
    ".",
  ];
  return Array.from({ length: n }, () =>
    Array.from(
      { length: 6 + rng.int(14) },
      () => words[rng.int(words.length)] + (rng.next() < 0.5 ? String(rng.int(400)) : ""),
    ).join(" "),
  );
}

async function timeSteps(stepFn, n) {
  stepFn();
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) stepFn();
  return Number(process.hrtime.bigint() - t) / 1e6 / n;
}

export async function run() {
  await lib.backend.initBackend({ prefer: "wasm" });
  const rng = new lib.Rng(1);
  const texts = sentences(1000, rng);
  const S = lib.models.student;
  const index = S.buildFeatureIndex(texts);
  const model = new S.StudentModel(index, undefined, { embedDim: 32, seed: 1 });
  const B = 32;
  const batch = texts.slice(0, B);
  const x = tf.tensor2d(model.encode(batch), [B, model.maxLen]);
  const y = tf
    .oneHot(
      tf.tensor1d(
        batch.map((_, i) => i % 2),
        "int32",
      ),
      2,
    )
    .cast("float32");
  const opt = tf.train.sgd(0.1);
  const gatherStep = () =>
    tf.tidy(() => {
      opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)), false, model.trainableVariables);
    });
  const msGather = await timeSteps(gatherStep, 20);
  // Dense alternative: bag-count matrix [B, F+1] (mean weights) × table, gradient via matMul.
  const { ids, lengths } = S.encodeBags(batch, index, model.maxLen);
  const dense = new Float32Array(B * (index.size + 1));
  for (let r = 0; r < B; r++)
    for (let k = 0; k < lengths[r]; k++) dense[r * (index.size + 1) + ids[r * model.maxLen + k]] += 1 / lengths[r];
  const bag = tf.tensor2d(dense, [B, index.size + 1]);
  const w = tf.variable(tf.randomNormal([32, 2]));
  const denseStep = () =>
    tf.tidy(() => {
      opt.minimize(() => tf.losses.softmaxCrossEntropy(y, tf.matMul(tf.matMul(bag, model.embeddings), w)), false, [
        model.embeddings,
        w,
      ]);
    });
  const msDense = await timeSteps(denseStep, 20);
  tf.dispose([x, y, bag, w]);

  const probe = sentences(128, rng);
  const studentSpeed = await lib.experiments.trainWithoutLabels.measureThroughput(
    (xs) => model.predictProba(xs),
    probe,
    { minSeconds: 1 },
  );
  const enc = await lib.models.loadTextEncoder("use-lite");
  const teacher = lib.models.zeroShotClassifier(enc, {
    negative: ["negative", "a negative movie review"],
    positive: ["positive", "a positive movie review"],
  });
  const teacherSpeed = await lib.experiments.trainWithoutLabels.measureThroughput((xs) => teacher.classify(xs), probe);
  model.dispose();
  return [
    { what: `bag step, gather+mask (${index.size} features, B=${B})`, value: msGather, unit: "ms/step" },
    {
      what: "bag step, dense bag matrix × table",
      value: msDense,
      unit: "ms/step",
      note: `${(msDense / msGather).toFixed(2)}× the gather step`,
    },
    { what: "student (embedding bag) predict", value: studentSpeed.perSecond, unit: "sentences/s" },
    { what: "teacher (USE-lite zero-shot) classify", value: teacherSpeed.perSecond, unit: "sentences/s" },
    { what: "student / teacher speed", value: studentSpeed.perSecond / teacherSpeed.perSecond, unit: "×" },
  ];
}
