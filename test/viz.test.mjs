import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { viz, metrics, Rng } = require("@embedlab/lib");
const vl = await import("vega-lite");
const vega = await import("vega");

/** Compile with vega-lite, run the dataflow with vega, and return the SVG (throws on any spec error). */
async function render(spec) {
  const warnings = [];
  const logger = {
    level() {
      return this;
    },
    warn: (...a) => warnings.push(a.join(" ")),
    info() {},
    debug() {},
    error: (e) => {
      throw e instanceof Error ? e : new Error(String(e));
    },
  };
  const { spec: vgSpec } = vl.compile(spec, { logger });
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return { svg, warnings };
}

test("heatmap carries every cell and renders", async () => {
  const m = [
    [1, 0.25],
    [0.25, 1],
    [-0.5, 0.125],
  ];
  const spec = viz.heatmap(m, ["a", "b", "c"], ["x", "y"], { title: "cos", colorScheme: "redblue", domain: [-1, 1] });
  assert.equal(spec.data.values.length, 6);
  assert.deepEqual(
    spec.data.values.find((v) => v.row === "c" && v.col === "x"),
    { row: "c", col: "x", value: -0.5 },
  );
  const { svg, warnings } = await render(spec);
  assert.deepEqual(warnings, []);
  assert.ok(svg.includes("<svg") && svg.includes("0.13"), "cell text rendered with .2f format");
  assert.throws(() => viz.heatmap(m, ["a", "a", "c"], ["x", "y"]), /duplicate/);
  assert.throws(() => viz.heatmap(m, ["a", "b"], ["x", "y"]), /row labels/);
});

test("scatter with groups and labels", async () => {
  const pts = [
    { x: 0, y: 1, label: "cat", group: "animal" },
    { x: 2, y: 3, label: "car", group: "vehicle" },
    { x: 1, y: 1.5, label: "dog", group: "animal" },
  ];
  const spec = viz.scatter(pts, { title: "map" });
  assert.deepEqual(
    spec.data.values.map((v) => v.label),
    ["cat", "car", "dog"],
  );
  const { svg, warnings } = await render(spec);
  assert.deepEqual(warnings, []);
  assert.ok(svg.includes("vehicle") && svg.includes("dog"));
  assert.throws(() => viz.scatter([{ x: NaN, y: 0 }]), /non-finite/);
});

test("trainingCurves: one run and several runs", async () => {
  const h = [
    { epoch: 1, step: 10, loss: 2, lr: 0.1, seconds: 3, test_acc: 0.4 },
    { epoch: 2, step: 20, loss: 1.5, lr: 0.05, seconds: 3, test_acc: 0.55 },
  ];
  const one = viz.trainingCurves(h, { title: "curves" });
  assert.deepEqual([...new Set(one.data.values.map((v) => v.series))].sort(), ["loss", "test_acc"]);
  assert.equal(one.data.values.length, 4);
  const two = viz.trainingCurves({ onehot: h, cosine: h }, { series: ["test_acc"] });
  assert.deepEqual([...new Set(two.data.values.map((v) => v.series))].sort(), [
    "cosine · test_acc",
    "onehot · test_acc",
  ]);
  for (const s of [one, two]) assert.deepEqual((await render(s)).warnings, []);
  assert.throws(() => viz.trainingCurves(h, { series: ["nope"] }), /nothing to plot/);
});

test("groupedBars with CI error bars and a baseline", async () => {
  const rows = [
    { group: "SST-2", series: "USE", value: 0.72, lo: 0.69, hi: 0.75 },
    { group: "SST-2", series: "GloVe", value: 0.61, lo: 0.58, hi: 0.64 },
    { group: "AG", series: "USE", value: 0.8 },
  ];
  const spec = viz.groupedBars(rows, { title: "acc", baseline: 0.5, domain: [0, 1] });
  assert.equal(spec.data.values.length, 3);
  assert.equal(spec.layer.length, 3);
  const { svg, warnings } = await render(spec);
  assert.deepEqual(warnings, []);
  assert.ok(svg.includes("GloVe"));
});

test("histogramOverlay normalises per series", async () => {
  const rng = new Rng(1);
  const spec = viz.histogramOverlay(
    {
      within: Array.from({ length: 200 }, () => 0.6 + 0.1 * rng.normal()),
      across: Array.from({ length: 50 }, () => 0.3 + 0.1 * rng.normal()),
    },
    { bins: 20 },
  );
  assert.equal(spec.data.values.length, 250);
  const { warnings } = await render(spec);
  assert.deepEqual(warnings, []);
});

function twoClusters(n, dim, seed) {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) =>
    Float32Array.from({ length: dim }, () => (i < n / 2 ? 0 : 8) + rng.normal()),
  );
}

test("tsne2d separates two well-separated clusters and is deterministic for a seed", () => {
  const X = twoClusters(60, 10, 2);
  const Y = viz.tsne2d(X, { perplexity: 10, seed: 7, iterations: 300 });
  assert.equal(Y.length, 60);
  const groups = X.map((_, i) => (i < 30 ? 0 : 1));
  // nearest neighbour in the 2-D map is in the same cluster for every point
  const nnSame = Y.every((p, i) => {
    let best = -1,
      bd = Infinity;
    Y.forEach((q, j) => {
      if (j !== i) {
        const d = (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2;
        if (d < bd) {
          bd = d;
          best = j;
        }
      }
    });
    return groups[best] === groups[i];
  });
  assert.ok(nnSame, "every point's 2-D nearest neighbour is in its own cluster");
  const wa = metrics.withinAcrossCosine(
    Y.map(([a, b]) => [a - mean(Y, 0), b - mean(Y, 1)]),
    groups,
  );
  assert.ok(wa.within > wa.across + 0.5, JSON.stringify(wa));
  assert.deepEqual(viz.tsne2d(X, { perplexity: 10, seed: 7, iterations: 300 }), Y);
});
const mean = (Y, k) => Y.reduce((s, p) => s + p[k], 0) / Y.length;

test("pca2d finds the separating direction", () => {
  const X = twoClusters(40, 6, 3);
  const Y = viz.pca2d(X);
  const a = Y.slice(0, 20).map((p) => p[0]),
    b = Y.slice(20).map((p) => p[0]);
  const sep = Math.abs(a.reduce((s, v) => s + v, 0) / 20 - b.reduce((s, v) => s + v, 0) / 20);
  assert.ok(sep > 15, `first PC separates clusters by ${sep}`);
  assert.ok(Math.max(...a) < Math.min(...b) || Math.max(...b) < Math.min(...a));
});

test("danfojs-node loads offline and toDataFrame builds a table", () => {
  const df = viz.toDataFrame([
    { model: "USE", acc: 0.72 },
    { model: "GloVe", acc: 0.61 },
  ]);
  assert.deepEqual(df.shape, [2, 2]);
  assert.deepEqual(df.columns, ["model", "acc"]);
  assert.deepEqual(df["acc"].values, [0.72, 0.61]);
  assert.throws(() => viz.toDataFrame([]), /no rows/);
});
