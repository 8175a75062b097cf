import { EmbedlabError } from "../../core";
import { bootstrapCI, spearman, type ConfidenceInterval } from "../../metrics";

/** One off-diagonal pair of items with a score from each matrix. */
export interface PairComparison {
  a: string;
  b: string;
  human: number;
  model: number;
  /** Rank of the model score minus rank of the human score, as fractions of the pair count (−1..1). */
  rankGap: number;
}

export interface MatrixComparison {
  /** Spearman ρ over the n(n−1)/2 off-diagonal pairs, with a bootstrap CI over pairs. */
  spearman: ConfidenceInterval;
  pairs: PairComparison[];
  /** Pairs where both agree most: both ranked high (mean rank highest), smallest |rankGap| first among the top. */
  agreements: PairComparison[];
  /** Pairs with the largest |rankGap|, largest first. */
  disagreements: PairComparison[];
}

/** The strict upper triangle of a square matrix, row by row, with (i, j). */
export function upperTriangle(m: ArrayLike<ArrayLike<number>>): { i: number; j: number; v: number }[] {
  const out: { i: number; j: number; v: number }[] = [];
  for (let i = 0; i < m.length; i++) {
    if (m[i].length !== m.length)
      throw new EmbedlabError(`upperTriangle: row ${i} has ${m[i].length} entries, expected ${m.length}`);
    for (let j = i + 1; j < m.length; j++) out.push({ i, j, v: m[i][j] });
  }
  return out;
}

function fractionalRanks(v: readonly number[]): number[] {
  const order = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
  const r = new Array<number>(v.length);
  for (let s = 0; s < order.length;) {
    let e = s;
    while (e + 1 < order.length && order[e + 1][0] === order[s][0]) e++;
    for (let t = s; t <= e; t++) r[order[t][1]] = (s + e) / 2 / Math.max(1, v.length - 1);
    s = e + 1;
  }
  return r;
}

/**
 * Compare a model's similarity matrix with a human one over the off-diagonal pairs: Spearman ρ
 * (bootstrap CI over pairs, seeded), and the top-`k` agreements and disagreements by rank.
 */
export function compareWithHuman(
  model: ArrayLike<ArrayLike<number>>,
  human: ArrayLike<ArrayLike<number>>,
  names: readonly string[],
  opts: { k?: number; seed?: number; bootstrap?: number } = {},
): MatrixComparison {
  if (model.length !== human.length || names.length !== human.length) {
    throw new EmbedlabError(
      `compareWithHuman: ${model.length}×${model.length} model, ${human.length}×${human.length} human, ${names.length} names`,
    );
  }
  const h = upperTriangle(human);
  const m = upperTriangle(model);
  if (h.length < 3) throw new EmbedlabError("compareWithHuman needs at least 3 items (3 pairs)");
  const hv = h.map((p) => p.v);
  const mv = m.map((p) => p.v);
  const hr = fractionalRanks(hv);
  const mr = fractionalRanks(mv);
  const pairs = h.map((p, k) => ({ a: names[p.i], b: names[p.j], human: p.v, model: mv[k], rankGap: mr[k] - hr[k] }));
  const k = opts.k ?? 5;
  const ci = bootstrapCI(
    (idx) =>
      spearman(
        idx.map((i) => hv[i]),
        idx.map((i) => mv[i]),
      ),
    { size: hv.length, n: opts.bootstrap ?? 1000, seed: opts.seed ?? 0 },
  );
  const byMeanRank = pairs.map((p, i) => ({ p, mean: (hr[i] + mr[i]) / 2 })).sort((x, y) => y.mean - x.mean);
  const agreements = byMeanRank
    .slice(0, Math.max(k * 3, k))
    .sort((x, y) => Math.abs(x.p.rankGap) - Math.abs(y.p.rankGap))
    .slice(0, k)
    .map((x) => x.p);
  const disagreements = [...pairs].sort((x, y) => Math.abs(y.rankGap) - Math.abs(x.rankGap)).slice(0, k);
  return { spearman: ci, pairs, agreements, disagreements };
}

const STOPWORDS = new Set(
  "a an the of on in at to with and or by for from its his her their is are be it this that as under over between below above next into onto up down".split(
    " ",
  ),
);

/** Content words two captions share (lowercase, stop words removed, sorted): what a sentence encoder may latch onto. */
export function sharedContentWords(a: string, b: string): string[] {
  const words = (s: string) =>
    new Set((s.toLowerCase().match(/[a-z]+(?:-[a-z]+)*/g) ?? []).filter((w) => !STOPWORDS.has(w)));
  const wb = words(b);
  return [...words(a)].filter((w) => wb.has(w)).sort();
}
