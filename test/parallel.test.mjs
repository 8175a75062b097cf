// lib/src/parallel: independent jobs in worker threads give exactly the in-process results; failures are clear.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomLabelSource, syntheticImages as synthetic } from "./image-helpers.mjs";
import { TINY_TEXTS, tinyTextGpt } from "./gpt-tiny.mjs";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const NB01 = require("../ci/dist/notebooks.js").notebookDefaults("01_label_embeddings");
const lt = lib.experiments.labelTargets;
const { runParallel, workerCount } = lib.parallel;

const syntheticImages = (n, classes) => synthetic(n, classes, true);

const source = randomLabelSource;

const cfg = () =>
  lt.resolveConfig({
    ...NB01,
    targetRuns: "onehot@0.004,cosine:s1,emb_ce:s2",
    epochs: 1,
    zeroShotEpochs: 1,
    batchSize: 8,
    heldOutEvery: 2,
    seed: 3,
    maxStepsPerEpoch: 2,
  });

test("trainSections: worker threads give exactly the in-process results (section 2 runs + zero-shot CNN)", async () => {
  await lib.backend.initBackend({ prefer: "wasm" });
  const train = syntheticImages(32, [0, 1, 2, 3]);
  const testDs = syntheticImages(16, [0, 1, 2, 3]);
  const sources = new Map([
    ["s1", source("s1", 1)],
    ["s2", source("s2", 2)],
  ]);
  const zd = lt.zeroShotData(train, testDs, 2);
  const run = (workers) =>
    lt.trainSections(
      cfg(),
      { train, test: testDs, runSources: sources, zeroShot: zd, zeroShotSource: source("s2", 2) },
      { workers },
    );
  const one = await run(1);
  const two = await run(2);
  assert.equal(one.targets.length, 3);
  const strip = (r) => ({
    targets: r.targets.map((t) => ({
      ...t,
      trainSeconds: 0,
      history: t.history.map((h) => ({ ...h, seconds: 0, evalSeconds: 0 })),
    })),
    zs: { ...r.zeroShot.result },
    feats: r.zeroShot.features,
    hist: r.zeroShot.history.map((h) => h.loss),
  });
  assert.deepEqual(strip(two), strip(one));
  assert.equal(one.zeroShot.features.test.length, 16);
  assert.equal(one.zeroShot.features.test[0].length, 128);
  // the per-source probes on those features: same results in 2 worker threads (widest source first) as in-process
  const probeSources = [source("s1", 1), { ...source("wide", 5), dim: 8 }, source("s2", 2)];
  const p1 = await lt.zeroShotProbes(zd, one.zeroShot.features, probeSources, { ...cfg(), epochs: 2 }, { workers: 1 });
  const p2 = await lt.zeroShotProbes(zd, one.zeroShot.features, probeSources, { ...cfg(), epochs: 2 }, { workers: 2 });
  assert.deepEqual(p2, p1);
  assert.deepEqual(
    p1.map((r) => r.source),
    ["s1", "wide", "s2"],
  );
});

test("crossFitFinetune: folds in worker threads (GPT given as a checkpoint) match the in-process run", async () => {
  await lib.backend.initBackend({ prefer: "wasm" });
  const { saveGptCheckpoint, loadGptCheckpoint } = lib.models.gpt;
  const C = lib.experiments.gptEmbeddings;
  const { tok, model } = tinyTextGpt(TINY_TEXTS.slice(0, 5));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-par-"));
  saveGptCheckpoint(path.join(dir, "ck"), model, tok, {});
  model.dispose();
  const words = ["cat", "dog", "rain", "sea", "bird", "wind", "town", "park"];
  const qs = words.map((w, i) => ({
    questionId: `Q${i}`,
    question: `where is the ${w}?`,
    documentTitle: `The ${w}`,
    candidates: [
      { sentenceId: `${i}-0`, sentence: `the ${w} is here now`, label: 1 },
      { sentenceId: `${i}-1`, sentence: `no ${w} at all`, label: 0 },
    ],
  }));
  const common = {
    folds: C.questionFolds(qs, 2, 0),
    buildPairs: (tune) => C.questionAnswerPairs(tune),
    stepsFor: (f) => f + 1,
    unrelated: ["one text", "another text", "third"],
    extraTexts: ["x y"],
    finetune: { batch: 2, lr: 1e-2, temperature: 0.1, seed: 1 },
  };
  const inProcess = await C.crossFitFinetune({ ...common, load: async () => loadGptCheckpoint(path.join(dir, "ck")) });
  const workers = await C.crossFitFinetune({
    ...common,
    gpt: { id: "tinygpt-brown", dir: path.join(dir, "ck") },
    parallel: { workers: 2 },
  });
  const strip = (rs) =>
    rs.map((r) => ({ ...r, seconds: 0, before: { ...r.before, seconds: 0 }, after: { ...r.after, seconds: 0 } }));
  assert.deepEqual(strip(workers), strip(inProcess));
  assert.deepEqual(
    workers.map((r) => r.history.length),
    [2, 3],
  );
  await assert.rejects(C.crossFitFinetune({ ...common }), /exactly one of gpt/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("runParallel: a failing job rejects with its error and what to do; unknown tasks and bad EMBEDLAB_WORKERS are named", async () => {
  await lib.backend.initBackend({ prefer: "wasm" });
  const bad = {
    train: {
      kind: "cosine",
      arch: "small",
      train: syntheticImages(8, [0, 1]),
      classes: [0, 1],
      epochs: 1,
      batchSize: 4,
      schedule: "adam-warmup",
    },
    read: [],
  };
  const jobs = [lt.trainReadJob(bad), lt.trainReadJob(bad)];
  await assert.rejects(
    runParallel(jobs, { workers: 2 }),
    (e) => /needs targets/.test(e.message) && /worker thread/.test(e.message) && /EMBEDLAB_WORKERS=1/.test(e.message),
  );
  await assert.rejects(runParallel(jobs, { workers: 1 }), /needs targets/);
  const taskModule = path.join(path.dirname(require.resolve("@embedlab/lib")), "parallel", "task.js");
  const missing = { task: { module: taskModule, export: "noSuchTask" }, args: {}, local: async () => 0 };
  await assert.rejects(
    runParallel([missing, missing], { workers: 2 }),
    /"noSuchTask" is not a function exported by .*parallel.task\.js/,
  );
  // A job checks, when it is made, that the module exports the function under that name.
  assert.throws(
    () => lib.parallel.job(taskModule, "job", async () => 0, {}),
    /exports "job", but not as the function given/,
  );
  assert.deepEqual(await runParallel([]), []);
  const saved = process.env.EMBEDLAB_WORKERS;
  try {
    process.env.EMBEDLAB_WORKERS = "two";
    assert.throws(() => workerCount(3), /EMBEDLAB_WORKERS must be a positive integer/);
    process.env.EMBEDLAB_WORKERS = "1";
    assert.equal(workerCount(3), 1);
    delete process.env.EMBEDLAB_WORKERS;
    assert.equal(workerCount(1), 1);
    assert.equal(workerCount(5, { workers: 2 }), 2);
  } finally {
    if (saved === undefined) delete process.env.EMBEDLAB_WORKERS;
    else process.env.EMBEDLAB_WORKERS = saved;
  }
});
