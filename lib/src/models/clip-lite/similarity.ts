import { EmbedlabError } from "../../core";

/** Dot products of every row of `a` with every row of `b` (cosines when both are L2-normalised). */
export function dotMatrix(a: readonly Float32Array[], b: readonly Float32Array[]): number[][] {
  if (a.length && b.length && a[0].length !== b[0].length) {
    throw new EmbedlabError(`dotMatrix: vectors of length ${a[0].length} and ${b[0].length} cannot be compared`);
  }
  return a.map((x) =>
    b.map((y) => {
      let s = 0;
      for (let k = 0; k < x.length; k++) s += x[k] * y[k];
      return s;
    }),
  );
}

function assertSquare(m: readonly number[][], what: string): void {
  if (m.length === 0 || m.some((r) => r.length !== m.length))
    throw new EmbedlabError(`${what}: needs a non-empty square matrix`);
}

/**
 * Each row minus its own diagonal entry: how much more (negative) or less (positive) an image matches
 * another caption than its own — the original's "relative to each image's own-caption score".
 */
export function relativeToDiagonal(m: readonly number[][]): number[][] {
  assertSquare(m, "relativeToDiagonal");
  return m.map((row, i) => row.map((v) => v - row[i]));
}

/** Per row: 1 when its largest entry is on the diagonal (ties count against), else 0. */
export function diagonalHits(m: readonly number[][]): number[] {
  assertSquare(m, "diagonalHits");
  return m.map((row, i) => (row.every((v, j) => j === i || v < row[i]) ? 1 : 0));
}

/** Fraction of rows whose largest entry is on the diagonal (ties count against). */
export function diagonalTop1(m: readonly number[][]): number {
  assertSquare(m, "diagonalTop1");
  return diagonalHits(m).reduce((a, b) => a + b, 0) / m.length;
}

/** Indices of the k largest scores, best first (stable for ties: lower index first). */
export function topKIndices(scores: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  idx.sort((x, y) => scores[y] - scores[x] || x - y);
  return idx.slice(0, Math.max(0, k));
}
