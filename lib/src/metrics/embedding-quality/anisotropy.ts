/**
 * Anisotropy: how much every vector of an embedding points the same way. Measured as the mean cosine
 * between unrelated texts (≈ ‖mean of the unit vectors‖², so a high value means one shared direction
 * dominates), and how much of it disappears when that shared mean vector is subtracted first.
 */
import { EmbedlabError } from "../../core";
import { assertNonEmpty, assertRowsSameWidth, type Vector } from "../check";
import { meanCosine, normalizeRows } from "../cosine";

/** The mean of `rows` (Float64Array). */
export function meanRow(rows: readonly Vector[]): Float64Array {
  assertNonEmpty(rows, "meanRow");
  assertRowsSameWidth(rows, "meanRow");
  const m = new Float64Array(rows[0].length);
  for (const r of rows) for (let i = 0; i < m.length; i++) m[i] += r[i];
  for (let i = 0; i < m.length; i++) m[i] /= rows.length;
  return m;
}

/** `rows − mean` (mean defaults to the rows' own mean; pass one estimated on other texts to avoid leakage). */
export function centerRows(rows: readonly Vector[], mean: Vector = meanRow(rows)): Float64Array[] {
  assertRowsSameWidth(rows, "centerRows", mean.length);
  return rows.map((r) => {
    const out = new Float64Array(r.length);
    for (let i = 0; i < r.length; i++) out[i] = r[i] - mean[i];
    return out;
  });
}

/** Mean cosine over all distinct pairs of `vectors` (texts that are unrelated to each other). */
export function anisotropy(vectors: readonly Vector[]): number {
  if (vectors.length < 2)
    throw new EmbedlabError("anisotropy needs at least 2 vectors", "pass embeddings of several unrelated texts");
  return meanCosine(vectors);
}

export interface AnisotropyReport {
  /** Mean cosine between the unrelated texts, raw. */
  raw: number;
  /** The same after subtracting the mean vector (of `reference`, default the vectors themselves). */
  centered: number;
  /** ‖mean of the unit vectors‖: 1 = all identical directions, ≈ 0 = isotropic. */
  meanDirectionNorm: number;
}

/** Raw vs mean-removed anisotropy of `vectors`; `reference` supplies the mean vector to remove. */
export function anisotropyReport(vectors: readonly Vector[], reference: readonly Vector[] = vectors): AnisotropyReport {
  const unit = normalizeRows(vectors);
  const m = meanRow(unit);
  let norm = 0;
  for (const x of m) norm += x * x;
  return {
    raw: anisotropy(vectors),
    centered: anisotropy(centerRows(vectors, meanRow(reference))),
    meanDirectionNorm: Math.sqrt(norm),
  };
}
