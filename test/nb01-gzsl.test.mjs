// Notebook 01's generalized zero-shot (lib/src/experiments/label-targets/gzsl.ts): the seen / unseen / H summary,
// calibrated stacking, γ chosen on the seen classes' training images only, and the sentences report.ts writes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const X = lib.experiments.labelTargets;

const rows = (a) => a.map((r) => Float32Array.from(r));

test("harmonicMean and gzslScores: mean per-class accuracy on each side, H 0 when a side is 0", () => {
  assert.equal(X.harmonicMean(0, 0), 0);
  assert.equal(X.harmonicMean(0.8, 0), 0);
  assert.ok(Math.abs(X.harmonicMean(0.6, 0.3) - 0.4) < 1e-12);
  // class 0 (seen): 2 of 2 right; class 1 (seen): 1 of 4; class 2 (unseen): 1 of 2
  const labels = [0, 0, 1, 1, 1, 1, 2, 2];
  const pred = [0, 0, 1, 0, 0, 0, 2, 1];
  const g = X.gzslScores(pred, labels, [0, 1], [2]);
  assert.equal(g.seen, (1 + 0.25) / 2, "per-class mean, not per image (3/6)");
  assert.equal(g.unseen, 0.5);
  assert.ok(Math.abs(g.h - X.harmonicMean(0.625, 0.5)) < 1e-12);
  assert.throws(() => X.gzslScores(pred, labels, [0, 1], [3]), /no images of classes 3/);
  assert.throws(() => X.gzslScores([0], labels, [0], [2]), /1 predictions for 8 labels/);
});

test("calibratedPredictions: γ is subtracted from seen columns only; columns restrict the argmax", () => {
  const s = rows([
    [0.9, 0.2, 0.8],
    [0.1, 0.5, 0.3],
  ]);
  assert.deepEqual(X.calibratedPredictions(s, [0, 1], 0), [0, 1]);
  assert.deepEqual(X.calibratedPredictions(s, [0, 1], 0.11), [2, 1]);
  assert.deepEqual(X.calibratedPredictions(s, [0, 1], 0.25), [2, 2]);
  assert.deepEqual(X.calibratedPredictions(s, [0, 1], 1, [0, 1]), [0, 1], "without unseen columns γ changes nothing");
  assert.deepEqual(X.gammaGrid(0.02, 0.005), [0, 0.005, 0.01, 0.015, 0.02]);
});

test("pickGamma: the smallest γ with the best H; H 0 at γ = 0 under a seen-class bias", () => {
  // seen classes 0, 1 score 0.3 above where they should; unseen class 2's images have their right score second
  const s = rows([
    [0.9, 0.1, 0.2], // class 0
    [0.1, 0.9, 0.2], // class 1
    [0.5, 0.1, 0.35], // class 2: needs γ > 0.15
    [0.1, 0.45, 0.3], // class 2: needs γ > 0.15
  ]);
  const labels = [0, 1, 2, 2];
  const p = X.pickGamma(s, labels, [0, 1], [2], X.gammaGrid(1, 0.01));
  assert.equal(p.curve[0].h, 0);
  assert.equal(p.gamma, 0.16);
  assert.equal(p.at.h, 1);
  assert.ok(p.curve.every((c) => c.h <= p.at.h));
  assert.equal(p.curve.find((c) => c.gamma === 0.7).h, 0, "too large a γ loses the seen side");
});

/** Frozen features where each class is a direction: seen-class images cluster tightly on their class's direction. */
function featureData() {
  const rng = new lib.Rng(3);
  const classes = 6;
  const dim = 12;
  const basis = Array.from({ length: classes }, (_, c) =>
    Float32Array.from({ length: dim }, (_, j) => (j === c ? 3 : 0)),
  );
  const labels = [];
  const feats = [];
  for (let i = 0; i < 300; i++) {
    const c = [1, 2, 3, 4, 5][i % 5]; // class 0 is the real unseen class: no training images
    labels.push(c);
    feats.push(
      Float32Array.from(basis[c], (v, j) => Math.max(0, v + 0.6 * rng.normal() + (j === 6 + (c % 3) ? 1 : 0))),
    );
  }
  const vectors = Array.from({ length: classes }, () => Float32Array.from({ length: 8 }, () => rng.normal()));
  const d = {
    seen: [1, 2, 3, 4, 5],
    unseen: [0],
    trainSeen: { n: labels.length, labels: Int32Array.from(labels) },
  };
  return { d, feats, vectors };
}

test("selectGamma: pseudo-unseen seen classes, held-out seen images, nothing of the real unseen classes", async () => {
  await lib.backend.initBackend({ prefer: "wasm" });
  const { d, feats, vectors } = featureData();
  const o = { every: 3, center: "seen", temperature: 0.1, epochs: 3, seed: 1 };
  const sel = await X.selectGamma(d, feats, { vectors }, o);
  assert.deepEqual(sel.pseudoUnseen, [1, 4], "seen positions 0 and 3");
  assert.deepEqual(sel.pseudoSeen, [2, 3, 5]);
  assert.equal(sel.validationImages, 60);
  const held = new Set(new lib.Rng(1).permutation(300).slice(0, 60));
  const expectFit = [...d.trainSeen.labels.keys()].filter(
    (i) => !held.has(i) && [2, 3, 5].includes(d.trainSeen.labels[i]),
  );
  assert.equal(sel.fitImages, expectFit.length, "fit images: pseudo-seen classes, not held out");
  assert.ok(sel.calibrated.h >= sel.uncalibrated.h);
  assert.equal(sel.curve.length, X.gammaGrid().length);
  assert.equal(sel.curve.find((c) => c.gamma === sel.gamma).h, sel.calibrated.h);
  // the real unseen class's label vector (and any test data) plays no part
  const other = vectors.map((v, c) => (c === 0 ? Float32Array.from(v, (x) => -3 * x) : v));
  const sel2 = await X.selectGamma(d, feats, { vectors: other }, o);
  assert.equal(sel2.gamma, sel.gamma);
  assert.deepEqual(sel2.curve, sel.curve);
  await assert.rejects(X.selectGamma({ ...d, seen: [1, 2] }, feats, { vectors }, o), /at least 2 pseudo-seen/);
  await assert.rejects(X.selectGamma(d, feats.slice(1), { vectors }, o), /299 feature rows for 300 images/);
});

test("gzslReport: the test summary at γ = 0 and at the γ selected on the seen classes' images", async () => {
  await lib.backend.initBackend({ prefer: "wasm" });
  const { d, feats, vectors } = featureData();
  const test = { n: 4, labels: Int32Array.from([0, 0, 1, 2]) };
  const testScores = rows([
    [0.2, 0.4, 0.1, 0, 0, 0],
    [0.3, 0.1, 0.35, 0, 0, 0],
    [0.1, 0.9, 0.1, 0, 0, 0],
    [0.1, 0.1, 0.9, 0, 0, 0],
  ]);
  const o = { every: 3, center: "seen", temperature: 0.1, epochs: 3, seed: 1, grid: [0, 0.06, 0.3] };
  const g = await X.gzslReport({ ...d, test }, feats, testScores, { vectors }, o);
  assert.deepEqual(g.uncalibrated, { seen: 1, unseen: 0, h: 0 });
  const at = (gamma) => X.gzslScores(X.calibratedPredictions(testScores, d.seen, gamma), test.labels, d.seen, d.unseen);
  assert.deepEqual(g.calibrated, at(g.gamma));
  assert.equal(g.gamma, g.selection.gamma);
  await assert.rejects(X.gzslReport({ ...d, test }, feats, testScores.slice(1), { vectors }, o), /3 score rows for 4/);
});

const report = (u, c, selU, selC, gamma = 0.12) => ({
  uncalibrated: u,
  calibrated: c,
  gamma,
  selection: {
    pseudoUnseen: [1, 7],
    pseudoSeen: [2, 3, 4, 6, 8, 9],
    fitImages: 4800,
    validationImages: 1600,
    gamma,
    uncalibrated: selU,
    calibrated: selC,
    curve: [],
  },
});

test("gzslMetrics and gzslVerdict: names in results, the bias sentence, the rise, the no-gain branch", () => {
  const g = report(
    { seen: 0.57, unseen: 0, h: 0 },
    { seen: 0.5, unseen: 0.3, h: 0.375 },
    { seen: 0.9, unseen: 0, h: 0 },
    { seen: 0.8, unseen: 0.5, h: 0.615 },
  );
  assert.deepEqual(X.gzslMetrics(g), {
    gzsl_seen_acc: 0.57,
    gzsl_unseen_acc: 0,
    gzsl_h: 0,
    gzsl_seen_acc_calibrated: 0.5,
    gzsl_unseen_acc_calibrated: 0.3,
    gzsl_h_calibrated: 0.375,
    gzsl_gamma: 0.12,
    gzsl_val_h: 0,
    gzsl_val_h_calibrated: 0.615,
  });
  const v = X.gzslVerdict(g, 0.884);
  assert.match(
    v,
    /^Without calibration: seen 0\.570, unseen 0\.000, H 0\.000 — no unseen test image is classified correctly/,
  );
  assert.match(
    v,
    /pseudo-unseen: 2 of 8 seen classes; 1600 held-out images\) had H 0\.000 at γ = 0 and 0\.615 at its best γ = 0\.12/,
  );
  assert.match(
    v,
    /gives seen 0\.500, unseen 0\.300, H 0\.375: the harmonic mean rises by \+37\.5 points, unseen accuracy by \+30\.0, seen accuracy changes by −7\.0\./,
  );
  assert.match(v, /Unseen-only top-1 stays 0\.884/);
  const flat = X.gzslVerdict(
    report(
      { seen: 0.6, unseen: 0.2, h: 0.3 },
      { seen: 0.6, unseen: 0.2, h: 0.3 },
      { seen: 1, unseen: 0, h: 0 },
      { seen: 1, unseen: 0, h: 0 },
      0,
    ),
    0.5,
  );
  assert.match(flat, /^Without calibration: seen 0\.600, unseen 0\.200, H 0\.300\. /);
  assert.match(flat, /calibration does not raise the harmonic mean here/);
  // in the results and the conclusion only when computed
  const fx = { ...g };
  assert.equal(X.gzslTable(fx, { top1: { estimate: 0.884 } })[0][1].unseen_only_top1, 0.884);
  assert.equal(X.gzslTable(fx, { top1: { estimate: 0.884 } })[0][1].gamma, 0.12);
  const classNames = lib.data.CIFAR10_CLASSES.slice();
  assert.equal(X.gammaSelectionTable(fx, classNames)[0][0].pseudo_unseen, "automobile, horse");
});
