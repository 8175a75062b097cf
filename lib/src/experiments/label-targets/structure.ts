import { cosineSimilarityMatrix, withinAcrossCosine } from "../../metrics";

/** How much class structure a set of label vectors shows. */
export interface EmbeddingStructure {
  /** Mean cosine between classes of the same group (superclass). */
  within: number;
  /** Mean cosine between classes of different groups. */
  across: number;
  /** within − across. */
  gap: number;
  /** Mean, min and max cosine over all distinct class pairs. */
  offDiagMean: number;
  offDiagMin: number;
  offDiagMax: number;
}

/** Within/across-group cosine and the spread of all pairwise cosines. */
export function embeddingStructure(vectors: readonly Float32Array[], groups: readonly string[]): EmbeddingStructure {
  const wa = withinAcrossCosine(vectors, groups);
  const m = cosineSimilarityMatrix(vectors);
  let s = 0, n = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < m.length; i++) {
    for (let j = i + 1; j < m.length; j++) {
      s += m[i][j]; n++;
      lo = Math.min(lo, m[i][j]); hi = Math.max(hi, m[i][j]);
    }
  }
  return { within: wa.within, across: wa.across, gap: wa.gap, offDiagMean: s / n, offDiagMin: lo, offDiagMax: hi };
}
