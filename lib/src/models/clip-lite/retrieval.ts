import { EmbedlabError } from "../../core";
import { recallAtK } from "../../metrics";
import { dotMatrix, topKIndices } from "./similarity";

/** The top-k gallery items for each query (unit vectors in a shared space; score = cosine). */
export function retrieveTopK(
  queries: readonly Float32Array[],
  gallery: readonly Float32Array[],
  k: number,
): { index: number; score: number }[][] {
  if (gallery.length === 0) throw new EmbedlabError("retrieveTopK: empty gallery");
  return dotMatrix(queries, gallery).map((row) => topKIndices(row, k).map((index) => ({ index, score: row[index] })));
}

export interface ClassRetrievalMetrics {
  /** Fraction of class queries whose top-k holds at least one image of that class. */
  recallAt1: number;
  recallAt5: number;
  /** Mean fraction of the top 5 that are of the queried class. */
  precisionAt5: number;
  /** Per query: how many of the top 5 are of its class. */
  hitsInTop5: number[];
}

/** Class-name retrieval: query c should retrieve gallery images labelled c. */
export function classRetrievalMetrics(
  queries: readonly Float32Array[],
  gallery: readonly Float32Array[],
  galleryLabels: ArrayLike<number>,
  queryLabels: ArrayLike<number>,
): ClassRetrievalMetrics {
  if (gallery.length !== galleryLabels.length)
    throw new EmbedlabError(
      `classRetrievalMetrics: ${gallery.length} gallery vectors but ${galleryLabels.length} labels`,
    );
  if (queries.length !== queryLabels.length)
    throw new EmbedlabError(`classRetrievalMetrics: ${queries.length} queries but ${queryLabels.length} labels`);
  const sim = dotMatrix(queries, gallery);
  const relevant = Array.from(queryLabels, (c) => Array.from(galleryLabels).flatMap((l, i) => (l === c ? [i] : [])));
  if (relevant.some((r) => r.length === 0))
    throw new EmbedlabError("classRetrievalMetrics: a query class has no image in the gallery");
  const hitsInTop5 = sim.map((row, q) => topKIndices(row, 5).filter((i) => galleryLabels[i] === queryLabels[q]).length);
  return {
    recallAt1: recallAtK(sim, relevant, 1),
    recallAt5: recallAtK(sim, relevant, 5),
    precisionAt5: hitsInTop5.reduce((s, h) => s + h, 0) / (5 * Math.max(1, sim.length)),
    hitsInTop5,
  };
}
