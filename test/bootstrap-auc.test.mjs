import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
const { metrics, Rng } = createRequire(import.meta.url)("@embedlab/lib");
const eq = metrics.embeddingQuality;

// The reference: bootstrapCI re-running rocAuc on every resample (the code the fast path replaced).
const oldAucCI = (scores, labels, opts) => {
  const lab = Array.from(labels, (l) => (l ? 1 : 0));
  return metrics.bootstrapCI(
    (idx) => {
      const l = idx.map((i) => lab[i]);
      return l.includes(1) && l.includes(0)
        ? metrics.rocAuc(
            idx.map((i) => scores[i]),
            l,
          )
        : 0.5;
    },
    { ...opts, size: scores.length },
  );
};
const oldPairedCI = (after, before, labels, opts) =>
  metrics.bootstrapCI(
    (idx) => {
      const l = idx.map((i) => labels[i]);
      if (!l.includes(1) || !l.includes(0)) return 0;
      return (
        metrics.rocAuc(
          idx.map((i) => after[i]),
          l,
        ) -
        metrics.rocAuc(
          idx.map((i) => before[i]),
          l,
        )
      );
    },
    { ...opts, size: labels.length },
  );

/** `size` scores rounded to `decimals` (many ties), labels with a positive rate of `rate`, both classes present. */
function sample(size, seed, decimals = 2, rate = 0.3) {
  const rng = new Rng(seed);
  const labels = Array.from({ length: size }, (_, i) => (i === 0 ? 1 : i === 1 ? 0 : rng.next() < rate ? 1 : 0));
  const round = (x) => Math.round(x * 10 ** decimals) / 10 ** decimals;
  const after = labels.map((l) => round(rng.normal() * 0.3 + 0.4 * l));
  const before = labels.map((l, i) => round(after[i] * 0.5 + rng.normal() * 0.3));
  return { labels, after, before };
}

const same = (a, b, what) => {
  for (const k of ["estimate", "lo", "hi"]) assert.ok(Object.is(a[k], b[k]), `${what} ${k}: ${a[k]} vs ${b[k]}`);
};

test("bootstrapAucCI / bootstrapPairedAucCI are bit-identical to bootstrapCI + rocAuc (ties, sizes, seeds, alphas)", () => {
  for (const [size, decimals, rate] of [
    [5, 1, 0.4],
    [12, 1, 0.5],
    [60, 2, 0.2],
    [400, 2, 0.3],
    [1500, 3, 0.1],
  ]) {
    for (const seed of [0, 1, 7, 123456]) {
      const { labels, after, before } = sample(size, seed + size, decimals, rate);
      for (const alpha of [0.05, 0.5, 0.9]) {
        const opts = { n: 101, seed, alpha };
        const what = `size=${size} seed=${seed} alpha=${alpha}`;
        same(metrics.bootstrapAucCI(after, labels, opts), oldAucCI(after, labels, opts), `single ${what}`);
        same(
          metrics.bootstrapPairedAucCI(after, before, labels, opts),
          oldPairedCI(after, before, labels, opts),
          `paired ${what}`,
        );
      }
    }
  }
});

test("separationOfScores / pairedAucDifference CIs are unchanged", () => {
  const { labels, after, before } = sample(800, 42);
  const a = eq.separationOfScores(after, labels, { bootstrap: 200, seed: 3 });
  const b = eq.separationOfScores(before, labels, { bootstrap: 200, seed: 3 });
  same(a.aucCI, oldAucCI(after, labels, { n: 200, seed: 3 }), "after");
  same(b.aucCI, oldAucCI(before, labels, { n: 200, seed: 3 }), "before");
  // pairedAucDifference orders the pairs relevant first, then irrelevant
  const order = [...labels.keys()].sort((i, j) => labels[j] - labels[i]);
  const d = eq.pairedAucDifference(a, b, { bootstrap: 200, seed: 5 });
  same(
    d,
    oldPairedCI(
      order.map((i) => after[i]),
      order.map((i) => before[i]),
      order.map((i) => labels[i]),
      { n: 200, seed: 5 },
    ),
    "paired",
  );
});

test("one-class resamples count as 0.5 (AUC) and 0 (paired difference)", () => {
  // 3 items, one positive: about 1 resample in 3 has no positive, 1 in 27 no negative
  const scores = [0.2, 0.7, 0.2],
    before = [0.9, 0.1, 0.5],
    labels = [1, 0, 0];
  let oneClass = 0;
  metrics.bootstrapCI(
    (idx) => {
      if (new Set(idx.map((i) => labels[i])).size < 2) oneClass++;
      return 0;
    },
    { n: 200, seed: 11, size: 3 },
  );
  assert.ok(oneClass > 20, `${oneClass} one-class resamples`);
  for (const alpha of [0.05, 0.3, 0.6, 0.9]) {
    const opts = { n: 200, seed: 11, alpha };
    same(metrics.bootstrapAucCI(scores, labels, opts), oldAucCI(scores, labels, opts), `single alpha=${alpha}`);
    same(
      metrics.bootstrapPairedAucCI(scores, before, labels, opts),
      oldPairedCI(scores, before, labels, opts),
      `paired alpha=${alpha}`,
    );
  }
  // with one class only, every resample (and the full sample) has one class
  assert.deepEqual(metrics.bootstrapAucCI([0.3, 0.4], [0, 0], { n: 10 }), { estimate: 0.5, lo: 0.5, hi: 0.5 });
  assert.deepEqual(metrics.bootstrapPairedAucCI([0.3, 0.4], [0.1, 0.2], [1, 1], { n: 10 }), {
    estimate: 0,
    lo: 0,
    hi: 0,
  });
});

test("special scores: ±0 tie, ±Infinity; NaN and bad input are clear errors", () => {
  const scores = [-0, 0, Infinity, -Infinity, 0.5, Infinity, -0, 0.5, -Infinity, 0];
  const labels = [1, 0, 1, 0, 1, 0, 0, 1, 1, 0];
  for (const seed of [0, 3])
    same(
      metrics.bootstrapAucCI(scores, labels, { n: 300, seed }),
      oldAucCI(scores, labels, { n: 300, seed }),
      `seed=${seed}`,
    );
  assert.throws(() => metrics.bootstrapAucCI([0.1, NaN], [1, 0]), /NaN/);
  assert.throws(() => metrics.bootstrapAucCI([0.1, 0.2], [1]), /lengths differ/);
  assert.throws(() => metrics.bootstrapPairedAucCI([0.1, 0.2], [0.1], [1, 0]), /lengths differ/);
  assert.throws(() => metrics.bootstrapAucCI([], []), /empty sample/);
  assert.throws(() => metrics.bootstrapAucCI([0.1, 0.2], [1, 0], { alpha: 2 }), /alpha/);
});

test("17,640 scores × 1000 resamples: runs, and matches the old path on a few resamples", () => {
  const { labels, after, before } = sample(17640, 5, 3, 0.15);
  const ci = metrics.bootstrapAucCI(after, labels, { n: 1000, seed: 1 });
  assert.equal(ci.estimate, metrics.rocAuc(after, labels));
  assert.ok(ci.lo < ci.estimate && ci.estimate < ci.hi, JSON.stringify(ci));
  const d = metrics.bootstrapPairedAucCI(after, before, labels, { n: 1000, seed: 1 });
  assert.equal(d.estimate, metrics.rocAuc(after, labels) - metrics.rocAuc(before, labels));
  assert.ok(d.lo < d.estimate && d.estimate < d.hi, JSON.stringify(d));
  same(
    metrics.bootstrapAucCI(after, labels, { n: 8, seed: 2, alpha: 0.5 }),
    oldAucCI(after, labels, { n: 8, seed: 2, alpha: 0.5 }),
    "large single",
  );
  same(
    metrics.bootstrapPairedAucCI(after, before, labels, { n: 8, seed: 2, alpha: 0.5 }),
    oldPairedCI(after, before, labels, { n: 8, seed: 2, alpha: 0.5 }),
    "large paired",
  );
});
