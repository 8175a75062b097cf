import * as path from "node:path";
import { EmbedlabError } from "../../core";
import { loadPhotos, type Photo } from "../../data";
import { clipLite } from "../../models";

export interface CaptionedPhotos {
  photos: Photo[];
  /** Photo ids (row/column labels of every matrix). */
  names: string[];
  captions: string[];
  /** For show.images: the photo with "id: caption". */
  gallery: { src: string; caption: string }[];
  /** Our human similarity ratings of every pair, in the photos' order. */
  ratings: clipLite.SimilarityRatings;
}

/** The photos with one caption each (every photo must have one) and our ratings of every pair. */
export function loadCaptionedPhotos(o: {
  photosRoot: string;
  captionsFile: string;
  ratingsFile: string;
}): CaptionedPhotos {
  const photos = loadPhotos({ root: o.photosRoot, captionsFile: o.captionsFile });
  const missing = photos.filter((p) => !p.caption).map((p) => p.id);
  if (missing.length) throw new EmbedlabError(`no caption for ${missing.join(", ")} in ${o.captionsFile}`);
  const ratings = clipLite.loadSimilarityRatings(
    o.ratingsFile,
    photos.map((p) => path.basename(p.path)),
  );
  return {
    photos,
    names: photos.map((p) => p.id),
    captions: photos.map((p) => p.caption as string),
    gallery: photos.map((p) => ({ src: p.path, caption: `${p.id}: ${p.caption}` })),
    ratings,
  };
}
