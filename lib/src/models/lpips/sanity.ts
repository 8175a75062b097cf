import { EmbedlabError, Rng } from "../../core";

/** An RGB image as raw pixels (matches models' RawImage). */
export interface RgbPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

/** A copy of `img` with seeded Gaussian pixel noise of standard deviation `sigma` (0–255 scale), clipped. */
export function addPixelNoise(img: RgbPixels, sigma: number, seed: number): RgbPixels {
  if (!(sigma >= 0)) throw new EmbedlabError(`noise sigma must be ≥ 0, got ${sigma}`);
  const rng = new Rng(seed);
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++)
    out[i] = Math.max(0, Math.min(255, Math.round(img.data[i] + sigma * rng.normal())));
  return { ...img, data: out };
}

/** The LPIPS sanity facts the notebook reports: identical = 0, small noise ≪ a different image. */
export interface LpipsSanity {
  identical: number;
  smallNoise: number;
  /** Mean distance from the image to the other images. */
  differentMean: number;
  /** Smallest distance from the image to any other image. */
  differentMin: number;
  /** smallNoise / differentMin (should be ≪ 1). */
  noiseToDifferentRatio: number;
  orderingHolds: boolean;
}

/** Summarise distances measured elsewhere into the sanity record (pure arithmetic, so it is testable). */
export function lpipsSanity(identical: number, smallNoise: number, toOthers: readonly number[]): LpipsSanity {
  if (toOthers.length === 0) throw new EmbedlabError("lpipsSanity needs at least one distance to a different image");
  const differentMin = Math.min(...toOthers);
  const differentMean = toOthers.reduce((s, v) => s + v, 0) / toOthers.length;
  return {
    identical,
    smallNoise,
    differentMean,
    differentMin,
    noiseToDifferentRatio: smallNoise / differentMin,
    orderingHolds: identical === 0 && identical < smallNoise && smallNoise < differentMin,
  };
}
