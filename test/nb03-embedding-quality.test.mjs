import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
const { metrics, experiments, Rng } = createRequire(import.meta.url)("@embedlab/lib");
const eq = metrics.embeddingQuality;
const X = experiments.gptEmbeddings;

const close = (a, b, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test("pairSeparation: AUC and group means of paired cosines", () => {
  // a_i = e1; b_i at angle θ_i from e1, so cos = cos θ_i
  const angles = [0.1, 0.2, 1.0, 1.2, 1.4];
  const a = angles.map(() => [1, 0]);
  const b = angles.map((t) => [Math.cos(t), Math.sin(t)]);
  const s = eq.pairSeparation(a, b, [1, 1, 0, 0, 0]);
  assert.equal(s.auc, 1);
  close(s.meanRelevant, (Math.cos(0.1) + Math.cos(0.2)) / 2, 1e-12);
  close(s.meanIrrelevant, (Math.cos(1.0) + Math.cos(1.2) + Math.cos(1.4)) / 3, 1e-12);
  close(s.gap, s.meanRelevant - s.meanIrrelevant, 1e-12);
  assert.equal(s.relevant.length, 2);
  assert.equal(s.irrelevant.length, 3);
  // labels flipped: perfectly wrong order
  assert.equal(eq.pairSeparation(a, b, [0, 0, 1, 1, 1]).auc, 0);
  // one relevant pair in the middle: 2 of 3 irrelevant pairs below it
  close(eq.pairSeparation(a, b, [0, 0, 1, 0, 0]).auc, 0.5);
});

test("separationOfScores: bootstrap CI brackets the estimate and is seeded", () => {
  const rng = new Rng(5);
  const labels = Array.from({ length: 300 }, (_, i) => (i % 4 === 0 ? 1 : 0));
  const scores = labels.map((l) => rng.normal() + (l ? 1 : 0));
  const s1 = eq.separationOfScores(scores, labels, { bootstrap: 200, seed: 3 });
  const s2 = eq.separationOfScores(scores, labels, { bootstrap: 200, seed: 3 });
  assert.deepEqual(s1.aucCI, s2.aucCI);
  assert.ok(s1.aucCI.lo < s1.auc && s1.auc < s1.aucCI.hi, JSON.stringify(s1.aucCI));
  assert.ok(s1.auc > 0.65 && s1.auc < 0.9, `auc ${s1.auc}`);
  close(s1.aucCI.estimate, s1.auc, 1e-12);
  assert.equal(eq.separationOfScores(scores, labels).aucCI, undefined);
});

test("separation rejects one-class input and mismatched lengths", () => {
  assert.throws(() => eq.separationOfScores([0.1, 0.2], [1, 1]), /relevant and irrelevant/);
  assert.throws(
    () =>
      eq.pairSeparation(
        [[1, 0]],
        [
          [1, 0],
          [0, 1],
        ],
        [1],
      ),
    /lengths differ/,
  );
});

test("anisotropy: a shared offset makes unrelated vectors look similar; removing the mean undoes it", () => {
  const rng = new Rng(11);
  const dim = 64;
  const offset = Array.from({ length: dim }, () => 3 * rng.normal());
  const noise = Array.from({ length: 200 }, () => Array.from({ length: dim }, () => rng.normal()));
  const shifted = noise.map((r) => r.map((x, i) => x + offset[i]));
  const r = eq.anisotropyReport(shifted);
  assert.ok(r.raw > 0.85, `raw ${r.raw}`);
  assert.ok(Math.abs(r.centered) < 0.02, `centered ${r.centered}`);
  assert.ok(r.meanDirectionNorm > 0.9, `norm ${r.meanDirectionNorm}`);
  const iso = eq.anisotropyReport(noise);
  assert.ok(Math.abs(iso.raw) < 0.02, `isotropic raw ${iso.raw}`);
  assert.ok(iso.meanDirectionNorm < 0.2, `isotropic norm ${iso.meanDirectionNorm}`);
  // anisotropy ≈ ‖mean unit vector‖² (exactly, up to the n/(n−1) self-pair correction)
  const n = shifted.length;
  close(r.raw, (n * r.meanDirectionNorm ** 2 - 1) / (n - 1), 1e-9);
  assert.throws(() => eq.anisotropy([[1, 2]]), /at least 2/);
});

test("meanRow and centerRows (with an external mean)", () => {
  assert.deepEqual(
    [
      ...eq.meanRow([
        [1, 2],
        [3, 6],
      ]),
    ],
    [2, 4],
  );
  assert.deepEqual(
    eq
      .centerRows([
        [1, 2],
        [3, 6],
      ])
      .map((r) => [...r]),
    [
      [-1, -2],
      [1, 2],
    ],
  );
  assert.deepEqual(
    eq.centerRows([[1, 2]], [1, 1]).map((r) => [...r]),
    [[0, 1]],
  );
  assert.throws(() => eq.centerRows([[1, 2, 3]], [1, 1]), /expected 2/);
});

test("qaEvalSet + evaluateOnQa: same-article and cross-question separation, texts embedded once", async () => {
  const q = (id, topic, correctIdx, n = 3) => ({
    questionId: id,
    question: `${topic} question`,
    documentTitle: topic,
    candidates: Array.from({ length: n }, (_, i) => ({
      sentenceId: `${id}-${i}`,
      sentence: i === correctIdx ? `${topic} answer` : `${topic} filler ${i}`,
      label: i === correctIdx ? 1 : 0,
    })),
  });
  const qs = [q("Q1", "alpha", 0), q("Q2", "beta", 2), q("Q3", "gamma", -1)];
  const set = eq.qaEvalSet(qs);
  assert.deepEqual(
    set.questions,
    ["alpha question", "beta question"],
    "questions without a correct answer are dropped",
  );
  assert.equal(set.pairs.length, 6);
  // toy embedding: topic one-hot (dims 0-2) + "answer" flag (dim 3)
  const topics = ["alpha", "beta", "gamma"];
  const calls = [];
  const fn = (texts) => {
    calls.push(texts.length);
    return texts.map((t) => {
      const v = [0, 0, 0, 0, 0.01];
      topics.forEach((tp, i) => {
        if (t.startsWith(tp)) v[i] = 1;
      });
      if (t.endsWith("answer") || t.endsWith("question")) v[3] = 1;
      return v;
    });
  };
  const r = await eq.evaluateOnQa("toy", fn, set, ["gamma filler 1", "alpha filler 1"], ["alpha answer"]);
  assert.equal(r.sameArticle.auc, 1);
  assert.equal(r.crossQuestion.auc, 1);
  assert.equal(r.crossQuestion.relevant.length, 2);
  assert.equal(r.crossQuestion.irrelevant.length, 2);
  assert.equal(r.extra.length, 1);
  assert.equal(r.dim, 5);
  // 2 questions + 6 sentences + "gamma filler 1" (the other unrelated text and the extra one are already there)
  assert.deepEqual(calls, [9], "one call with each distinct text once");
  const bad = () => [[1, 0]];
  await assert.rejects(() => eq.evaluateOnQa("bad", bad, set, ["x", "y"]), /returned 1 vectors/);
  assert.throws(() => eq.qaEvalSet([q("Q3", "gamma", -1)]), /at least 2 questions/);
});

test("hfLastTokenLogits offline: a missing hub model is a clear error, not a download", async () => {
  await assert.rejects(
    () => X.hfLastTokenLogits("nobody/no-such-chat-model", { allowRemote: false }),
    /not available offline/,
  );
});

test("pairedAucDifference: estimate is the AUC difference on the same pairs, CI brackets it", () => {
  const rng = new Rng(9);
  const labels = Array.from({ length: 400 }, (_, i) => (i % 5 === 0 ? 1 : 0));
  const weak = labels.map((l) => rng.normal() + 0.2 * l);
  const strong = labels.map((l, i) => weak[i] + 1.0 * l);
  const a = eq.separationOfScores(strong, labels);
  const b = eq.separationOfScores(weak, labels);
  const d = eq.pairedAucDifference(a, b, { bootstrap: 300, seed: 1 });
  close(d.estimate, a.auc - b.auc, 1e-12);
  assert.ok(d.lo > 0 && d.lo < d.estimate && d.estimate < d.hi, JSON.stringify(d));
  assert.throws(() => eq.pairedAucDifference(a, eq.separationOfScores(weak.slice(1), labels.slice(1))), /same pairs/);
});

test("poolFoldReports: pooled AUC over all folds' pairs; pooled before/after compare pair by pair", () => {
  const sep = (rel, irr) => eq.separationOfScores([...rel, ...irr], [...rel.map(() => 1), ...irr.map(() => 0)]);
  const rep = (name, s, aniso) => ({
    name,
    sameArticle: s,
    crossQuestion: s,
    sameArticleCentered: s,
    anisotropy: { raw: aniso, centered: 0, meanDirectionNorm: aniso },
    extra: [],
    dim: 4,
    seconds: 1,
  });
  // fold 1 separates perfectly, fold 2 not at all: the pooled AUC is that of all scores together
  const f1 = sep([0.9, 0.8], [0.1, 0.2, 0.3]),
    f2 = sep([0.5], [0.6, 0.7]);
  const pooled = X.poolFoldReports("p", [rep("a", f1, 0.2), rep("b", f2, 0.4)]);
  assert.deepEqual(pooled.sameArticle.relevant, [0.9, 0.8, 0.5]);
  assert.deepEqual(pooled.sameArticle.irrelevant, [0.1, 0.2, 0.3, 0.6, 0.7]);
  assert.ok(
    Math.abs(
      pooled.sameArticle.auc -
        eq.separationOfScores([0.9, 0.8, 0.5, 0.1, 0.2, 0.3, 0.6, 0.7], [1, 1, 1, 0, 0, 0, 0, 0]).auc,
    ) < 1e-12,
  );
  assert.ok(Math.abs(pooled.anisotropy.raw - 0.3) < 1e-12);
  assert.equal(pooled.seconds, 2);
  const before = X.poolFoldReports("b", [rep("a", sep([0.1, 0.2], [0.9, 0.8, 0.7]), 0), rep("b", f2, 0)], {
    bootstrap: 200,
    seed: 1,
  });
  const d = eq.pairedAucDifference(pooled.sameArticle, before.sameArticle, { bootstrap: 200, seed: 1 });
  assert.ok(Math.abs(d.estimate - (pooled.sameArticle.auc - before.sameArticle.auc)) < 1e-12);
  assert.ok(d.estimate > 0);
  assert.throws(() => X.poolFoldReports("x", []), /no fold reports/);
  assert.throws(
    () => X.poolFoldReports("x", [rep("a", f1, 0), { ...rep("b", f2, 0), dim: 5 }]),
    /different dimensions/,
  );
});

test("memoizeEmbed: each distinct text is embedded once, vectors come back in order", async () => {
  const calls = [];
  const fn = X.memoizeEmbed((texts) => {
    calls.push([...texts]);
    return texts.map((t) => [t.length, 1]);
  });
  assert.deepEqual(await fn(["aa", "b", "aa"]), [
    [2, 1],
    [1, 1],
    [2, 1],
  ]);
  assert.deepEqual(await fn(["b", "ccc"]), [
    [1, 1],
    [3, 1],
  ]);
  assert.deepEqual(calls, [["aa", "b"], ["ccc"]]);
  const bad = X.memoizeEmbed(() => []);
  await assert.rejects(bad(["x"]), /returned 0 vectors for 1 texts/);
});
