/** Class-1 decisions (p ≥ 0.5) from row-major binary probabilities [n, 2]. */
export function binaryDecisions(p: ArrayLike<number>): Int32Array {
  const n = p.length / 2;
  return Int32Array.from({ length: n }, (_, i) => (p[i * 2 + 1] >= 0.5 ? 1 : 0));
}
