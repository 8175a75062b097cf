import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const { losses } = require("@embedlab/lib");

await tf.setBackend("cpu");

const close = (a, b, tol = 1e-4, msg = "") =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${msg} ${a} vs ${b}`);
const logSumExp = (row) => {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
};
const ce = (row, y) => logSumExp(row) - row[y];
const cos = (a, b) => {
  let d = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] ** 2;
    nb += b[i] ** 2;
  }
  return d / Math.sqrt(na * nb);
};

/** Compare tf.grad of f at x (nested array) with central finite differences of f computed in float64 JS. */
function checkGrad(lossOf, x, jsLoss, tol = 2e-3) {
  const xt = tf.tensor(x);
  const g = tf
    .grad((v) => lossOf(v))(xt)
    .dataSync();
  const flat = x.flat(Infinity);
  const h = 1e-4;
  const reshape = (f) => {
    let k = 0;
    const rec = (a) => (Array.isArray(a) ? a.map(rec) : f[k++]);
    return rec(x);
  };
  for (let i = 0; i < flat.length; i++) {
    const p = flat.slice();
    p[i] += h;
    const m = flat.slice();
    m[i] -= h;
    const num = (jsLoss(reshape(p)) - jsLoss(reshape(m))) / (2 * h);
    assert.ok(Math.abs(g[i] - num) < tol, `grad[${i}] ${g[i]} vs numeric ${num}`);
  }
  xt.dispose();
}

const logits = [
  [1.0, 2.0, 0.5],
  [0.3, -1.2, 2.2],
  [0.0, 0.0, 0.0],
];
const labels = [1, 2, 0];
const jsOneHotCE = (z) => z.reduce((s, row, i) => s + ce(row, labels[i]), 0) / z.length;

test("oneHotCrossEntropy matches hand-computed value and finite-difference gradient", () => {
  const y = tf.tensor1d(labels, "int32");
  const v = losses.oneHotCrossEntropy(y, tf.tensor2d(logits)).dataSync()[0];
  close(v, jsOneHotCE(logits), 1e-5);
  checkGrad((z) => losses.oneHotCrossEntropy(y, z), logits, jsOneHotCE);
});

test("oneHotCrossEntropy rejects float labels with a clear error", () => {
  assert.throws(() => losses.oneHotCrossEntropy(tf.tensor1d([0, 1, 2]), tf.tensor2d(logits)), /int32/);
});

const P = [
  [1, 2, 0.5],
  [-1, 0.3, 2],
];
const T = [
  [0.5, 1, 1],
  [1, 1, -0.2],
];
test("cosineRegression = mean(1 - cos) with matching gradient", () => {
  const js = (p) => p.reduce((s, row, i) => s + 1 - cos(row, T[i]), 0) / p.length;
  close(losses.cosineRegression(tf.tensor2d(P), tf.tensor2d(T)).dataSync()[0], js(P), 1e-5);
  checkGrad((p) => losses.cosineRegression(p, tf.tensor2d(T)), P, js);
});

test("mseRegression", () => {
  const js = (p) => p.flat().reduce((s, v, i) => s + (v - T.flat()[i]) ** 2, 0) / 6;
  close(losses.mseRegression(tf.tensor2d(P), tf.tensor2d(T)).dataSync()[0], js(P), 1e-5);
  checkGrad((p) => losses.mseRegression(p, tf.tensor2d(T)), P, js);
});

test("embeddingCrossEntropy = CE over cos/temperature to every label embedding", () => {
  const E = [
    [1, 0, 0],
    [0.2, 1, 0],
    [0.3, 0.1, -1],
    [1, 1, 1],
  ];
  const lab = [3, 1];
  const temp = 0.1;
  const js = (p) =>
    p.reduce(
      (s, row, i) =>
        s +
        ce(
          E.map((e) => cos(row, e) / temp),
          lab[i],
        ),
      0,
    ) / p.length;
  const y = tf.tensor1d(lab, "int32");
  close(losses.embeddingCrossEntropy(tf.tensor2d(P), y, tf.tensor2d(E), temp).dataSync()[0], js(P), 1e-4);
  checkGrad((p) => losses.embeddingCrossEntropy(p, y, tf.tensor2d(E), temp), P, js, 2e-2);
  // gradient w.r.t. the label embeddings too (exercises matMulABt's second gradient)
  const jsE = (e) =>
    P.reduce(
      (s, row, i) =>
        s +
        ce(
          e.map((r) => cos(row, r) / temp),
          lab[i],
        ),
      0,
    ) / P.length;
  checkGrad((e) => losses.embeddingCrossEntropy(tf.tensor2d(P), y, e, temp), E, jsE, 2e-2);
});

test("marginRanking", () => {
  const pos = [0.9, 0.1, 0.5],
    neg = [0.2, 0.4, 0.45];
  const js = (p) => p.reduce((s, v, i) => s + Math.max(0, 0.2 - v + neg[i]), 0) / 3;
  close(losses.marginRanking(tf.tensor1d(pos), tf.tensor1d(neg), 0.2).dataSync()[0], js(pos), 1e-6);
});

test("infoNCE is the symmetric CLIP loss with diagonal positives", () => {
  const A = [
    [1, 0.2, 0],
    [0, 1, 0.3],
    [0.5, 0.5, 0.5],
  ];
  const B = [
    [0.9, 0.1, 0.1],
    [0.1, 0.8, 0.2],
    [-0.2, 0.4, 1],
  ];
  const temp = 0.5;
  const js = (a) => {
    const L = a.map((ra) => B.map((rb) => cos(ra, rb) / temp));
    const Lt = L[0].map((_, j) => L.map((r) => r[j]));
    return (L.reduce((s, r, i) => s + ce(r, i), 0) / 3 + Lt.reduce((s, r, i) => s + ce(r, i), 0) / 3) / 2;
  };
  close(losses.infoNCE(tf.tensor2d(A), tf.tensor2d(B), temp).dataSync()[0], js(A), 1e-5);
  checkGrad((a) => losses.infoNCE(a, tf.tensor2d(B), temp), A, js, 5e-3);
  // aligned pairs score lower than shuffled pairs
  const good = losses.infoNCE(tf.tensor2d(B), tf.tensor2d(B), 0.1).dataSync()[0];
  const bad = losses.infoNCE(tf.tensor2d(B), tf.tensor2d([B[1], B[2], B[0]]), 0.1).dataSync()[0];
  assert.ok(good < bad, `${good} < ${bad}`);
});

test("lmCrossEntropy: mean over unmasked tokens, masked tokens get zero gradient", () => {
  const Z = [
    [
      [1, 0, -1, 2],
      [0.5, 0.5, 0, 0],
    ],
    [
      [2, 1, 0, -1],
      [0, 3, 0, 1],
    ],
  ];
  const tg = [
    [3, 0],
    [1, 1],
  ];
  const mk = [
    [1, 1],
    [1, 0],
  ];
  const js = (z) => {
    let s = 0,
      n = 0;
    for (let b = 0; b < 2; b++)
      for (let t = 0; t < 2; t++)
        if (mk[b][t]) {
          s += ce(z[b][t], tg[b][t]);
          n++;
        }
    return s / n;
  };
  const targets = tf.tensor2d(tg, undefined, "int32");
  const mask = tf.tensor2d(mk);
  close(losses.lmCrossEntropy(tf.tensor3d(Z), targets, mask).dataSync()[0], js(Z), 1e-5);
  checkGrad((z) => losses.lmCrossEntropy(z, targets, mask), Z, js);
  const g = tf
    .grad((z) => losses.lmCrossEntropy(z, targets, mask))(tf.tensor3d(Z))
    .arraySync();
  assert.ok(
    g[1][1].every((v) => v === 0),
    `masked token grad ${g[1][1]}`,
  );
  // no mask = mean over all tokens
  const all = (z) => {
    let s = 0;
    for (let b = 0; b < 2; b++) for (let t = 0; t < 2; t++) s += ce(z[b][t], tg[b][t]);
    return s / 4;
  };
  close(losses.lmCrossEntropy(tf.tensor3d(Z), targets).dataSync()[0], all(Z), 1e-5);
});

test("projectionHead is seeded, shaped and trainable", () => {
  const h1 = losses.projectionHead(3, 2, { seed: 7 });
  const h2 = losses.projectionHead(3, 2, { seed: 7 });
  assert.deepEqual(h1.trainableVariables[0].dataSync(), h2.trainableVariables[0].dataSync());
  const x = tf.tensor2d(P);
  assert.deepEqual(h1.apply(x).shape, [2, 2]);
  const opt = tf.train.sgd(0.5);
  const target = tf.tensor2d([
    [1, 0],
    [0, 1],
  ]);
  const before = losses.mseRegression(h1.apply(x), target).dataSync()[0];
  for (let i = 0; i < 50; i++)
    opt.minimize(() => losses.mseRegression(h1.apply(x), target), false, h1.trainableVariables);
  const after = losses.mseRegression(h1.apply(x), target).dataSync()[0];
  assert.ok(after < before / 10, `${after} < ${before}/10`);
  assert.throws(() => h1.apply(tf.zeros([2, 4])), /expects \[B, 3\]/);
  h1.dispose();
  h2.dispose();
});

test("losses leak no tensors inside tf.tidy", () => {
  const y = tf.tensor1d(labels, "int32"),
    z = tf.variable(tf.tensor2d(logits));
  const n0 = tf.memory().numTensors;
  for (let i = 0; i < 3; i++)
    tf.tidy(() => {
      tf.variableGrads(() => losses.oneHotCrossEntropy(y, z));
    });
  tf.tidy(() => {
    tf.variableGrads(() => losses.infoNCE(z, z, 0.1));
  });
  tf.tidy(() => {
    tf.variableGrads(() => losses.embeddingCrossEntropy(z, y, z, 0.1));
  });
  assert.equal(tf.memory().numTensors, n0);
});
