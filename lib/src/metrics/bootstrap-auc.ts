/**
 * Percentile-bootstrap CIs of ROC-AUC without re-sorting every resample.
 *
 * The scores are sorted once. A resample is held as per-item counts (how often each item was drawn),
 * and its AUC is the Mann–Whitney statistic with multiplicities, taken in one pass over the sorted
 * order, tie group by tie group (a group = a run of exactly equal scores):
 *
 *   AUC = Σ_pos count_i · (negatives strictly below + ½ · negatives in i's tie group) / (P · N)
 *
 * with P, N the resample's positive and negative totals. The numerator is a sum of half-integers, as is
 * rocAuc's `rankSum − P(P+1)/2`; both are exact in float64 (far below 2^53) and equal, and the same
 * division follows, so each resample's AUC is bit-identical to `rocAuc` on the drawn indices. The
 * indices are drawn by `bootstrapCI` itself (same Rng calls, same quantiles), so the CIs are
 * bit-identical to `bootstrapCI((idx) => rocAuc(…idx…), …)`. Cost per resample: O(size), not O(size·log size).
 */
import { EmbedlabError } from "../core";
import { bootstrapCI, type BootstrapOptions, type ConfidenceInterval } from "./bootstrap";
import { assertSameLength } from "./check";

/** Bootstrap options for the AUC helpers (the sample size is the number of scores). */
export type BootstrapAucOptions = Omit<BootstrapOptions, "size">;

/** Item indices in ascending score order, and `ends[g]`: one past the last sorted position of tie group g. */
interface SortedScores {
  order: Int32Array;
  ends: Int32Array;
}

function sortScores(scores: ArrayLike<number>, what: string): SortedScores {
  const n = scores.length;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i]))
      throw new EmbedlabError(`${what}: score ${i} is NaN`, "AUC needs comparable scores; drop or fix NaN scores");
  }
  const order = Int32Array.from(Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]));
  const ends: number[] = [];
  for (let k = 1; k <= n; k++) if (k === n || scores[order[k]] !== scores[order[k - 1]]) ends.push(k);
  return { order, ends: Int32Array.from(ends) };
}

/** AUC of the resample given by `counts` (per item), or NaN when it has one class only. */
function aucOfCounts({ order, ends }: SortedScores, positive: Uint8Array, counts: Int32Array): number {
  let u = 0,
    p = 0,
    negBelow = 0;
  for (let g = 0, k = 0; g < ends.length; g++) {
    let pos = 0,
      neg = 0;
    for (const end = ends[g]; k < end; k++) {
      const i = order[k];
      if (positive[i]) pos += counts[i];
      else neg += counts[i];
    }
    u += pos * (negBelow + 0.5 * neg);
    p += pos;
    negBelow += neg;
  }
  return p === 0 || negBelow === 0 ? NaN : u / (p * negBelow);
}

/** Per-item draw counts of `idx` (reusing `counts`). */
function countDraws(idx: readonly number[], counts: Int32Array): Int32Array {
  counts.fill(0);
  for (const i of idx) counts[i]++;
  return counts;
}

const positives = (labels: ArrayLike<number | boolean>): Uint8Array =>
  Uint8Array.from(Array.from(labels, (l) => (l ? 1 : 0)));

/**
 * Percentile-bootstrap CI of `rocAuc(scores, labels)` (label truthy = positive); a resample with one
 * class only counts as 0.5. Bit-identical to `bootstrapCI` with a statistic calling `rocAuc` per resample.
 */
export function bootstrapAucCI(
  scores: ArrayLike<number>,
  labels: ArrayLike<number | boolean>,
  opts: BootstrapAucOptions = {},
): ConfidenceInterval {
  assertSameLength(scores, labels, "bootstrapAucCI");
  const sorted = sortScores(scores, "bootstrapAucCI");
  const pos = positives(labels);
  const counts = new Int32Array(scores.length);
  return bootstrapCI(
    (idx) => {
      const auc = aucOfCounts(sorted, pos, countDraws(idx, counts));
      return Number.isNaN(auc) ? 0.5 : auc;
    },
    { ...opts, size: scores.length },
  );
}

/**
 * Paired percentile-bootstrap CI of `rocAuc(after, labels) − rocAuc(before, labels)`: each resample
 * draws items once and scores both; a resample with one class only counts as 0.
 */
export function bootstrapPairedAucCI(
  after: ArrayLike<number>,
  before: ArrayLike<number>,
  labels: ArrayLike<number | boolean>,
  opts: BootstrapAucOptions = {},
): ConfidenceInterval {
  assertSameLength(after, labels, "bootstrapPairedAucCI(after)");
  assertSameLength(before, labels, "bootstrapPairedAucCI(before)");
  const sa = sortScores(after, "bootstrapPairedAucCI(after)");
  const sb = sortScores(before, "bootstrapPairedAucCI(before)");
  const pos = positives(labels);
  const counts = new Int32Array(labels.length);
  return bootstrapCI(
    (idx) => {
      countDraws(idx, counts);
      const a = aucOfCounts(sa, pos, counts);
      return Number.isNaN(a) ? 0 : a - aucOfCounts(sb, pos, counts);
    },
    { ...opts, size: labels.length },
  );
}
