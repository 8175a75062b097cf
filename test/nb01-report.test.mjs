// Notebook 01's report (lib/src/experiments/label-targets/report.ts): the flat metrics saved with the results,
// the generated sentences and their thresholds; config.ts's profiles; the tables' row rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as fs from "node:fs";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const NB01 = require("../ci/dist/notebooks.js").notebookDefaults("01_label_embeddings");
const X = lib.experiments.labelTargets;
const fx = JSON.parse(fs.readFileSync(new URL("./fixtures/nb01-quick-run.json", import.meta.url), "utf8"));

const ci = (estimate, lo = estimate - 0.01, hi = estimate + 0.01) => ({ estimate, lo, hi });
const run = (name, estimate, extra = {}) => {
  const [kind, source] = name.split(":");
  return {
    run: name,
    kind,
    source: source ?? "one-hot",
    accuracy: ci(estimate),
    perClass: [],
    history: [],
    trainSeconds: 1,
    ...extra,
  };
};

/** The committed quick run, rebuilt from its saved metrics (CI highs and cosine maxima as its text prints them). */
function committedOutcome() {
  const m = fx.metrics;
  const k = X.metricKey;
  const targets = ["onehot", "cosine:gpt3-davinci", "emb_ce:use-lite", "cosine:onehot-vectors"].map((name) =>
    run(name, m[`acc_${k(name)}`], {
      accuracy: ci(m[`acc_${k(name)}`], m[`acc_${k(name)}_lo`], name === "onehot" ? 0.601 : 1),
    }),
  );
  const classGaps = [
    ["cosine:gpt3-davinci", 0.2],
    ["emb_ce:use-lite", 0.3],
  ].map(([name, max]) => ({
    run: name,
    spearman_nearest_cos_vs_diff: m[`class_gap_spearman_nearest_${k(name)}`],
    spearman_onehot_acc_vs_diff: m[`class_gap_spearman_onehot_acc_${k(name)}`],
    nearest_cos_max: max,
    largest_losses: "",
  }));
  const zsRun = (source, top1, lo, hi, generalized) => ({
    source,
    unseen: { top1: ci(top1, lo, hi), chanceTop1: m.zs_chance, n: 8000, confusion: [] },
    generalized: ci(generalized),
    generalizedUnseen: 0,
    seenOnly: ci(0.5),
    confusion: [],
  });
  const zeroShot = {
    ...zsRun("gpt3-ada", m.zs_top1, m.zs_top1_lo, m.zs_top1_hi, m.zs_generalized),
    generalizedUnseen: m.zs_generalized_unseen,
    seenOnly: ci(m.zs_seen_only),
  };
  const probes = ["gpt3-ada", "gpt3-babbage", "gpt3-curie", "gpt3-davinci", "use-lite", "glove-100d"].map((s) =>
    zsRun(s, m[`zs_probe_top1_${k(s)}`], m[`zs_probe_top1_lo_${k(s)}`], 1, m[`zs_probe_generalized_${k(s)}`]),
  );
  const classNames = lib.data.CIFAR10_CLASSES.slice();
  return {
    structure100: { sources: [], missing: [], rows: fx.structure100 },
    structure10: { sources: [], missing: [], rows: fx.structure10 },
    data: {
      train: { n: 10000, source: { note: "train" } },
      test: { classNames, source: { note: "test" } },
      zeroShot: { unseen: fx.unseen.map((c) => classNames.indexOf(c)) },
    },
    targets,
    classGaps,
    zeroShot: { result: zeroShot, history: [] },
    oneHot: { unseenAccuracy: m.onehot_unseen_acc },
    probes,
    pairing: [],
  };
}

test("metrics: the committed run's 68 flat metrics, same keys in the same order, same values", () => {
  const m = X.metrics(committedOutcome());
  assert.equal(Object.keys(fx.metrics).length, 68);
  assert.deepEqual(Object.keys(m), Object.keys(fx.metrics));
  assert.deepEqual(m, fx.metrics);
});

test("metrics: the control has acc_minus_onehot but no acc_minus_control; the minimum is over embedding runs only; zs_top5 only with top-5", () => {
  const o = committedOutcome();
  o.targets = [run("onehot", 0.6), run("cosine:gpt3-davinci", 0.56), run("cosine:onehot-vectors", 0.5)];
  o.classGaps = [];
  const m = X.metrics(o);
  assert.ok(Math.abs(m.acc_minus_onehot_cosine_onehot_vectors + 0.1) < 1e-12);
  assert.equal(m.acc_minus_control_cosine_onehot_vectors, undefined);
  assert.ok(Math.abs(m.acc_minus_control_cosine_gpt3_davinci - 0.06) < 1e-12);
  assert.ok(Math.abs(m.acc_emb_minus_onehot_min + 0.04) < 1e-12, "the control's −10 points are not an embedding run's");
  assert.equal(m.zs_top5, undefined);
  o.zeroShot.result.unseen.top5 = ci(0.7);
  assert.equal(X.metrics(o).zs_top5, 0.7);
  assert.throws(() => X.metrics({ ...o, targets: o.targets.slice(1) }), /no one-hot run/);
});

test("thresholds are named constants", () => {
  assert.equal(X.NEAR_ONEHOT, 0.02);
  assert.equal(X.ONEHOT_AIM, 0.55);
  assert.equal(X.CLOSE_TARGETS_SPEARMAN, -0.5);
  assert.equal(X.HARD_CLASSES_SPEARMAN, 0.5);
  assert.equal(X.LARGEST_LOSSES_SHOWN, 3);
  assert.equal(X.SPREAD_CLASSES_SHOWN, 3);
});

test("conclusion, targetsVerdict, classGapVerdict: the committed run's generated text, word for word", () => {
  const o = committedOutcome();
  assert.equal(X.conclusion(o, { epochs: 5, arch: "small" }), fx.conclusion);
  assert.equal(X.targetsVerdict(o.targets), fx.targetsVerdict);
  assert.equal(X.classGapVerdict(o.classGaps), fx.classGapVerdict);
});

test("targetsVerdict: the 2-point rule, the 0.55 aim, and what the control explains", () => {
  const within = X.targetsVerdict([run("onehot", 0.6), run("cosine:a", 0.585), run("emb_ce:b", 0.615)]);
  assert.match(
    within,
    /^One-hot reached \*\*0\.600\*\* test accuracy \(CI 0\.590–0\.610\)\. `cosine:a`: −1\.5 points; `emb_ce:b`: \+1\.5 points\. /,
  );
  assert.match(within, /Every embedding-target run is within 2 points of one-hot/);
  assert.doesNotMatch(within, /below the 0\.55/);
  const above = X.targetsVerdict([run("onehot", 0.5), run("cosine:a", 0.55)]);
  assert.match(above, /below the 0\.55 the quick profile aims for/);
  assert.match(above, /No embedding-target run is more than 2 points below one-hot/);
  // cosine:a is 4 points below; its control explains it (targets −1 point); emb_ce:b is 5 points below with no control; mse:c is within
  const below = X.targetsVerdict([
    run("onehot", 0.6),
    run("cosine:a", 0.56),
    run("emb_ce:b", 0.55),
    run("mse:c", 0.59),
    run("cosine:onehot-vectors", 0.57),
  ]);
  assert.match(below, /More than 2 points below one-hot: cosine:a, emb_ce:b, unlike/);
  assert.match(
    below,
    /The control says why for `cosine:a`: the same cosine loss on structure-free targets is −3\.0 points from one-hot, and the language-model targets on top of it change accuracy by −1\.0\./,
  );
  assert.match(below, / For emb_ce:b the control does not account for the gap: its targets cost accuracy here\./);
  assert.match(below, / Within 2 points: mse:c\.$/);
  // a control that is itself close to one-hot leaves the targets' part unexplained
  const notExplained = X.targetsVerdict([
    run("onehot", 0.6),
    run("cosine:a", 0.55),
    run("cosine:onehot-vectors", 0.59),
  ]);
  assert.match(notExplained, /For cosine:a the control does not account for the gap/);
  assert.doesNotMatch(notExplained, /The control says why/);
  assert.doesNotMatch(notExplained, /Within 2 points:/);
});

test("classGapVerdict: close-target and hard-class sentences at their thresholds", () => {
  const g = (near, hard) => ({
    run: "cosine:a",
    spearman_nearest_cos_vs_diff: near,
    spearman_onehot_acc_vs_diff: hard,
    nearest_cos_max: 0.25,
    largest_losses: "",
  });
  const close = X.classGapVerdict([g(X.CLOSE_TARGETS_SPEARMAN, X.HARD_CLASSES_SPEARMAN)]);
  assert.equal(
    close,
    "`cosine:a`: rank correlation with the nearest-target cosine −0.50 (nearest-target cosines up to 0.25), with one-hot's per-class accuracy +0.50. Classes with a close neighbouring target lose more, as the first explanation predicts. It loses most where one-hot is also weakest (hard classes).",
  );
  const neither = X.classGapVerdict([g(-0.49, 0.49), g(0.1, -0.2)]);
  assert.equal(neither.split("\n\n").length, 2);
  assert.match(neither, /are \*\*not\*\* mainly those with a close neighbouring target/);
  assert.doesNotMatch(neither, /hard classes/);
  // a constant ranking (every class the same gap) makes the correlation NaN: said, not printed as "NaN"
  const undef = X.classGapVerdict([g(Number.NaN, 0.3)]);
  assert.match(undef, /undefined/);
  assert.doesNotMatch(undef, /NaN/);
});

test("conclusion: chance, singular epoch and 'none' branches", () => {
  const o = committedOutcome();
  o.zeroShot.result.unseen.top1 = ci(0.52, 0.49, 0.55);
  o.targets = [run("onehot", 0.6), run("cosine:a", 0.5)];
  o.classGaps = [];
  const text = X.conclusion(o, { epochs: 1, arch: "resnet18" });
  assert.match(text, /the CI does NOT exclude chance/);
  assert.match(text, /10000 training images, 1 epoch\): one-hot 0\.600, cosine:a 0\.500\./);
  assert.match(text, /1-epoch, resnet18-CNN budget/);
  assert.match(text, /Within 2 points of one-hot: none; more than 2 points below: cosine:a \(−10\.0\)\./);
  assert.equal(text.split("\n\n").length, 3);
});

test("results: parameters with the resolved settings, provenance, curves", () => {
  const o = committedOutcome();
  o.structure100.sources = [{ id: "gpt3-ada", provenance: "cached" }];
  const params = {
    ...NB01,
    dataRoot: "",
    embedders: "gpt3-ada",
    cifar10Embedders: "gpt3-ada",
    probeSources: "gpt3-ada",
  };
  const cfg = X.resolveConfig(params);
  const r = X.results(o, params, cfg, { name: "wasm", reason: "asked" }, { total_s: 1 });
  assert.deepEqual(r.metrics, fx.metrics);
  assert.equal(r.backend, "wasm: asked");
  assert.deepEqual(Object.keys(r.params), [
    "profile",
    "dataRoot",
    "embedders",
    "cifar10Embedders",
    "zeroShotSource",
    "probeSources",
    "probeEpochs",
    "runDir",
    "resolved",
  ]);
  assert.deepEqual(r.params.resolved.runs, [
    "onehot",
    "cosine:gpt3-davinci",
    "emb_ce:use-lite",
    "cosine:onehot-vectors",
  ]);
  assert.equal(r.params.resolved.epochs, 8);
  assert.deepEqual(r.models, { arch: "small", labelSources: { "cifar100:gpt3-ada": "cached" } });
  assert.deepEqual(r.data.unseen, ["airplane", "dog"]);
  assert.deepEqual(Object.keys(r.extra.histories), [
    "onehot",
    "cosine:gpt3-davinci",
    "emb_ce:use-lite",
    "cosine:onehot-vectors",
  ]);
  assert.deepEqual(r.durations, { total_s: 1 });
});

test("classGapSummary: rank correlations and the largest losses, as text", () => {
  const gaps = [0.5, 0.1, 0.3, 0.9].map((cos, c) => ({
    classIndex: c,
    nearestClass: (c + 1) % 4,
    nearestCosine: cos,
    runAccuracy: 0,
    onehotAccuracy: c / 10,
    diff: -cos / 10,
  }));
  const [s] = X.classGapSummary([{ run: "cosine:a", gaps }], ["a", "b", "c", "d"]);
  assert.ok(Math.abs(s.spearman_nearest_cos_vs_diff + 1) < 1e-12);
  assert.equal(s.nearest_cos_max, 0.9);
  assert.equal(
    s.largest_losses,
    "d -9.0 (nearest target: a, cos 0.90); a -5.0 (nearest target: b, cos 0.50); c -3.0 (nearest target: d, cos 0.30)",
  );
});

test("oneHotTable: per unseen class the seen classes its images go to most, in whole percent", () => {
  const zd = { unseen: [0], test: { classNames: ["u", "a", "b", "c", "d"] } };
  const oh = {
    unseenAccuracy: 0,
    seenOnly: ci(0.6),
    spread: [1, 2, 3, 4].map((c) => ({ unseenClass: 0, predicted: c, fraction: [0.1, 0.4, 0.2, 0.3][c - 1] })),
  };
  const [rows, opts] = X.oneHotTable(oh, zd);
  assert.deepEqual(rows, [{ unseen_class: "u", accuracy: 0, predicted_as: "b 40 %, d 30 %, c 20 %" }]);
  assert.equal(opts.caption, "One-hot (seen-only softmax): unseen accuracy 0.000; seen-only test accuracy 0.600");
});

test("PROFILES: every quick / full default in one place, and resolveConfig uses them", () => {
  const base = NB01;
  for (const profile of ["quick", "full"]) {
    const p = X.PROFILES[profile];
    const c = X.resolveConfig({ ...base, profile });
    assert.deepEqual(
      [c.dataset, c.arch, c.epochs, c.zeroShotEpochs, c.batchSize, c.schedule, c.regressionSpace],
      [p.dataset, p.arch, p.epochs, p.zeroShotEpochs, p.batchSize, p.schedule, p.regressionSpace],
    );
    assert.equal(c.runs.map((r) => r.name + (r.peakLr ? `@${r.peakLr}` : "")).join(","), p.targetRuns);
  }
  assert.deepEqual(X.parseList(" a, b,,c "), ["a", "b", "c"]);
});
