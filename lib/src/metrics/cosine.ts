import { EmbedlabError } from "../core";
import { assertNonEmpty, assertRowsSameWidth, assertSameLength, Vector } from "./check";
import { argTopK } from "./classification";

function sumOfSquares(v: Vector): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return s;
}

/** Rows scaled to unit length (zero rows stay zero), as Float64Array. */
export function normalizeRows(rows: readonly Vector[]): Float64Array[] {
  return rows.map((r) => {
    const out = new Float64Array(r.length);
    const s = sumOfSquares(r);
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let i = 0; i < r.length; i++) out[i] = r[i] * inv;
    return out;
  });
}

/** Scales `v` to unit length IN PLACE (a zero vector stays zero) and returns it. */
export function l2normalize(v: Float32Array): Float32Array {
  const n = Math.sqrt(sumOfSquares(v));
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

/** Dot product of two equal-length vectors. */
export function dot(a: Vector, b: Vector): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Element-wise mean of equal-length vectors, as Float32Array. */
export function meanVector(vs: readonly Vector[]): Float32Array {
  assertNonEmpty(vs, "meanVector");
  return meanInto(new Float32Array(vs[0].length), vs);
}

/** Cosine of two vectors (0 when either is all zeros). */
export function cosine(a: Vector, b: Vector): number {
  assertSameLength(a, b, "cosine");
  const [na, nb] = normalizeRows([a, b]);
  return dot(na, nb);
}

/** `m[i][j] = cos(a_i, b_j)` (b defaults to a) as Float32Array rows. */
export function cosineSimilarityMatrix(a: readonly Vector[], b?: readonly Vector[]): Float32Array[] {
  assertRowsSameWidth(a, "cosineSimilarityMatrix(a)");
  if (b) assertRowsSameWidth(b, "cosineSimilarityMatrix(b)", a[0]?.length);
  const na = normalizeRows(a);
  const nb = b ? normalizeRows(b) : na;
  return na.map((ra) => {
    const row = new Float32Array(nb.length);
    for (let j = 0; j < nb.length; j++) row[j] = dot(ra, nb[j]);
    return row;
  });
}

/** cos(a_i, b_i) for each pair. */
export function pairedCosine(a: readonly Vector[], b: readonly Vector[]): number[] {
  assertSameLength(a, b, "pairedCosine");
  const na = normalizeRows(a),
    nb = normalizeRows(b);
  return na.map((r, i) => dot(r, nb[i]));
}

/**
 * Mean cosine: with one set, over all distinct pairs i < j; with two sets, over all a×b pairs.
 */
export function meanCosine(a: readonly Vector[], b?: readonly Vector[]): number {
  const na = normalizeRows(a);
  if (b) {
    assertNonEmpty(a, "meanCosine");
    assertNonEmpty(b, "meanCosine");
    const nb = normalizeRows(b);
    // mean over pairs = dot of the mean vectors
    return dot(meanOf(na), meanOf(nb));
  }
  if (a.length < 2) throw new EmbedlabError("meanCosine needs at least 2 vectors", "pass more vectors");
  let s = 0;
  for (let i = 0; i < na.length; i++) for (let j = i + 1; j < na.length; j++) s += dot(na[i], na[j]);
  return s / ((na.length * (na.length - 1)) / 2);
}

function meanInto<T extends Float32Array | Float64Array>(out: T, rows: readonly Vector[]): T {
  for (const r of rows) for (let i = 0; i < out.length; i++) out[i] += r[i];
  for (let i = 0; i < out.length; i++) out[i] /= rows.length;
  return out;
}

function meanOf(rows: Float64Array[]): Float64Array {
  return meanInto(new Float64Array(rows[0].length), rows);
}

export interface NearestLabelResult {
  /** Predicted label index per vector (an index into labelVectors). */
  pred: number[];
  /** The k best label indices per vector, best first. */
  topK: number[][];
  /** Cosine to every label vector, per vector. */
  scores: Float32Array[];
}

/**
 * Classify each vector by its most cosine-similar label vector. `candidates` restricts the choice
 * to those label indices (e.g. held-out classes for zero-shot); `k` sets topK's length (default 5).
 */
export function nearestLabel(
  vectors: readonly Vector[],
  labelVectors: readonly Vector[],
  candidates?: readonly number[],
  k = 5,
): NearestLabelResult {
  if (candidates) {
    for (const c of candidates)
      if (!(Number.isInteger(c) && c >= 0 && c < labelVectors.length))
        throw new EmbedlabError(`nearestLabel: candidate ${c} is not a label index (0..${labelVectors.length - 1})`);
    if (candidates.length === 0)
      throw new EmbedlabError("nearestLabel: empty candidate list", "pass at least one label index");
  }
  const scores = cosineSimilarityMatrix(vectors, labelVectors);
  const topK = scores.map((row) => argTopK(row, k, candidates));
  return { pred: topK.map((t) => t[0]), topK, scores };
}

/** Mean cosine between vectors in the same group vs in different groups (over distinct pairs). */
export function withinAcrossCosine(
  vectors: readonly Vector[],
  groups: ArrayLike<string | number>,
): { within: number; across: number; gap: number } {
  assertSameLength(vectors, groups, "withinAcrossCosine");
  const n = normalizeRows(vectors);
  let ws = 0,
    wn = 0,
    as = 0,
    an = 0;
  for (let i = 0; i < n.length; i++) {
    for (let j = i + 1; j < n.length; j++) {
      const c = dot(n[i], n[j]);
      if (groups[i] === groups[j]) {
        ws += c;
        wn++;
      } else {
        as += c;
        an++;
      }
    }
  }
  if (wn === 0 || an === 0)
    throw new EmbedlabError(
      `withinAcrossCosine needs pairs both within and across groups (got ${wn} within, ${an} across)`,
      "pass at least two groups, one with ≥ 2 members",
    );
  const within = ws / wn,
    across = as / an;
  return { within, across, gap: within - across };
}
