// Notebook 01's runs, one cell each, resumable (lib/src/experiments/label-targets/trainings.ts, run-dirs.ts,
// model.ts's checkpointDir, train/fit.ts's state): an interrupted run continues bit-identically, a finished
// run is skipped and says so, checkpoint folders are keyed by the run's settings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomLabelSource, syntheticImages } from "./image-helpers.mjs";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const NB01 = require("../ci/dist/notebooks.js").notebookDefaults("01_label_embeddings");
const lt = lib.experiments.labelTargets;
const tf = require("@tensorflow/tfjs");

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "nb01-resume-"));
const ds = syntheticImages(48, [0, 1, 2], true);
const targets = lt.targetMatrix(
  [
    [1, 0, 0, 0.2],
    [0, 1, 0, 0.1],
    [0, 0, 1, 0.3],
  ].map((r) => Float32Array.from(r)),
  { center: "none" },
);
const opts = (kind, extra = {}) => ({
  kind,
  arch: "small",
  train: ds,
  classes: [0, 1, 2],
  targets,
  epochs: 3,
  batchSize: 8,
  schedule: "adam-warmup",
  peakLr: 3e-3,
  maxStepsPerEpoch: 2,
  seed: 5,
  augment: true, // the augmentation stream must resume too
  ...extra,
});
const weightsOf = (model) => [
  ...model.net.getWeights().map((w) => Float32Array.from(w.dataSync())),
  ...(model.head ? model.head.trainableVariables.map((v) => Float32Array.from(v.dataSync())) : []),
];
const losses = (h) => h.map((r) => r.loss);

test("trainTargetModel: interrupted after epoch 1 and resumed = the uninterrupted run, bit for bit; a finished run is not trained again", async () => {
  await lib.backend.initBackend({ prefer: "wasm" });
  for (const kind of ["onehot", "emb_ce"]) {
    const full = await lt.trainTargetModel(opts(kind, { checkpointDir: path.join(tmp(), "a") }));
    assert.equal(full.resumedFromEpoch, 0);
    const ref = weightsOf(full.model);
    full.model.dispose();

    const dir = path.join(tmp(), "b");
    await assert.rejects(
      lt.trainTargetModel(
        opts(kind, {
          checkpointDir: dir,
          onEpochEnd: (r) => {
            if (r.epoch === 1) throw new Error("interrupted");
          },
        }),
      ),
      /interrupted/,
    );
    assert.equal(lib.train.checkpointProgress(dir).epoch, 1, `${kind}: the checkpoint of epoch 1 is on disk`);
    const resumed = await lt.trainTargetModel(opts(kind, { checkpointDir: dir }));
    assert.equal(resumed.resumedFromEpoch, 1);
    assert.deepEqual(losses(resumed.history), losses(full.history), `${kind}: same loss per epoch`);
    const got = weightsOf(resumed.model);
    resumed.model.dispose();
    assert.equal(got.length, ref.length);
    got.forEach((w, i) => assert.deepEqual(w, ref[i], `${kind}: weight tensor ${i} differs after resuming`));

    let epochsTrained = 0;
    const again = await lt.trainTargetModel(opts(kind, { checkpointDir: dir, onEpochEnd: () => epochsTrained++ }));
    assert.equal(again.resumedFromEpoch, 3, "the finished run is found finished");
    assert.equal(epochsTrained, 0, "and no epoch is trained again");
    weightsOf(again.model).forEach((w, i) => assert.deepEqual(w, ref[i]));
    again.model.dispose();
  }
  // a resumed run that differs would be caught: another seed gives other weights
  const other = await lt.trainTargetModel(opts("onehot", { seed: 6 }));
  const base = await lt.trainTargetModel(opts("onehot"));
  assert.notDeepEqual(weightsOf(other.model), weightsOf(base.model));
  other.model.dispose();
  base.model.dispose();
});

test("fit: `state` variables (batch-norm moving statistics) are checkpointed and restored on resume", async () => {
  await lib.backend.initBackend({ prefer: "wasm" });
  const build = () => {
    const m = tf.sequential();
    m.add(
      tf.layers.dense({ inputShape: [3], units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    );
    m.add(tf.layers.batchNormalization());
    m.add(tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    return m;
  };
  const x = tf.tensor2d(Array.from({ length: 24 }, (_, i) => [i % 5, (i * 7) % 3, i / 10]));
  const y = tf.tensor1d(
    Array.from({ length: 24 }, (_, i) => i % 2),
    "int32",
  );
  const run = async (dir, stopAt) => {
    const m = build();
    const state = m.nonTrainableWeights.map((w) => w.read());
    const o = {
      epochs: 3,
      batchSize: 8,
      seed: 2,
      checkpointDir: dir,
      state,
      progress: false,
      loss: (mm, xb, yb) => lib.losses.oneHotCrossEntropy(yb, mm.apply(xb, { training: true })),
      onEpochEnd: (r) => {
        if (r.epoch === stopAt) throw new Error("interrupted");
      },
    };
    try {
      await lib.train.fit(m, { x, y }, o);
    } catch (e) {
      if (!/interrupted/.test(String(e))) throw e;
      m.dispose();
      return undefined;
    }
    const out = [...m.trainableWeights, ...m.nonTrainableWeights].map((w) => Float32Array.from(w.read().dataSync()));
    m.dispose();
    return out;
  };
  const ref = await run(path.join(tmp(), "a"));
  const dir = path.join(tmp(), "b");
  assert.equal(await run(dir, 1), undefined);
  const got = await run(dir);
  ref.forEach((w, i) => assert.deepEqual(got[i], w, `variable ${i} (the last two are the moving mean / variance)`));
  // without `state` the moving statistics would restart from their initial values: the test can tell
  assert.ok(
    ref.slice(-2).some((w) => w.some((v) => v !== 0 && v !== 1)),
    "the moving statistics moved",
  );
  tf.dispose([x, y]);
});

test("runKey / runCheckpointDir: same settings → same folder; any training setting, image, label or target → another", () => {
  const k = lt.runKey(opts("emb_ce"));
  assert.equal(lt.runKey(opts("emb_ce", { label: "another label" })), k, "the progress label does not count");
  assert.equal(lt.runKey(opts("emb_ce", { checkpointDir: "/x" })), k);
  for (const change of [
    { peakLr: 2e-3 },
    { seed: 6 },
    { epochs: 4 },
    { maxStepsPerEpoch: 3 },
    { augment: false },
    { kind: "cosine" },
    { classes: [0, 1] },
    { train: { ...ds, labels: Int32Array.from(ds.labels, (l, i) => (i === 0 ? 1 : l)) } },
    { train: { ...ds, images: Uint8Array.from(ds.images, (v, i) => (i === 5 ? v ^ 1 : v)) } },
    { targets: targets.map((t, c) => (c === 2 ? Float32Array.from(t, (v) => -v) : t)) },
  ])
    assert.notEqual(lt.runKey(opts("emb_ce", change)), k, `changing ${Object.keys(change)[0]} changes the key`);
  const d = lt.runCheckpointDir("/root/runs", opts("emb_ce", { label: "zero-shot emb_ce:gpt3-ada" }));
  assert.equal(d, path.join("/root/runs", `zero_shot_emb_ce_gpt3_ada-${k}`));
  assert.match(k, /^[0-9a-f]{16}$/);
  assert.equal(lt.runRoot("/a/b"), path.resolve("/a/b"));
  assert.ok(lt.runRoot("").endsWith(path.join("runs", "01_label_embeddings")));
});

const source = randomLabelSource;
const cfg = () =>
  lt.resolveConfig({
    ...NB01,
    targetRuns: "onehot@0.004,emb_ce:s1",
    epochs: 2,
    zeroShotEpochs: 1,
    batchSize: 8,
    heldOutEvery: 2,
    seed: 3,
    maxStepsPerEpoch: 2,
  });

test("startTrainings: one report per run cell; a rerun skips finished runs and says so, with the same results, in-process or in worker threads", async () => {
  await lib.backend.initBackend({ prefer: "wasm" });
  const train = syntheticImages(32, [0, 1, 2, 3], true);
  const testDs = syntheticImages(16, [0, 1, 2, 3], true);
  const d = {
    train,
    test: testDs,
    runSources: new Map([["s1", source("s1", 1)]]),
    zeroShot: lt.zeroShotData(train, testDs, 2),
    zeroShotSource: source("s2", 2),
  };
  const root = tmp();
  const first = lt.startTrainings(cfg(), d, { checkpoints: root, workers: 1 });
  assert.equal(first.mode, "sequential");
  assert.deepEqual(first.names, ["onehot", "emb_ce:s1", "zero-shot emb_ce:s2"]);
  assert.match(lt.trainingsPlan(first), /one after the other/);
  const r0 = await first.target(0);
  assert.equal(r0.status, "trained");
  assert.equal(r0.fromEpoch, 0);
  assert.equal(r0.epochs, 2);
  assert.ok(r0.dir.startsWith(root));
  assert.match(
    lt.runSummary(r0),
    /^\*\*Run 1\/3 · `onehot`\*\*: trained 2 epochs in \d+ s \(final training loss [\d.]+\); test accuracy [\d.]+/,
  );
  const absent = await first.target(2);
  assert.equal(absent.status, "absent");
  assert.match(lt.runSummary(absent), /No section-2 run 3 in this configuration \(it has 2/);
  const targets1 = await first.targets();
  const zs1 = await first.zeroShot();
  assert.equal(zs1.status, "trained");
  assert.match(lt.runSummary(zs1), /unseen top-1/);

  const strip = (ts) =>
    ts.map((t) => ({ ...t, trainSeconds: 0, history: t.history.map((h) => ({ ...h, seconds: 0 })) }));
  for (const workers of [1, 2]) {
    const again = lt.startTrainings(cfg(), d, { checkpoints: root, workers });
    assert.equal(again.mode, workers === 1 ? "sequential" : "parallel");
    const s0 = await again.target(0);
    assert.equal(s0.status, "skipped", `workers ${workers}: the finished run is skipped`);
    assert.equal(s0.fromEpoch, 2);
    assert.match(lt.runSummary(s0), /finished earlier \(its checkpoint holds all 2 epochs\): training skipped/);
    assert.deepEqual(strip(await again.targets()), strip(targets1), `workers ${workers}: same results as trained`);
    const z = await again.zeroShot();
    assert.equal(z.status, "skipped");
    assert.deepEqual(z.result.result, zs1.result.result);
    assert.deepEqual(z.result.testScores, zs1.result.testScores);
  }
  const resumed = (fromEpoch) => ({ ...r0, status: "resumed", fromEpoch, epochs: 5, seconds: 12 });
  assert.match(lt.runSummary(resumed(4)), /resumed from its checkpoint after epoch 4, trained epoch 5 in 12 s/);
  assert.match(lt.runSummary(resumed(2)), /resumed from its checkpoint after epoch 2, trained epochs 3–5 in 12 s/);
  // other settings → other folders: nothing stale is reused
  const lr = lt.startTrainings({ ...cfg(), runs: cfg().runs.map((r) => ({ ...r, peakLr: 1e-3 })) }, d, {
    checkpoints: root,
    workers: 1,
  });
  assert.equal((await lr.target(0)).status, "trained");
  // a profile without parallel runs (full) never starts worker threads, whatever the worker count
  const seq = lt.startTrainings({ ...cfg(), parallelRuns: false }, d, { checkpoints: root, workers: 2 });
  assert.equal(seq.mode, "sequential");
  assert.equal(seq.workers, 1);
  // without checkpoints: no folders, trained every time
  const none = lt.startTrainings(cfg(), d, { workers: 1 });
  const n0 = await none.target(0);
  assert.equal(n0.status, "trained");
  assert.equal(n0.dir, undefined);
  assert.match(lt.trainingsPlan(none), /No checkpoints/);
});
