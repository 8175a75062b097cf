import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const cl = lib.models.clipLite;

test("caption templates and class names", () => {
  assert.equal(lib.data.prettyClassName("breakfast_burrito"), "breakfast burrito");
  const caps = cl.classCaptions("apple_pie", "food");
  assert.ok(caps.length >= 5);
  assert.ok(caps.every((c) => c.includes("apple pie")));
  assert.equal(new Set(caps).size, caps.length);
  assert.equal(cl.classQuery("apple_pie", "food"), caps[0]);
});

test("dotMatrix, relativeToDiagonal, diagonalTop1, topKIndices", () => {
  const a = [Float32Array.from([1, 0]), Float32Array.from([0, 1])];
  const b = [Float32Array.from([1, 0]), Float32Array.from([0.6, 0.8])];
  const m = cl.dotMatrix(a, b);
  assert.deepEqual(
    m.map((r) => r.map((v) => +v.toFixed(6))),
    [
      [1, 0.6],
      [0, 0.8],
    ],
  );
  assert.deepEqual(
    cl.relativeToDiagonal(m).map((r) => r.map((v) => +v.toFixed(6))),
    [
      [0, -0.4],
      [-0.8, 0],
    ],
  );
  assert.equal(cl.diagonalTop1(m), 1);
  assert.equal(
    cl.diagonalTop1([
      [0.5, 0.5],
      [0.1, 0.9],
    ]),
    0.5,
    "a tie does not count as a hit",
  );
  assert.equal(
    cl.diagonalTop1([
      [0.1, 0.9],
      [0.9, 0.1],
    ]),
    0,
  );
  assert.deepEqual(cl.topKIndices([0.1, 0.9, 0.5, 0.9], 3), [1, 3, 2]);
  assert.throws(() => cl.relativeToDiagonal([[1, 2]]), /square/);
  assert.throws(() => cl.dotMatrix([Float32Array.from([1])], [Float32Array.from([1, 2])]), /cannot be compared/);
});

/** Synthetic frozen features: images = class prototype + noise (24-d), texts = another random map of the class (16-d) + noise. */
function synthetic(nClasses, perClass, seed) {
  const rng = new lib.Rng(seed);
  const gauss = (d, s = 1) => Float32Array.from({ length: d }, () => s * rng.normal());
  const imgProto = Array.from({ length: nClasses }, () => gauss(24));
  const txtProto = Array.from({ length: nClasses }, () => gauss(16));
  const imageFeatures = [];
  const labels = [];
  const heldout = [];
  for (let c = 0; c < nClasses; c++)
    for (let i = 0; i < perClass + 1; i++) {
      const v = imgProto[c].map((x) => x + 0.6 * rng.normal());
      if (i === perClass) heldout.push(v);
      else {
        imageFeatures.push(v);
        labels.push(c);
      }
    }
  const classTextFeatures = txtProto.map((p) => Array.from({ length: 4 }, () => p.map((v) => v + 0.3 * rng.normal())));
  return { imageFeatures, labels, classTextFeatures, txtProto, heldout };
}

test("trainClipLite learns to match images to their class captions (loss falls, retrieval far above chance)", async () => {
  const train = synthetic(8, 30, 11);
  const { model, history } = await cl.trainClipLite(train, {
    dim: 8,
    epochs: 6,
    classesPerBatch: 8,
    lr: 1e-2,
    seed: 1,
  });
  assert.equal(history.length, 6);
  assert.ok(history[5].loss < history[0].loss * 0.6, `loss ${history[0].loss} → ${history[5].loss}`);
  const img = model.embedImageFeatures(train.heldout); // one unseen image per class
  const txt = model.embedTextFeatures(train.txtProto);
  img.forEach((v) => assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-4));
  const sims = cl.dotMatrix(img, txt);
  assert.ok(cl.diagonalTop1(sims) >= 0.875, `top-1 ${cl.diagonalTop1(sims)}`);
  // deterministic for a seed
  const again = await cl.trainClipLite(train, { dim: 8, epochs: 6, classesPerBatch: 8, lr: 1e-2, seed: 1 });
  assert.deepEqual(again.history, history);
  model.dispose();
  again.model.dispose();
});

test("trainClipLite refuses bad input with clear messages", async () => {
  const d = synthetic(3, 4, 2);
  await assert.rejects(cl.trainClipLite({ ...d, labels: d.labels.slice(1) }), /12 images but 11 labels/);
  await assert.rejects(cl.trainClipLite({ ...d, labels: d.labels.map(() => 7) }), /label 7/);
  await assert.rejects(cl.trainClipLite({ ...d, classTextFeatures: [d.classTextFeatures[0]] }), /at least 2 classes/);
  await assert.rejects(cl.trainClipLite({ ...d, imageFeatures: [], labels: [] }), /no training images/);
});

test("ClipLite save / load round trip; wrong feature size is refused", async () => {
  const d = synthetic(3, 6, 5);
  const { model } = await cl.trainClipLite(d, { dim: 4, epochs: 1, seed: 3 });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nb04-cl-")), "w.json");
  model.save(file);
  const back = cl.ClipLite.load(file);
  const x = model.embedTextFeatures(d.txtProto);
  const y = back.embedTextFeatures(d.txtProto);
  x.forEach((v, i) => v.forEach((a, k) => assert.ok(Math.abs(a - y[i][k]) < 1e-6)));
  assert.throws(() => model.embedImageFeatures([new Float32Array(5)]), /expected 24-d features, got 5-d/);
  fs.writeFileSync(file, JSON.stringify({ ...model.weights, imageW: [1] }));
  assert.throws(
    () => cl.ClipLite.load(file),
    (e) => e instanceof lib.CorruptDataError,
  );
  model.dispose();
  back.dispose();
});

test("loadSimilarityRatings validates shape, symmetry, range, diagonal and file order", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nb04-r-"));
  const f = path.join(dir, "r.json");
  const good = {
    rule: "r",
    files: ["a.jpg", "b.jpg"],
    matrix: [
      [1, 0.2],
      [0.2, 1],
    ],
  };
  fs.writeFileSync(f, JSON.stringify(good));
  assert.deepEqual(cl.loadSimilarityRatings(f, ["a.jpg", "b.png"]).matrix, good.matrix);
  const bad = (patch, re) => {
    fs.writeFileSync(f, JSON.stringify({ ...good, ...patch }));
    assert.throws(
      () => cl.loadSimilarityRatings(f),
      (e) => e instanceof lib.CorruptDataError && re.test(e.message),
    );
  };
  bad(
    {
      matrix: [
        [1, 0.2],
        [0.3, 1],
      ],
    },
    /not symmetric/,
  );
  bad(
    {
      matrix: [
        [1, 1.2],
        [1.2, 1],
      ],
    },
    /not a number in \[0, 1\]/,
  );
  bad(
    {
      matrix: [
        [0.9, 0.2],
        [0.2, 1],
      ],
    },
    /must be 1/,
  );
  bad({ matrix: [[1, 0.2]] }, /2×2/);
  fs.writeFileSync(f, JSON.stringify(good));
  assert.throws(() => cl.loadSimilarityRatings(f, ["b.jpg", "a.jpg"]), /do not match/);
  assert.throws(
    () => cl.loadSimilarityRatings(path.join(dir, "none.json")),
    (e) => e instanceof lib.DataNotFoundError,
  );
});

test("compareWithHuman: ρ = 1 for a monotone model, finds the planted disagreement", () => {
  const names = ["a", "b", "c", "d", "e"];
  const human = names.map((_, i) => names.map((_, j) => (i === j ? 1 : 1 / (1 + Math.abs(i - j) + 0.1 * (i + j)))));
  const monotone = human.map((r) => r.map((v) => v * v));
  const r1 = cl.compareWithHuman(monotone, human, names, { bootstrap: 200 });
  assert.ok(Math.abs(r1.spearman.estimate - 1) < 1e-9);
  assert.equal(r1.pairs.length, 10);
  const planted = monotone.map((r) => [...r]);
  planted[0][4] = planted[4][0] = 5; // human's least similar pair, the model's most similar
  const r2 = cl.compareWithHuman(planted, human, names, { k: 3, bootstrap: 200 });
  assert.ok(r2.spearman.estimate < 1);
  assert.deepEqual([r2.disagreements[0].a, r2.disagreements[0].b], ["a", "e"]);
  assert.ok(r2.disagreements[0].rankGap > 0.9);
  assert.ok(r2.agreements.every((p) => !(p.a === "a" && p.b === "e")));
  assert.ok(r2.spearman.lo <= r2.spearman.estimate && r2.spearman.estimate <= r2.spearman.hi);
  assert.throws(() => cl.compareWithHuman(planted, human, names.slice(1)), /names/);
});

test("retrieveTopK and classRetrievalMetrics on a hand-made gallery", () => {
  const u = (x, y) => Float32Array.from([x, y].map((v) => v / Math.hypot(x, y)));
  const gallery = [u(1, 0), u(0.9, 0.1), u(0, 1), u(0.1, 0.9), u(0.7, 0.7), u(0.2, 1), u(1, 0.3)];
  const labels = [0, 0, 1, 1, 1, 1, 0];
  const queries = [u(1, 0), u(0, 1)];
  const top = cl.retrieveTopK(queries, gallery, 2);
  assert.deepEqual(
    top[0].map((t) => t.index),
    [0, 1],
  );
  assert.ok(Math.abs(top[0][0].score - 1) < 1e-6);
  const m = cl.classRetrievalMetrics(queries, gallery, labels, [0, 1]);
  assert.equal(m.recallAt1, 1);
  assert.equal(m.recallAt5, 1);
  // query 0 top5: 0, 1, 6, 4, 5 → 3 of class 0; query 1 top5: 2, 3, 5, 4, 6 → 4 of class 1
  assert.deepEqual(m.hitsInTop5, [3, 4]);
  assert.ok(Math.abs(m.precisionAt5 - 0.7) < 1e-12);
  const swapped = cl.classRetrievalMetrics(queries, gallery, labels, [1, 0]);
  assert.equal(swapped.recallAt1, 0);
  assert.throws(() => cl.classRetrievalMetrics(queries, gallery, labels, [0, 2]), /no image in the gallery/);
});

test("buildClipLiteTrainingSet merges sources with offset labels and per-class caption features", async () => {
  const fakeImg = {
    id: "fake-img",
    dim: 3,
    provenance: { id: "f", source: "test" },
    embedImages: async (xs) => xs.map((x, i) => Float32Array.from([typeof x === "string" ? 1 : 2, i, 0])),
  };
  const fakeTxt = {
    id: "fake-txt",
    dim: 2,
    provenance: { id: "t", source: "test" },
    embed: async (ts) => ts.map((t) => Float32Array.from([t.length, 1])),
  };
  const food = {
    name: "food",
    images: ["/x/a.jpg", "/x/b.jpg"],
    labels: [1, 0],
    classNames: ["apple_pie", "baklava"],
    domain: "food",
  };
  const ds = {
    images: new Uint8Array(3 * 2 * 2 * 3).map((_, i) => i),
    labels: Int32Array.from([0, 1, 0]),
    classNames: ["cat", "dog"],
    n: 3,
    height: 2,
    width: 2,
    channels: 3,
    source: { dataset: "cifar10", files: [], root: "" },
  };
  const cifar = cl.labelledFromImageDataset(ds, { perClass: 1, seed: 1 });
  assert.equal(cifar.images.length, 2);
  assert.deepEqual([...cifar.labels].sort(), [0, 1]);
  assert.equal(cifar.images[0].width, 2);
  const set = await cl.buildClipLiteTrainingSet([food, cifar], fakeImg, fakeTxt);
  assert.deepEqual(set.classNames, ["food/apple_pie", "food/baklava", "cifar10/cat", "cifar10/dog"]);
  assert.deepEqual(set.data.labels.slice(0, 2), [1, 0]);
  assert.ok(set.data.labels.slice(2).every((l) => l >= 2));
  assert.equal(set.data.classTextFeatures.length, 4);
  assert.equal(set.data.classTextFeatures[3].length, set.captions[3].length);
  assert.ok(set.captions[3].every((c) => c.includes("dog")));
  assert.deepEqual(set.perSource, { food: 2, cifar10: 2 });
});

test("textLrScale 0 keeps the text head at its seeded init (locked-text variant)", async () => {
  const tf = require("@tensorflow/tfjs");
  const d = synthetic(4, 6, 9);
  const { model } = await cl.trainClipLite(d, { dim: 4, epochs: 2, seed: 5, textLrScale: 0 });
  const init = lib.losses.projectionHead(16, 4, { seed: 7 });
  const w0 = Array.from(init.trainableVariables[0].dataSync());
  model.weights.textW.forEach((v, i) => assert.ok(Math.abs(v - w0[i]) < 1e-7));
  const trained = await cl.trainClipLite(d, { dim: 4, epochs: 2, seed: 5 });
  assert.ok(
    trained.model.weights.textW.some((v, i) => Math.abs(v - w0[i]) > 1e-4),
    "the default trains the text head",
  );
  await assert.rejects(cl.trainClipLite(d, { textLrScale: -1 }), /textLrScale/);
  init.dispose();
  model.dispose();
  trained.model.dispose();
  assert.ok(tf.memory().numTensors >= 0);
});

test("sharedContentWords ignores stop words and case", () => {
  assert.deepEqual(
    cl.sharedContentWords("A red motorcycle in a garage.", "The dog sits next to a red bicycle in the garage"),
    ["garage", "red"],
  );
  assert.deepEqual(cl.sharedContentWords("A cat.", "A dog."), []);
});

test("cholesky and invertLower: L·Lᵀ = A and L⁻¹·L = I on a small SPD matrix; non-SPD refused", () => {
  const a = Float64Array.from([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);
  const l = cl.cholesky(a, 3);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += l[i * 3 + k] * l[j * 3 + k];
      assert.ok(Math.abs(s - a[i * 3 + j]) < 1e-12, `LLᵀ[${i}][${j}]`);
    }
  const inv = cl.invertLower(l, 3);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += inv[i * 3 + k] * l[k * 3 + j];
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-12);
    }
  assert.throws(() => cl.cholesky(Float64Array.from([1, 2, 2, 1]), 2), /not positive definite/);
});

test("fitClipLiteRidge: recovers a linear image→text relation, matches held-out images; weights and errors", () => {
  const train = synthetic(8, 30, 11);
  const model = cl.fitClipLiteRidge(train, { lambda: 0.1 });
  assert.equal(model.dim, 16, "the text head is the identity: the shared space is the text space");
  const sims = cl.dotMatrix(model.embedImageFeatures(train.heldout), model.embedTextFeatures(train.txtProto));
  assert.ok(cl.diagonalTop1(sims) >= 0.875, `top-1 ${cl.diagonalTop1(sims)}`);
  // weight 0 on classes 4..7: they are not learned (their held-out images no longer find their captions)
  const half = cl.fitClipLiteRidge(train, { lambda: 0.1, classWeights: [1, 1, 1, 1, 0, 0, 0, 0] });
  const hs = cl.dotMatrix(half.embedImageFeatures(train.heldout), half.embedTextFeatures(train.txtProto));
  const hits = cl.diagonalHits(hs);
  assert.equal(
    hits.slice(0, 4).reduce((a, b) => a + b),
    4,
  );
  assert.ok(hits.slice(4).reduce((a, b) => a + b) <= 2, `unweighted classes matched: ${hits}`);
  assert.throws(() => cl.fitClipLiteRidge(train, { lambda: 0 }), /lambda must be > 0/);
  assert.throws(() => cl.fitClipLiteRidge(train, { lambda: 1, classWeights: [1] }), /classWeights needs 8 weights/);
  assert.throws(() => cl.fitClipLiteRidge({ ...train, labels: train.labels.map(() => 9) }, { lambda: 1 }), /label 9/);
  [model, half].forEach((m) => m.dispose());
});

test("trainClipLite classWeights: weight-0 classes never enter a batch", async () => {
  const train = synthetic(6, 10, 4);
  const w = [1, 1, 1, 1, 1, 0];
  const a = await cl.trainClipLite(train, { dim: 4, epochs: 1, classesPerBatch: 4, classWeights: w, seed: 2 });
  assert.equal(a.history.length, 1);
  await assert.rejects(
    cl.trainClipLite(train, { dim: 4, epochs: 1, classesPerBatch: 6, classWeights: w }),
    /only 5 classes have weight > 0, need 6/,
  );
  a.model.dispose();
});

test("crossModalRetrieval: ranks both ways, ties against, recall@k, CIs over images", () => {
  const v = (...x) => Float32Array.from(x);
  const images = [v(1, 0, 0), v(0, 1, 0), v(0, 0, 1)];
  // captions 0,1 → image 0 (caption 1 ties images 0 and 1); 2 → image 1 (but closest to image 2); 3 → image 2
  const captions = [v(1, 0, 0), v(0.5, 0.5, 0), v(0, 0.2, 0.8), v(0, 0, 1)];
  const r = cl.crossModalRetrieval(images, captions, [0, 0, 1, 2], { ks: [1, 2], resamples: 200 });
  assert.deepEqual(r.textRanks, [0, 1, 1, 0], "a tie with another image counts against");
  assert.deepEqual(r.imageRanks, [0, 1, 0], "image 1's own caption (0.2) is beaten by caption 1 (0.5)");
  assert.equal(r.recall[0].textToImage.estimate, 2 / 4);
  assert.equal(r.recall[1].textToImage.estimate, 1);
  assert.equal(r.recall[0].imageToText.estimate, 2 / 3);
  for (const x of r.recall)
    for (const c of [x.textToImage, x.imageToText]) assert.ok(c.lo <= c.estimate && c.estimate <= c.hi);
  assert.throws(() => cl.crossModalRetrieval(images, captions, [0, 0, 1]), /4 captions but 3/);
  assert.throws(() => cl.crossModalRetrieval(images, captions, [0, 0, 0, 0]), /image 1 has no caption/);
  assert.throws(() => cl.crossModalRetrieval(images, captions, [0, 0, 1, 5]), /points to image 5/);
});

test("buildClipLiteTrainingSet: a captioned source gives one class per image with its own captions", async () => {
  const fakeImage = {
    id: "img",
    dim: 2,
    provenance: { id: "x", source: "test" },
    embedImages: async (xs) => xs.map((_, i) => Float32Array.from([i, 1])),
  };
  const fakeText = {
    id: "txt",
    dim: 1,
    provenance: { id: "y", source: "test" },
    embed: async (ts) => ts.map((t) => Float32Array.from([t.length])),
  };
  const items = [
    { id: "a.jpg", path: "/a.jpg", captions: ["one", "two", "three"] },
    { id: "b.jpg", path: "/b.jpg", captions: ["four", "five"] },
  ];
  const cap = cl.captionedImages(items, "flickr8k", 2);
  assert.deepEqual(cap.captions, [
    ["one", "two"],
    ["four", "five"],
  ]);
  const set = await cl.buildClipLiteTrainingSet(
    [cap, { name: "food", images: ["/c.jpg"], labels: [0], classNames: ["apple_pie"], domain: "food" }],
    fakeImage,
    fakeText,
  );
  assert.deepEqual(set.classNames.slice(0, 2), ["flickr8k/a.jpg", "flickr8k/b.jpg"]);
  assert.equal(set.classNames[2], "food/apple_pie");
  assert.deepEqual(set.classSource, ["flickr8k", "flickr8k", "food"]);
  assert.deepEqual(Array.from(set.data.labels), [0, 1, 2]);
  assert.deepEqual(
    set.data.classTextFeatures[0].map((f) => f[0]),
    [3, 3],
  );
  assert.deepEqual(set.perSource, { flickr8k: 2, food: 1 });
  await assert.rejects(
    cl.buildClipLiteTrainingSet([{ name: "x", images: ["/a"], captions: [[]], ids: ["a"] }], fakeImage, fakeText),
    /image a has no captions/,
  );
  assert.throws(() => cl.captionedImages(items, "f", 0), /positive integer/);
});

test("fitClipLiteRidge solves the ridge normal equations in both forms (n < d: dual, n ≥ d: primal)", () => {
  for (const [nClasses, perClass] of [
    [3, 2],
    [8, 30],
  ]) {
    const d = synthetic(nClasses, perClass, 7);
    const lambda = 0.5;
    const m = cl.fitClipLiteRidge(d, { lambda });
    const { imageDim: D, textDim: T, imageMean, textMean, imageW } = m.weights;
    const X = d.imageFeatures.map((x) => Array.from(x, (v, k) => v - imageMean[k]));
    const Y = Array.from(d.labels, (c) => {
      const caps = d.classTextFeatures[c];
      return Array.from({ length: T }, (_, k) => caps.reduce((s, v) => s + v[k], 0) / caps.length - textMean[k]);
    });
    // (XᵀX + λI) W − XᵀY ≈ 0, entry by entry
    let worst = 0;
    for (let a = 0; a < D; a++)
      for (let b = 0; b < T; b++) {
        let lhs = lambda * imageW[a * T + b];
        let rhs = 0;
        for (let i = 0; i < X.length; i++) {
          let xw = 0;
          for (let k = 0; k < D; k++) xw += X[i][k] * imageW[k * T + b];
          lhs += X[i][a] * xw;
          rhs += X[i][a] * Y[i][b];
        }
        worst = Math.max(worst, Math.abs(lhs - rhs));
      }
    assert.ok(worst < 1e-3, `${X.length} images: normal-equation residual ${worst}`);
    m.dispose();
  }
});
