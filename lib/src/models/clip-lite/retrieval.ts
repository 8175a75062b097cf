import { EmbedlabError } from "../../core";
import { bootstrapCI, recallAtK, type ConfidenceInterval } from "../../metrics";
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

/** Recall@k both ways with percentile-bootstrap 95 % CIs. */
export interface CrossModalRecall {
  k: number;
  /** Share of captions whose own image is among the top k images. */
  textToImage: ConfidenceInterval;
  /** Share of images with at least one of their own captions among the top k captions. */
  imageToText: ConfidenceInterval;
}

export interface CrossModalRetrieval {
  images: number;
  captions: number;
  recall: CrossModalRecall[];
  /** Per caption: how many other images score at least as high as its own (0 = own image first). */
  textRanks: number[];
  /** Per image: how many other images' captions score at least as high as its best own caption. */
  imageRanks: number[];
}

/**
 * Image ↔ caption retrieval where caption c belongs to image `captionImage[c]` (Flickr8k / COCO style):
 * recall@k text→image and image→text. Ties count against. The CIs resample images (each with all its
 * captions), since the captions of one image are not independent queries.
 */
export function crossModalRetrieval(
  imageVecs: readonly Float32Array[],
  captionVecs: readonly Float32Array[],
  captionImage: ArrayLike<number>,
  opts: { ks?: readonly number[]; seed?: number; resamples?: number } = {},
): CrossModalRetrieval {
  const nI = imageVecs.length;
  const nC = captionVecs.length;
  if (nI < 2) throw new EmbedlabError("crossModalRetrieval: needs at least 2 images");
  if (captionImage.length !== nC)
    throw new EmbedlabError(`crossModalRetrieval: ${nC} captions but ${captionImage.length} caption→image indices`);
  const capsOf: number[][] = Array.from({ length: nI }, () => []);
  for (let c = 0; c < nC; c++) {
    const i = captionImage[c];
    if (!(Number.isInteger(i) && i >= 0 && i < nI))
      throw new EmbedlabError(`crossModalRetrieval: caption ${c} points to image ${i}, not in [0, ${nI})`);
    capsOf[i].push(c);
  }
  const bare = capsOf.findIndex((c) => c.length === 0);
  if (bare >= 0) throw new EmbedlabError(`crossModalRetrieval: image ${bare} has no caption`);
  const sim = dotMatrix(captionVecs, imageVecs); // caption × image
  const textRanks = sim.map((row, c) => {
    const own = row[captionImage[c]];
    let r = 0;
    row.forEach((v, i) => {
      if (i !== captionImage[c] && v >= own) r++;
    });
    return r;
  });
  const imageRanks = Array.from({ length: nI }, (_, i) => {
    let best = -Infinity;
    for (const c of capsOf[i]) best = Math.max(best, sim[c][i]);
    let r = 0;
    for (let c = 0; c < nC; c++) if (captionImage[c] !== i && sim[c][i] >= best) r++;
    return r;
  });
  const boot = { size: nI, seed: opts.seed ?? 0, n: opts.resamples ?? 1000 };
  const recall = (opts.ks ?? [1, 5, 10]).map((k) => {
    // text→image: image i's captions ranked < k (i2t: image i ranked < k), summed over the resampled images
    const t2iHits = capsOf.map((caps) => caps.filter((c) => textRanks[c] < k).length);
    const capCount = capsOf.map((caps) => caps.length);
    const textToImage = bootstrapCI((idx) => {
      let h = 0,
        m = 0;
      for (const i of idx) {
        h += t2iHits[i];
        m += capCount[i];
      }
      return h / m;
    }, boot);
    const imageToText = bootstrapCI(
      imageRanks.map((r) => (r < k ? 1 : 0)),
      { seed: boot.seed, n: boot.n },
    );
    return { k, textToImage, imageToText };
  });
  return { images: nI, captions: nC, recall, textRanks, imageRanks };
}
