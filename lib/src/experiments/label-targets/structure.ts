/** Section 1 of notebook 01: how much class structure each source's label vectors have. */
import { cosineSimilarityMatrix, withinAcrossCosine } from "../../metrics";
import { cifar100Groups, cifar10Groups } from "./order";
import { labelSources, type CifarName, type LabelSource } from "./sources";

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
  let s = 0,
    n = 0,
    lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < m.length; i++) {
    for (let j = i + 1; j < m.length; j++) {
      s += m[i][j];
      n++;
      lo = Math.min(lo, m[i][j]);
      hi = Math.max(hi, m[i][j]);
    }
  }
  return { within: wa.within, across: wa.across, gap: wa.gap, offDiagMean: s / n, offDiagMin: lo, offDiagMax: hi };
}

/** One label source's structure, as the section-1 tables show it (CIFAR-100 rows also say what was embedded). */
export type StructureRow = { source: string; texts?: "names" | "descriptions"; dim: number } & EmbeddingStructure;

/** The label sources of one dataset that loaded, those that did not (and why), and their structure rows. */
export interface LabelStructure {
  sources: LabelSource[];
  missing: { id: string; reason: string }[];
  rows: StructureRow[];
}

/**
 * Section 1: load the comma-separated label sources `ids` for `dataset` and measure their class structure
 * (CIFAR-100: within vs across superclasses; CIFAR-10: animal vs vehicle).
 */
export async function labelStructure(
  dataset: CifarName,
  ids: string,
  dataRoot = "",
  profile?: string,
): Promise<LabelStructure> {
  const { sources, missing } = await labelSources(ids, dataset, dataRoot, profile);
  const groups = dataset === "cifar100" ? cifar100Groups() : cifar10Groups();
  const rows = sources.map((s) =>
    dataset === "cifar100"
      ? { source: s.id, texts: s.texts, dim: s.dim, ...embeddingStructure(s.vectors, groups) }
      : { source: s.id, dim: s.dim, ...embeddingStructure(s.vectors, groups) },
  );
  return { sources, missing, rows };
}
