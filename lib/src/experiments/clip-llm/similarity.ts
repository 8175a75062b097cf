import { bootstrapCI, cosineSimilarityMatrix, spearman, type ConfidenceInterval } from "../../metrics";
import { cachedEncoder, clipLite, decodeRgb, loadTextEncoder, lpips, type Provenance } from "../../models";
import { heatmap, type VegaLiteSpec } from "../../viz";
import type { CaptionedPhotos } from "./photos";
import type { Profile } from "./config";

/** A row of the agreement / disagreement tables. */
export type PairRow = {
  pair: string;
  human: number;
  model: number;
  "rank gap": number;
};

function pairRow(p: clipLite.PairComparison): PairRow {
  return {
    pair: `${p.a} – ${p.b}`,
    human: p.human,
    model: Number(p.model.toFixed(3)),
    "rank gap": Number(p.rankGap.toFixed(2)),
  };
}

export interface TextVsHuman {
  encoderId: string;
  provenance: Provenance;
  /** Caption × caption cosine similarity. */
  similarity: number[][];
  comparison: clipLite.MatrixComparison;
  agreementRows: PairRow[];
  disagreementRows: PairRow[];
  /** Human and model heatmaps side by side. */
  chart: VegaLiteSpec;
}

/** Embed the captions with the sentence encoder and compare its cosine matrix with our ratings (Spearman over pairs). */
export async function textVsHuman(
  set: CaptionedPhotos,
  o: { textModel: string; profile: Profile; seed: number },
): Promise<TextVsHuman> {
  const encoder = cachedEncoder(await loadTextEncoder(o.textModel, { profile: o.profile }));
  const vecs = await encoder.embed(set.captions);
  const similarity = cosineSimilarityMatrix(vecs).map((r) => Array.from(r));
  const comparison = clipLite.compareWithHuman(similarity, set.ratings.matrix, set.names, { k: 6, seed: o.seed });
  const chart = {
    hconcat: [
      heatmap(set.ratings.matrix, set.names, set.names, { title: "Human", domain: [0, 1] }),
      heatmap(similarity, set.names, set.names, { title: `${encoder.id} cosine` }),
    ],
    resolve: { scale: { color: "independent" } },
  };
  return {
    encoderId: encoder.id,
    provenance: encoder.provenance,
    similarity,
    comparison,
    agreementRows: comparison.agreements.map(pairRow),
    disagreementRows: comparison.disagreements.map(pairRow),
    chart,
  };
}

/** Our human ratings as a heatmap. */
export function ratingsChart(set: CaptionedPhotos): VegaLiteSpec {
  return heatmap(set.ratings.matrix, set.names, set.names, { title: "Human similarity (our ratings)", domain: [0, 1] });
}

export type BestCaptionRow = {
  photo: string;
  "best caption": string;
  own: number;
  best: number;
};

export interface PhotoCaptionMatch {
  /** Photo (row) × caption (column) similarity. */
  matrix: number[][];
  /** Each row minus the photo's score with its own caption. */
  relative: number[][];
  diagTop1: number;
  /** The diagonal top-1 with a percentile-bootstrap 95 % CI over photos. */
  diagTop1CI: ConfidenceInterval;
  bestCaption: BestCaptionRow[];
  /** Raw and relative heatmaps side by side. */
  chart: VegaLiteSpec;
}

/** Every photo against every caption with the image–text model, raw and relative to the own caption. */
export async function photoCaptionMatch(
  dual: clipLite.DualEncoder,
  set: CaptionedPhotos,
  o: { clipModel: string; seed?: number },
): Promise<PhotoCaptionMatch> {
  const names = set.names;
  const img = await dual.embedImages(set.photos.map((p) => p.path));
  const txt = await dual.embedTexts(set.captions);
  const matrix = clipLite.dotMatrix(img, txt);
  const relative = clipLite.relativeToDiagonal(matrix);
  const diagTop1 = clipLite.diagonalTop1(matrix);
  const diagTop1CI = bootstrapCI(clipLite.diagonalHits(matrix), { seed: o.seed ?? 0 });
  const maxAbsRel = Math.max(...relative.flat().map(Math.abs));
  const chart = {
    hconcat: [
      heatmap(matrix, names, names, {
        title: `${o.clipModel}: image (row) × caption (column)`,
        yTitle: "photo",
        xTitle: "caption",
      }),
      heatmap(relative, names, names, {
        title: "relative to own caption",
        colorScheme: "redblue",
        domain: [-maxAbsRel, maxAbsRel],
      }),
    ],
    resolve: { scale: { color: "independent" } },
  };
  const bestCaption = matrix.map((row, i) => ({
    photo: names[i],
    "best caption": names[row.indexOf(Math.max(...row))],
    own: Number(row[i].toFixed(3)),
    best: Number(Math.max(...row).toFixed(3)),
  }));
  return { matrix, relative, diagTop1, diagTop1CI, bestCaption, chart };
}

export interface LpipsResult {
  /** Photo × photo LPIPS distance (0 = identical). */
  matrix: number[][];
  sanity: lpips.LpipsSanity;
  /** The sanity-check table (first photo vs itself, a noised copy, the other photos). */
  sanityRows: { check: string; distance: number }[];
  /** The three closest pairs of different photos, "a–b (0.123)". */
  closest: string[];
  /** Spearman ρ of −LPIPS with our (semantic) ratings over pairs. */
  spearmanWithHuman: number;
  chart: VegaLiteSpec;
}

/** LPIPS between every pair of photos, and its sanity checks on the first photo (itself, Gaussian noise σ = 5). */
export async function lpipsSimilarity(
  set: CaptionedPhotos,
  o: { lpipsSize: number; seed: number },
): Promise<LpipsResult> {
  const names = set.names;
  const matrix = await lpips.lpipsDistanceMatrix(
    set.photos.map((p) => p.path),
    undefined,
    { inputSize: o.lpipsSize },
  );
  const chart = heatmap(matrix, names, names, {
    title: "LPIPS (uniform weights, MobileNetV2) — 0 = identical",
    colorScheme: "viridis",
  });
  const ref = await decodeRgb(set.photos[0].path, o.lpipsSize);
  const refRaw = { data: ref.data, width: ref.width, height: ref.height, channels: 3 as const };
  const noisy = lpips.addPixelNoise(refRaw, 5, o.seed + 1);
  const row = (await lpips.lpipsDistanceMatrix([refRaw], [refRaw, noisy], { inputSize: o.lpipsSize }))[0];
  const sanity = lpips.lpipsSanity(
    row[0],
    row[1],
    matrix[0].filter((_, j) => j !== 0),
  );
  const sanityRows = [
    { check: `${names[0]} vs itself`, distance: sanity.identical },
    { check: `${names[0]} vs itself + noise σ=5`, distance: Number(sanity.smallNoise.toFixed(4)) },
    { check: `${names[0]} vs nearest other photo`, distance: Number(sanity.differentMin.toFixed(4)) },
    { check: `${names[0]} vs other photos (mean)`, distance: Number(sanity.differentMean.toFixed(4)) },
  ];
  const pairs = clipLite.upperTriangle(matrix).sort((a, b) => a.v - b.v);
  const closest = pairs.slice(0, 3).map((p) => `${names[p.i]}–${names[p.j]} (${p.v.toFixed(3)})`);
  const spearmanWithHuman = spearman(
    clipLite.upperTriangle(matrix).map((p) => -p.v),
    clipLite.upperTriangle(set.ratings.matrix).map((p) => p.v),
  );
  return { matrix, sanity, sanityRows, closest, spearmanWithHuman, chart };
}
