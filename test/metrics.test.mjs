import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
const { metrics, Rng } = createRequire(import.meta.url)("@embedlab/lib");

const close = (a, b, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test("accuracy, topK, confusionMatrix", () => {
  assert.equal(metrics.accuracy([0, 1, 2, 1], [0, 1, 1, 1]), 0.75);
  const scores = [
    [0.1, 0.7, 0.2],
    [0.5, 0.3, 0.2],
    [0.2, 0.3, 0.5],
  ];
  const labels = [1, 1, 0];
  close(metrics.topK(scores, labels, 1), 1 / 3);
  close(metrics.topK(scores, labels, 2), 2 / 3);
  close(metrics.topK(scores, labels, 3), 1);
  assert.deepEqual(metrics.confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2], 3), [
    [1, 0, 0],
    [0, 1, 0],
    [0, 1, 1],
  ]);
  assert.throws(() => metrics.accuracy([1], [1, 2]), /lengths differ/);
  assert.throws(() => metrics.confusionMatrix([5], [0], 3), /outside/);
});

test("rocAuc with ties equals brute-force pair counting", () => {
  const rng = new Rng(3);
  const scores = Array.from({ length: 200 }, () => Math.round(rng.next() * 10) / 10); // many ties
  const labels = scores.map((s) => (rng.next() < 0.3 + 0.4 * s ? 1 : 0));
  let num = 0,
    den = 0;
  for (let i = 0; i < 200; i++)
    for (let j = 0; j < 200; j++)
      if (labels[i] === 1 && labels[j] === 0) {
        den++;
        num += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
  close(metrics.rocAuc(scores, labels), num / den, 1e-12);
  assert.equal(metrics.rocAuc([0.1, 0.9], [0, 1]), 1);
  assert.equal(metrics.rocAuc([0.5, 0.5], [0, 1]), 0.5);
  assert.throws(() => metrics.rocAuc([1, 2], [1, 1]), /both classes/);
});

test("pearson and spearman on known examples", () => {
  close(metrics.pearson([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]), 1);
  close(metrics.pearson([1, 2, 3], [3, 2, 1]), -1);
  // Wikipedia's IQ / TV-hours example: rho = -29/165 = -0.17575...
  const iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110];
  const tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17];
  close(metrics.spearman(iq, tv), -29 / 165, 1e-12);
  // monotone but nonlinear → spearman 1, pearson < 1
  const x = [1, 2, 3, 4, 5],
    y = x.map((v) => v ** 3);
  close(metrics.spearman(x, y), 1);
  assert.ok(metrics.pearson(x, y) < 0.99);
  // ties get average ranks
  assert.deepEqual(Array.from(metrics.averageRanks([10, 20, 20, 30])), [1, 2.5, 2.5, 4]);
});

test("cosine helpers", () => {
  const a = [new Float32Array([1, 0]), new Float32Array([0, 2]), new Float32Array([1, 1])];
  const m = metrics.cosineSimilarityMatrix(a);
  close(m[0][1], 0, 1e-7);
  close(m[0][2], Math.SQRT1_2, 1e-7);
  close(m[1][1], 1, 1e-7);
  close(metrics.meanCosine(a), (0 + Math.SQRT1_2 + Math.SQRT1_2) / 3);
  const b = [
    [1, 0],
    [-1, 0],
  ];
  close(metrics.meanCosine(a, b), 0); // each a_i has opposite cos to b_0 and b_1
  assert.deepEqual(
    metrics.pairedCosine(
      [
        [1, 0],
        [0, 1],
      ],
      [
        [2, 0],
        [0, -1],
      ],
    ),
    [1, -1],
  );
  const wa = metrics.withinAcrossCosine(
    [
      [1, 0],
      [1, 0.1],
      [0, 1],
      [0.1, 1],
    ],
    ["a", "a", "b", "b"],
  );
  assert.ok(wa.within > 0.99 && wa.across < 0.2 && Math.abs(wa.gap - (wa.within - wa.across)) < 1e-12);
});

test("l2normalize (in place) and meanVector; models re-exports the same functions", () => {
  const { models } = createRequire(import.meta.url)("@embedlab/lib");
  const v = new Float32Array([3, 4]);
  assert.equal(metrics.l2normalize(v), v, "normalises in place");
  close(v[0], 0.6, 1e-7);
  close(v[1], 0.8, 1e-7);
  const z = new Float32Array([0, 0]);
  assert.deepEqual([...metrics.l2normalize(z)], [0, 0], "zero vector stays zero");
  const m = metrics.meanVector([new Float32Array([1, 2]), new Float32Array([3, 6])]);
  assert.ok(m instanceof Float32Array);
  assert.deepEqual([...m], [2, 4]);
  assert.throws(() => metrics.meanVector([]), /empty/);
  assert.equal(models.cosine, metrics.cosine);
  assert.equal(models.l2normalize, metrics.l2normalize);
  assert.equal(models.meanVector, metrics.meanVector);
  close(models.cosine(new Float32Array([1, 0]), new Float32Array([1, 1])), Math.SQRT1_2, 1e-7);
  assert.equal(models.cosine(new Float32Array([0, 0]), new Float32Array([1, 1])), 0);
});

test("nearestLabel with and without candidates; recallAtK", () => {
  const labelsV = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  const v = [
    [0.9, 0.2, 0],
    [0.1, 0.1, 1],
    [0.6, 0.5, 0.1],
  ];
  const r = metrics.nearestLabel(v, labelsV, undefined, 2);
  assert.deepEqual(r.pred, [0, 2, 0]);
  assert.deepEqual(r.topK[2], [0, 1]);
  const rc = metrics.nearestLabel(v, labelsV, [1, 2]);
  assert.deepEqual(rc.pred, [1, 2, 1]);
  assert.throws(() => metrics.nearestLabel(v, labelsV, [3]), /not a label index/);
  const sim = [
    [0.9, 0.1, 0.5],
    [0.2, 0.3, 0.1],
    [0.1, 0.2, 0.3],
  ];
  close(metrics.recallAtK(sim, [2, 2, 2], 1), 1 / 3);
  close(metrics.recallAtK(sim, [2, 2, 2], 2), 2 / 3);
  close(metrics.recallAtK(sim, [[1, 2], [0], [2]], 2), 1);
  close(metrics.recallAtK(sim, [[1, 2], [0], [2]], 1), 1 / 3);
});

test("bootstrapCI: seeded, brackets the estimate, narrows with n", () => {
  const rng = new Rng(1);
  const small = Array.from({ length: 50 }, () => (rng.next() < 0.7 ? 1 : 0));
  const big = Array.from({ length: 2000 }, () => (rng.next() < 0.7 ? 1 : 0));
  const a = metrics.bootstrapCI(small, { seed: 5 });
  const b = metrics.bootstrapCI(small, { seed: 5 });
  assert.deepEqual(a, b);
  close(a.estimate, small.reduce((s, v) => s + v, 0) / 50);
  assert.ok(a.lo < a.estimate && a.estimate < a.hi);
  const c = metrics.bootstrapCI(big, { seed: 5, n: 500 });
  assert.ok(c.hi - c.lo < (a.hi - a.lo) / 3, `${c.hi - c.lo} vs ${a.hi - a.lo}`);
  // normal-approximation width for a proportion: 2*1.96*sqrt(p(1-p)/n)
  const p = c.estimate,
    w = 2 * 1.96 * Math.sqrt((p * (1 - p)) / 2000);
  assert.ok(Math.abs(c.hi - c.lo - w) < 0.25 * w, `${c.hi - c.lo} vs ${w}`);
  // statistic-function form
  const f = metrics.bootstrapCI((idx) => idx.reduce((s, i) => s + small[i], 0) / idx.length, { size: 50, seed: 5 });
  assert.deepEqual(f, a);
  assert.throws(() => metrics.bootstrapCI(() => 0), /size/);
});
