import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const cl = require("@embedlab/lib/dist/models/clip-lite");

test("caption templates and class names", () => {
  assert.equal(cl.prettyClassName("breakfast_burrito"), "breakfast burrito");
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
  assert.deepEqual(m.map((r) => r.map((v) => +v.toFixed(6))), [[1, 0.6], [0, 0.8]]);
  assert.deepEqual(cl.relativeToDiagonal(m).map((r) => r.map((v) => +v.toFixed(6))), [[0, -0.4], [-0.8, 0]]);
  assert.equal(cl.diagonalTop1(m), 1);
  assert.equal(cl.diagonalTop1([[0.5, 0.5], [0.1, 0.9]]), 0.5, "a tie does not count as a hit");
  assert.equal(cl.diagonalTop1([[0.1, 0.9], [0.9, 0.1]]), 0);
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
  const { model, history } = await cl.trainClipLite(train, { dim: 8, epochs: 6, classesPerBatch: 8, lr: 1e-2, seed: 1 });
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
  await assert.rejects(cl.trainClipLite({ ...d, imageFeatures: [] , labels: []}), /no training images/);
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
  assert.throws(() => cl.ClipLite.load(file), (e) => e instanceof lib.CorruptDataError);
  model.dispose();
  back.dispose();
});
