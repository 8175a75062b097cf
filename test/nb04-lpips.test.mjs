import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
const lp = lib.models.lpips;

function layer(n, h, w, c, fill) {
  const data = new Float32Array(n * h * w * c);
  for (let i = 0; i < data.length; i++) data[i] = fill(i);
  return { data, n, height: h, width: w, channels: c };
}

test("normalizeChannels makes every position unit length (zero stays zero)", () => {
  const a = { data: Float32Array.from([3, 4, 0, 0, 1, 1]), n: 1, height: 1, width: 3, channels: 2 };
  const b = lp.normalizeChannels(a);
  assert.deepEqual(
    Array.from(b.data).map((v) => +v.toFixed(6)),
    [0.6, 0.8, 0, 0, 0.707107, 0.707107],
  );
  assert.deepEqual(Array.from(a.data), [3, 4, 0, 0, 1, 1], "input untouched");
});

test("LPIPS: zero on the diagonal, symmetric, invariant to per-position scale, matches a hand computation", () => {
  // two images, 1x2 positions, 2 channels: image0 = [(1,0),(0,1)], image1 = [(0,1),(0,2)]
  const L = { data: Float32Array.from([1, 0, 0, 1, 0, 1, 0, 2]), n: 2, height: 1, width: 2, channels: 2 };
  const m = lp.lpipsMatrixFromActivations([L]);
  // position 0: (1,0) vs (0,1) → 2; position 1: (0,1) vs (0,1) → 0; mean over 2 positions = 1
  assert.equal(m[0][0], 0);
  assert.equal(m[1][1], 0);
  assert.ok(Math.abs(m[0][1] - 1) < 1e-6, `got ${m[0][1]}`);
  assert.equal(m[0][1], m[1][0]);
  const scaled = { ...L, data: L.data.map((v, i) => (i < 4 ? v * 7 : v)) };
  const m2 = lp.lpipsMatrixFromActivations([scaled]);
  assert.ok(Math.abs(m2[0][1] - m[0][1]) < 1e-6);
});

test("LPIPS averages over layers with uniform weight", () => {
  const a1 = layer(2, 2, 2, 3, (i) => ((i * 7919) % 13) - 6);
  const a2 = layer(2, 1, 1, 4, (i) => ((i * 104729) % 11) - 5);
  const d1 = lp.lpipsMatrixFromActivations([a1])[0][1];
  const d2 = lp.lpipsMatrixFromActivations([a2])[0][1];
  const both = lp.lpipsMatrixFromActivations([a1, a2])[0][1];
  assert.ok(d1 > 0 && d2 > 0);
  assert.ok(Math.abs(both - (d1 + d2) / 2) < 1e-6);
  // distances lie in [0, 4] (unit vectors: |a-b|² ≤ 4)
  assert.ok(both <= 4);
});

test("LPIPS between two sets and from tensors; mismatched shapes are refused", () => {
  const t = tf.tensor4d(
    Array.from({ length: 3 * 2 * 2 * 2 }, (_, i) => Math.sin(i + 1)),
    [3, 2, 2, 2],
  );
  const acts = lp.activationsFromTensor(t);
  assert.equal(acts.n, 3);
  const one = { ...acts, n: 1, data: acts.data.slice(8, 16) };
  const cross = lp.lpipsMatrixFromActivations([one], [acts]);
  assert.equal(cross.length, 1);
  assert.equal(cross[0].length, 3);
  assert.equal(cross[0][1], 0, "image 1 vs its own copy");
  assert.ok(cross[0][0] > 0);
  assert.throws(() => lp.activationsFromTensor(tf.zeros([2, 2])), /\[N, H, W, C\]/);
  const other = layer(1, 3, 3, 2, () => 1);
  assert.throws(() => lp.lpipsMatrixFromActivations([one], [other]), /shapes 2x2x2 and 3x3x2 differ/);
  assert.throws(() => lp.lpipsMatrixFromActivations([], []), /at least one layer/);
  t.dispose();
});

test("addPixelNoise is seeded, clipped, and sigma 0 is the identity", () => {
  const img = { data: Uint8Array.from([0, 128, 255, 10, 20, 30]), width: 2, height: 1, channels: 3 };
  assert.deepEqual(lp.addPixelNoise(img, 0, 1).data, img.data);
  const a = lp.addPixelNoise(img, 50, 3);
  assert.deepEqual(a.data, lp.addPixelNoise(img, 50, 3).data);
  assert.notDeepEqual(a.data, img.data);
  assert.ok(a.data.every((v) => v >= 0 && v <= 255));
  assert.throws(() => lp.addPixelNoise(img, -1, 1), /sigma/);
});

test("lpipsSanity orders identical < noise < different", () => {
  const ok = lp.lpipsSanity(0, 0.05, [0.4, 0.6]);
  assert.equal(ok.orderingHolds, true);
  assert.ok(Math.abs(ok.differentMean - 0.5) < 1e-12);
  assert.equal(ok.differentMin, 0.4);
  assert.ok(Math.abs(ok.noiseToDifferentRatio - 0.125) < 1e-12);
  assert.equal(lp.lpipsSanity(0, 0.5, [0.4]).orderingHolds, false);
  assert.equal(lp.lpipsSanity(0.01, 0.05, [0.4]).orderingHolds, false);
  assert.throws(() => lp.lpipsSanity(0, 0, []), lib.EmbedlabError);
});

test("activationsFromFeatureMap reads models.FeatureMap", () => {
  const a = lp.activationsFromFeatureMap({ layer: "x", shape: [2, 1, 1, 3], data: new Float32Array(6) });
  assert.deepEqual([a.n, a.height, a.width, a.channels], [2, 1, 1, 3]);
});
