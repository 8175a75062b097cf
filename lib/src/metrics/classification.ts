import { EmbedlabError } from "../core";
import { assertNonEmpty, assertSameLength, Vector } from "./check";

/** Fraction of `pred[i] === labels[i]`. */
export function accuracy(pred: ArrayLike<number>, labels: ArrayLike<number>): number {
  assertSameLength(pred, labels, "accuracy");
  assertNonEmpty(pred, "accuracy");
  let hit = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) hit++;
  return hit / pred.length;
}

/** Indices of the `k` largest entries of `row`, best first (ties keep the lower index first). */
export function argTopK(row: Vector, k: number, candidates?: readonly number[]): number[] {
  const idx = candidates ? candidates.slice() : Array.from({ length: row.length }, (_, i) => i);
  idx.sort((a, b) => row[b] - row[a] || a - b);
  return idx.slice(0, Math.max(0, k));
}

/** Fraction of rows whose true label is among the `k` highest scores (`scores[i]` = one row of class scores). */
export function topK(scores: readonly Vector[], labels: ArrayLike<number>, k: number): number {
  assertSameLength(scores, labels, "topK");
  assertNonEmpty(scores, "topK");
  let hit = 0;
  for (let i = 0; i < scores.length; i++) {
    const row = scores[i];
    const y = labels[i];
    // rank of the true class = number of strictly larger scores (+ ties with a lower index)
    let better = 0;
    for (let j = 0; j < row.length; j++) if (row[j] > row[y] || (row[j] === row[y] && j < y)) better++;
    if (better < k) hit++;
  }
  return hit / scores.length;
}

/** `m[true][pred]` counts; `numClasses` defaults to 1 + the largest id seen. */
export function confusionMatrix(pred: ArrayLike<number>, labels: ArrayLike<number>, numClasses?: number): number[][] {
  assertSameLength(pred, labels, "confusionMatrix");
  let c = numClasses ?? 0;
  if (numClasses === undefined) for (let i = 0; i < pred.length; i++) c = Math.max(c, pred[i] + 1, labels[i] + 1);
  const m = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  for (let i = 0; i < pred.length; i++) {
    const t = labels[i],
      p = pred[i];
    if (!(t >= 0 && t < c && p >= 0 && p < c) || !Number.isInteger(t) || !Number.isInteger(p)) {
      throw new EmbedlabError(
        `confusionMatrix: entry ${i} has label ${t} / prediction ${p} outside 0..${c - 1}`,
        "pass integer class ids and the right numClasses",
      );
    }
    m[t][p]++;
  }
  return m;
}

/**
 * ROC AUC of `scores` for binary `labels` (1/true = positive): the Mann–Whitney statistic with
 * average ranks, so tied scores count one half.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>): number {
  assertSameLength(scores, labels, "rocAuc");
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let rankSumPos = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++)
      if (labels[order[t]]) {
        nPos++;
        rankSumPos += avgRank;
      }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0)
    throw new EmbedlabError(
      `rocAuc needs both classes; got ${nPos} positives and ${nNeg} negatives`,
      "evaluate on a sample with both labels",
    );
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Retrieval recall@k: `sim[q]` scores every item for query q; `relevant[q]` is the relevant item (or
 * items). A query counts as a hit when any relevant item is in its top k.
 */
export function recallAtK(sim: readonly Vector[], relevant: ArrayLike<number | readonly number[]>, k: number): number {
  assertSameLength(sim, relevant, "recallAtK");
  assertNonEmpty(sim, "recallAtK");
  let hit = 0;
  for (let q = 0; q < sim.length; q++) {
    const top = new Set(argTopK(sim[q], k));
    const rel = relevant[q];
    const rels = typeof rel === "number" ? [rel] : rel;
    if (rels.some((r) => top.has(r))) hit++;
  }
  return hit / sim.length;
}
