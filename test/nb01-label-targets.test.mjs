// Notebook 01 (lib/src/experiments/label-targets): targets, run specs, config, zero-shot scoring, ordering helpers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { syntheticImages } from "./image-helpers.mjs";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const NB01 = require("../ci/dist/notebooks.js").notebookDefaults("01_label_embeddings");
const lt = lib.experiments.labelTargets;

const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);

test("targetMatrix: raw rows are unit length and keep their direction", () => {
  const v = [Float32Array.from([3, 4]), Float32Array.from([0, 2])];
  const t = lt.targetMatrix(v, { center: "none" });
  assert.ok(Math.abs(t[0][0] - 0.6) < 1e-6 && Math.abs(t[0][1] - 0.8) < 1e-6);
  assert.ok(Math.abs(norm(Array.from(t[1])) - 1) < 1e-6);
});

test("targetMatrix: seen-centring subtracts the seen classes' mean only", () => {
  // Similar raw vectors (cosine ~0.99) become well separated once the seen mean is removed.
  const v = [
    [10, 1, 0],
    [10, 0, 1],
    [10, -1, 0],
    [10, 0, -1],
  ].map((r) => Float32Array.from(r));
  const raw = lt.targetMatrix(v, { center: "none" });
  assert.ok(dot(raw[0], raw[2]) > 0.97);
  const c = lt.targetMatrix(v, { center: "seen", seen: [0, 1, 2] });
  // seen mean = [10, 0, 1/3]; class 0 → [0, 1, -1/3] normalised
  const e = [0, 1, -1 / 3].map((x) => x / norm([0, 1, -1 / 3]));
  c[0].forEach((x, i) => assert.ok(Math.abs(x - e[i]) < 1e-6, `component ${i}: ${x} vs ${e[i]}`));
  // the unseen class 3 is centred with the same (seen) mean: [0, 0, -4/3] → [0, 0, -1]
  assert.deepEqual(
    Array.from(c[3]).map((x) => Math.round(x * 1e6) / 1e6),
    [0, 0, -1],
  );
  // changing the unseen vector does not move the seen targets
  const v2 = v.slice(0, 3).concat([Float32Array.from([99, 5, 5])]);
  const c2 = lt.targetMatrix(v2, { center: "seen", seen: [0, 1, 2] });
  assert.deepEqual(Array.from(c2[0]), Array.from(c[0]));
});

test("targetMatrix: clear errors for bad input", () => {
  assert.throws(() => lt.targetMatrix([], { center: "none" }), /no label vectors/);
  assert.throws(() => lt.targetMatrix([Float32Array.from([1, 2]), Float32Array.from([1])], { center: "none" }), /dims/);
  assert.throws(() => lt.targetMatrix([Float32Array.from([1, 2])], { center: "seen", seen: [3] }), /seen class 3/);
  assert.throws(
    () => lt.targetMatrix([Float32Array.from([1, 2]), Float32Array.from([1, 2])], { center: "seen" }),
    /zero after centring/,
  );
  assert.throws(() => lt.targetMatrix([Float32Array.from([1, 2])], { center: "mean" }), /unknown centering/);
});

test("parseRunSpec and parseSourceId", () => {
  assert.deepEqual(lt.parseRunSpec("onehot"), { kind: "onehot", name: "onehot" });
  assert.deepEqual(lt.parseRunSpec(" emb_ce:gpt3-davinci "), {
    kind: "emb_ce",
    source: "gpt3-davinci",
    name: "emb_ce:gpt3-davinci",
  });
  assert.throws(() => lt.parseRunSpec("cosine"), /needs a label source/);
  assert.throws(() => lt.parseRunSpec("onehot:use-lite"), /no label source/);
  assert.throws(() => lt.parseRunSpec("hinge:use-lite"), /bad target run/);
  assert.deepEqual(lt.parseRunSpec("onehot@0.004"), { kind: "onehot", name: "onehot", peakLr: 0.004 });
  assert.deepEqual(lt.parseRunSpec("cosine:gpt3-davinci@2e-3"), {
    kind: "cosine",
    source: "gpt3-davinci",
    name: "cosine:gpt3-davinci",
    peakLr: 0.002,
  });
  for (const bad of ["onehot@", "onehot@-1", "onehot@x", "onehot@0.1@0.2"])
    assert.throws(() => lt.parseRunSpec(bad), /bad learning rate/);
  assert.deepEqual(lt.parseSourceId("gpt3-ada-desc"), { family: "gpt3", size: "ada", texts: "descriptions" });
  assert.deepEqual(lt.parseSourceId("glove-100d"), { family: "glove-100d", texts: "names" });
  assert.throws(() => lt.parseSourceId("gpt3-gpt4"), /unknown GPT-3 size/);
  assert.throws(() => lt.parseSourceId("bert"), /unknown label source/);
  assert.deepEqual(lt.parseSourceId("onehot-vectors"), { family: "onehot-vectors", texts: "names" });
  assert.throws(() => lt.parseSourceId("onehot-vectors-desc"), /embed no text/);
  assert.deepEqual(lt.parseSourceId("hub-minilm-desc"), {
    family: "hub",
    model: "Xenova/all-MiniLM-L6-v2",
    texts: "descriptions",
  });
  assert.throws(() => lt.parseSourceId("hub-gpt5"), /unknown hub encoder.*\n.*hub-minilm \/ hub-bge-small/s);
});

test("a hub label source that cannot load stops the run (not a 'missing' row); quick leaves the hub alone", async () => {
  const saved = { ...process.env };
  process.env.EMBEDLAB_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-hubsrc-"));
  process.env.HF_HOME = process.env.EMBEDLAB_CACHE_DIR;
  delete process.env.EMBEDLAB_ALLOW_REMOTE;
  delete process.env.EMBEDLAB_PROFILE;
  try {
    await assert.rejects(lt.loadLabelSources(["onehot-vectors", "hub-minilm"], "cifar10"), /all-MiniLM-L6-v2/);
    const { missing } = await lt.loadLabelSources(["gpt3-davinci"], "cifar100", {
      root: process.env.EMBEDLAB_CACHE_DIR,
    });
    assert.equal(missing.length, 1, "a data file that is absent is still reported, not thrown");
  } finally {
    fs.rmSync(process.env.EMBEDLAB_CACHE_DIR, { recursive: true, force: true });
    process.env = saved;
  }
});

test("resolveConfig: embedders / probeSources default to the profile's (full adds the hub encoder)", () => {
  const base = { targetRuns: "", epochs: 0, zeroShotEpochs: 0, batchSize: 0, schedule: "", peakLr: 0.002, warmup: 0.1 };
  const p = { ...base, augment: true, temperature: 0.1, center: "seen", regressionSpace: "", heldOutEvery: 5 };
  const q = lt.resolveConfig({
    ...p,
    profile: "quick",
    embedders: "",
    probeSources: "",
    seed: 1,
    trainLimit: 0,
    maxStepsPerEpoch: 0,
  });
  assert.equal(q.embedders, lt.PROFILES.quick.embedders);
  assert.ok(!q.probeSources.includes("hub-"));
  const f = lt.resolveConfig({
    ...p,
    profile: "full",
    embedders: "",
    probeSources: "",
    seed: 1,
    trainLimit: 0,
    maxStepsPerEpoch: 0,
  });
  assert.ok(f.embedders.split(",").includes("hub-minilm") && f.probeSources.split(",").includes("hub-minilm-desc"));
  const own = lt.resolveConfig({
    ...p,
    profile: "full",
    embedders: "use-lite",
    probeSources: "glove-100d",
    seed: 1,
    trainLimit: 0,
    maxStepsPerEpoch: 0,
  });
  assert.deepEqual([own.embedders, own.probeSources, own.profile], ["use-lite", "glove-100d", "full"]);
});

test("the onehot-vectors control source: unit vectors that centre into a regular simplex", async () => {
  const s = await lt.loadLabelSource("onehot-vectors", "cifar10");
  assert.equal(s.vectors.length, 10);
  assert.equal(s.dim, 10);
  s.vectors.forEach((v, i) =>
    assert.deepEqual(
      Array.from(v),
      Array.from({ length: 10 }, (_, j) => (i === j ? 1 : 0)),
    ),
  );
  const span = lt.targetsInSpan(lt.targetMatrix(s.vectors, { center: "seen" }));
  assert.equal(span[0].length, 9, "10 centred unit vectors span 9 dimensions");
  const cos = lib.metrics.cosineSimilarityMatrix(span);
  for (let i = 0; i < 10; i++)
    for (let j = 0; j < 10; j++)
      assert.ok(Math.abs(cos[i][j] - (i === j ? 1 : -1 / 9)) < 1e-5, `cos ${i},${j} = ${cos[i][j]}`);
  assert.equal((await lt.loadLabelSource("onehot-vectors", "cifar100")).vectors.length, 100);
});

test("resolveConfig: profile defaults and validation", () => {
  const base = { ...NB01, regressionSpace: "span" };
  const q = lt.resolveConfig(base);
  assert.equal(q.dataset, "cifar10");
  assert.equal(q.arch, "small");
  assert.equal(q.schedule, "adam-warmup");
  assert.equal(q.batchSize, 64);
  assert.ok(q.runs[0].kind === "onehot" && q.runs.length >= 2);
  const f = lt.resolveConfig({ ...base, profile: "full" });
  assert.deepEqual(
    [f.dataset, f.arch, f.schedule, f.epochs, f.batchSize],
    ["cifar100", "resnet18", "sgd-onecycle", 155, 76],
  );
  assert.equal(q.parallelRuns, true, "quick trains its runs side by side in worker threads");
  assert.equal(f.parallelRuns, false, "full trains each run in its own cell, one after the other");
  assert.equal(lt.resolveConfig({ ...base, epochs: 7 }).epochs, 7);
  assert.throws(() => lt.resolveConfig({ ...base, targetRuns: "cosine:use-lite" }), /must include onehot/);
  assert.throws(() => lt.resolveConfig({ ...base, profile: "medium" }), /unknown profile/);
  assert.throws(() => lt.resolveConfig({ ...base, center: "all" }), /unknown center/);
  assert.throws(() => lt.resolveConfig({ ...base, regressionSpace: "half" }), /unknown regressionSpace/);
  assert.equal(lt.resolveConfig({ ...base, regressionSpace: "" }).regressionSpace, "span");
  assert.equal(lt.resolveConfig({ ...base, regressionSpace: "", profile: "full" }).regressionSpace, "full");
  assert.deepEqual(
    q.runs.map((r) => r.peakLr),
    [0.004, 0.002, 0.002, 0.002],
    "quick runs carry the lr selected on validation",
  );
  assert.deepEqual(
    q.runs.filter((r) => lt.isControlRun({ source: r.source ?? "" })).map((r) => r.name),
    ["cosine:onehot-vectors"],
    "quick has the cosine control run, last (the other runs keep their seeds)",
  );
  assert.equal(q.runs[q.runs.length - 1].source, lt.CONTROL_SOURCE);
  assert.throws(() => lt.resolveConfig({ ...base, epochs: -1 }), /non-negative integer/);
});

test("zeroShotReport: top-1 among unseen classes only, chance, confusion", () => {
  // 4 classes, unseen = [0, 2]. Scores favour seen class 1 everywhere (must be ignored).
  const rows = [
    [0.9, 5, 0.1, 0], // true 0, unseen argmax 0 → hit
    [0.2, 5, 0.3, 0], // true 0 → predicted 2 → miss
    [0.1, 5, 0.8, 0], // true 2 → hit
    [0.7, 5, 0.6, 0], // true 2 → predicted 0 → miss
    [0.0, 5, 0.5, 0], // true 2 → hit
  ].map((r) => Float32Array.from(r));
  const labels = [0, 0, 2, 2, 2];
  const r = lt.zeroShotReport(rows, labels, [0, 2], { n: 200 });
  assert.equal(r.top1.estimate, 3 / 5);
  assert.ok(r.top1.lo <= 0.6 && r.top1.hi >= 0.6);
  assert.equal(r.chanceTop1, 0.5);
  assert.equal(r.top5, undefined);
  assert.deepEqual(r.confusion, [
    [1, 1],
    [1, 2],
  ]);
  assert.throws(() => lt.zeroShotReport(rows, [0, 0, 1, 2, 2], [0, 2]), /not unseen/);
});

test("zeroShotReport: top-5 only with at least 10 unseen classes", () => {
  const unseen = Array.from({ length: 10 }, (_, i) => i);
  const rows = unseen.map((c) => Float32Array.from(unseen.map((j) => (j === (c + 3) % 10 ? 1 : j === c ? 0.5 : 0))));
  const r = lt.zeroShotReport(rows, unseen, unseen, { n: 100 });
  assert.equal(r.top1.estimate, 0);
  assert.equal(r.top5.estimate, 1);
  assert.equal(r.chanceTop5, 0.5);
});

test("accuracyCI and argmaxClasses", () => {
  const pred = lt.argmaxClasses([Float32Array.from([0, 2, 1]), Float32Array.from([3, 2, 1])], [5, 7, 9]);
  assert.deepEqual(Array.from(pred), [7, 5]);
  const ci = lib.metrics.accuracyCI([1, 2, 3, 4], [1, 2, 0, 0]);
  assert.equal(ci.estimate, 0.5);
  assert.throws(() => lib.metrics.accuracyCI([1], [1, 2]), /1 predictions for 2 labels/);
});

test("superclassOrder / groups / reorderMatrix", () => {
  const s = lt.superclassOrder();
  assert.equal(s.order.length, 100);
  assert.equal(new Set(s.order).size, 100);
  assert.deepEqual(s.names.slice(0, 5), ["beaver", "dolphin", "otter", "seal", "whale"]);
  const g = lt.cifar100Groups();
  assert.equal(g[lib.data.CIFAR100_CLASSES.indexOf("apple")], "fruit_and_vegetables");
  s.order.forEach((c, i) => assert.equal(g[c], s.groups[i]));
  assert.deepEqual(lt.cifar10Groups().filter((x) => x === "vehicle").length, 4);
  const m = [
    [0, 1, 2],
    [10, 11, 12],
    [20, 21, 22],
  ];
  assert.deepEqual(
    lt.reorderMatrix(m, [2, 0, 1]).map((r) => Array.from(r)),
    [
      [22, 20, 21],
      [2, 0, 1],
      [12, 10, 11],
    ],
  );
});

test("embeddingStructure: within/across and pairwise range", () => {
  const v = [
    [1, 0],
    [0.9, 0.1],
    [0, 1],
    [0.1, 0.9],
  ].map((r) => Float32Array.from(r));
  const s = lt.embeddingStructure(v, ["a", "a", "b", "b"]);
  assert.ok(s.within > 0.98 && s.across < 0.2 && Math.abs(s.gap - (s.within - s.across)) < 1e-12);
  assert.ok(Math.abs(s.offDiagMin) < 1e-9 && s.offDiagMax > 0.98);
});

test("loadLabelSource reads GPT-3 vectors by name from a fixture llm_labels folder", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "nb01-"));
  fs.mkdirSync(path.join(root, "llm_labels"));
  const names = lib.data.CIFAR10_CLASSES;
  // keys written in reverse order: by-name pairing must still map vector i to class i
  const obj = Object.fromEntries([...names].reverse().map((n) => [n, [names.indexOf(n), 1]]));
  fs.writeFileSync(path.join(root, "llm_labels", "cifar10_ada-001.json"), JSON.stringify(obj));
  const s = await lt.loadLabelSource("gpt3-ada", "cifar10", { root });
  assert.equal(s.dim, 2);
  s.vectors.forEach((v, i) => assert.equal(v[0], i));
  const { sources, missing } = await lt.loadLabelSources(["gpt3-ada", "gpt3-davinci"], "cifar10", { root });
  assert.equal(sources.length, 1);
  assert.equal(missing[0].id, "gpt3-davinci");
  await assert.rejects(
    lt.loadLabelSource("use-lite-desc", "cifar10", { root }),
    /descriptions exist only for CIFAR-100/,
  );
  fs.rmSync(root, { recursive: true, force: true });
});

test("viz.gridOf / withoutAxisLabels / withColorScheme", () => {
  const spec = lib.viz.heatmap(
    [
      [1, 0],
      [0, 1],
    ],
    ["a", "b"],
    ["a", "b"],
  );
  const g = lib.viz.gridOf([spec, lib.viz.withoutAxisLabels(spec)], 2, "t");
  assert.equal(g.columns, 2);
  assert.equal(g.concat.length, 2);
  assert.equal(g.concat[0].$schema, undefined);
  assert.deepEqual(g.concat[1].encoding.x.axis, { labels: false, ticks: false });
  assert.equal(g.concat[1].encoding.x.field, "col");
  const sc = lib.viz.withColorScheme(
    lib.viz.scatter([
      { x: 0, y: 0, label: "a", group: "g" },
      { x: 1, y: 1, label: "b", group: "h" },
    ]),
    "category20",
  );
  assert.ok(sc.layer.every((l) => l.encoding.color.scale.scheme === "category20"));
});

test("metricKey", () => {
  assert.equal(lt.metricKey("emb_ce:gpt3-davinci"), "emb_ce_gpt3_davinci");
});

test("fitFeatureHead: emb_ce and one-hot heads learn separable features; emb_ce scores any label vector", async () => {
  await lib.backend.initBackend({ prefer: "wasm" });
  const rng = new lib.Rng(3);
  const centers = [
    [3, 0, 0, 0],
    [0, 3, 0, 0],
    [0, 0, 3, 0],
  ];
  const feats = [],
    labels = [];
  for (let i = 0; i < 150; i++) {
    const c = i % 3;
    feats.push(Float32Array.from(centers[c].map((x) => x + 0.3 * rng.normal())));
    labels.push(c);
  }
  const y = Int32Array.from(labels);
  const targets = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ].map((r) => Float32Array.from(r));
  const emb = await lt.fitFeatureHead(feats, y, targets, { kind: "emb_ce", epochs: 20, batchSize: 32, lr: 0.03 });
  const s = emb.scores(feats, targets);
  assert.ok(lib.metrics.accuracy(lt.argmaxClasses(s), y) > 0.95);
  assert.equal(emb.scores(feats.slice(0, 2), targets.concat([Float32Array.from([1, 1, 0])]))[0].length, 4);
  emb.dispose();
  const oh = await lt.fitFeatureHead(feats, y, undefined, { kind: "onehot", epochs: 20, batchSize: 32, lr: 0.03 });
  assert.ok(lib.metrics.accuracy(lt.argmaxClasses(oh.scores(feats)), y) > 0.95);
  oh.dispose();
  await assert.rejects(lt.fitFeatureHead(feats, y, targets.slice(0, 2), { kind: "emb_ce" }), /needs 3 targets/);
});

test("trainTargetModel: each kind trains, scores all label vectors, predicting leaks no tensors, dispose frees the weights", async () => {
  await lib.backend.initBackend({ prefer: "wasm" });
  const tf = require("@tensorflow/tfjs");
  const ds = syntheticImages(24, [0, 1, 2]);
  const targets = lt.targetMatrix(
    [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ].map((r) => Float32Array.from(r)),
    { center: "none" },
  );
  for (const kind of ["onehot", "cosine", "mse", "emb_ce"]) {
    const { model, history } = await lt.trainTargetModel({
      kind,
      arch: "small",
      train: ds,
      classes: [0, 1, 2],
      targets,
      epochs: 1,
      batchSize: 8,
      schedule: "adam-warmup",
      maxStepsPerEpoch: 2,
      seed: 1,
      augment: false,
    });
    assert.equal(history.length, 1);
    assert.ok(Number.isFinite(history[0].loss));
    const afterTrain = tf.memory().numTensors;
    const scores = await lt.classScores(model, ds, targets);
    assert.equal(scores.length, 24);
    assert.equal(scores[0].length, kind === "onehot" ? 3 : 4);
    if (kind !== "onehot") scores.forEach((r) => r.forEach((v) => assert.ok(v >= -1.0001 && v <= 1.0001)));
    assert.equal((await lt.imageFeatures(model, ds))[0].length, 128);
    assert.equal(tf.memory().numTensors, afterTrain, `${kind}: predicting left tensors behind`);
    const weights = model.net.trainableWeights.length + (model.head ? model.head.trainableVariables.length : 0);
    model.dispose();
    assert.ok(
      tf.memory().numTensors <= afterTrain - weights,
      `${kind}: dispose freed ${afterTrain - tf.memory().numTensors} of ${weights} weight tensors`,
    );
  }
  await assert.rejects(
    lt.trainTargetModel({
      kind: "cosine",
      arch: "small",
      train: ds,
      classes: [0, 1, 2],
      epochs: 1,
      batchSize: 8,
      schedule: "adam-warmup",
    }),
    /needs targets/,
  );
  await assert.rejects(
    lt.trainTargetModel({
      kind: "onehot",
      arch: "small",
      train: ds,
      classes: [0, 1],
      epochs: 1,
      batchSize: 8,
      schedule: "adam-warmup",
    }),
    /not among the training classes/,
  );
});

test("targetsInSpan: same cosines between targets in k coordinates instead of d", () => {
  const d = 50;
  const rnd = new lib.Rng(3);
  const raw = Array.from({ length: 6 }, () => Float32Array.from({ length: d }, () => rnd.next() - 0.5));
  const t = lt.targetMatrix(raw, { center: "seen" }); // centred: rank 5
  const s = lt.targetsInSpan(t);
  assert.equal(s.length, 6);
  assert.equal(s[0].length, 5, "6 centred targets span 5 dimensions");
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) assert.ok(Math.abs(dot(s[i], s[j]) - dot(t[i], t[j])) < 1e-5);
  assert.throws(() => lt.targetsInSpan([]), /no targets/);
});

test("perClassAccuracy and classGaps: per-class accuracy, nearest other target, difference to one-hot", () => {
  assert.deepEqual(lt.perClassAccuracy([0, 1, 1, 2, 0], [0, 1, 2, 2, 1], 4), [1, 0.5, 0.5, 0]);
  const t = [
    [1, 0, 0],
    [0.8, 0.6, 0],
    [0, 0, 1],
  ].map((r) => Float32Array.from(r));
  const run = { run: "cosine:x", kind: "cosine", source: "x", perClass: [0.5, 0.4, 0.9], targets: t };
  const oh = { run: "onehot", kind: "onehot", source: "one-hot", perClass: [0.6, 0.6, 0.8] };
  const g = lt.classGaps(run, oh);
  assert.deepEqual(
    g.map((c) => c.nearestClass),
    [1, 0, 0],
  ); // class 2 is orthogonal to both: the first wins the tie
  assert.ok(Math.abs(g[0].nearestCosine - 0.8) < 1e-6 && Math.abs(g[2].nearestCosine) < 1e-6);
  assert.deepEqual(
    g.map((c) => Math.round(c.diff * 100) / 100),
    [-0.1, -0.2, 0.1],
  );
  assert.throws(() => lt.classGaps(oh, oh), /has no targets/);
});

test("targetEffects: an embedding run's difference to one-hot = the loss's part + the targets' part", () => {
  const acc = (estimate) => ({ estimate, lo: estimate - 0.01, hi: estimate + 0.01 });
  const runs = [
    { run: "onehot", kind: "onehot", source: "one-hot", accuracy: acc(0.6) },
    { run: "cosine:gpt3-davinci", kind: "cosine", source: "gpt3-davinci", accuracy: acc(0.56) },
    { run: "emb_ce:use-lite", kind: "emb_ce", source: "use-lite", accuracy: acc(0.595) },
    { run: "cosine:onehot-vectors", kind: "cosine", source: "onehot-vectors", accuracy: acc(0.55) },
  ];
  const e = lt.targetEffects(runs);
  assert.deepEqual(
    e.map((x) => x.run),
    ["cosine:gpt3-davinci", "emb_ce:use-lite"],
    "neither one-hot nor the control is an embedding run",
  );
  const near = (a, b) => Math.abs(a - b) < 1e-9;
  assert.ok(near(e[0].vsOnehot, -0.04) && near(e[0].lossEffect, -0.05) && near(e[0].targetEffect, 0.01));
  assert.ok(near(e[0].lossEffect + e[0].targetEffect, e[0].vsOnehot));
  assert.ok(
    near(e[1].vsOnehot, -0.005) && e[1].lossEffect === undefined && e[1].targetEffect === undefined,
    "no emb_ce control: no split",
  );
  assert.throws(() => lt.targetEffects(runs.slice(1)), /no one-hot run/);
});
