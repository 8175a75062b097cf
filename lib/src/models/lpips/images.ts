import { MOBILENET_DEFAULT_MAP_LAYERS, mobilenetFeatureMaps, type FeatureMap } from "../mobilenet";
import type { ImageInput } from "../types";
import { lpipsMatrixFromActivations, type LayerActivations } from "./lpips";

/** A models.FeatureMap ([n, h, w, c] + data) as LayerActivations. */
export function activationsFromFeatureMap(fm: FeatureMap): LayerActivations {
  const [n, height, width, channels] = fm.shape;
  return { data: fm.data, n, height, width, channels };
}

export interface LpipsImageOptions {
  /** MobileNetV2 layers to compare (default: one per resolution, models.MOBILENET_DEFAULT_MAP_LAYERS). */
  layers?: string[];
  /** Square input size every image is resized to (default 224). */
  inputSize?: number;
  /** Images per forward pass (default 8). */
  batchSize?: number;
}

/** MobileNetV2 activations of several layers for `images`, batched, concatenated per layer. */
export async function lpipsActivations(
  images: readonly ImageInput[],
  opts: LpipsImageOptions = {},
): Promise<LayerActivations[]> {
  const layers = opts.layers ?? MOBILENET_DEFAULT_MAP_LAYERS;
  const bs = Math.max(1, opts.batchSize ?? 8);
  const parts: LayerActivations[][] = [];
  for (let b = 0; b < images.length; b += bs) {
    const maps = await mobilenetFeatureMaps(images.slice(b, b + bs), layers, { inputSize: opts.inputSize ?? 224 });
    parts.push(maps.map(activationsFromFeatureMap));
  }
  return layers.map((_, l) => {
    const chunks = parts.map((p) => p[l]);
    const data = new Float32Array(chunks.reduce((s, c) => s + c.data.length, 0));
    let at = 0;
    for (const c of chunks) {
      data.set(c.data, at);
      at += c.data.length;
    }
    return { ...chunks[0], data, n: chunks.reduce((s, c) => s + c.n, 0) };
  });
}

/** LPIPS (uniform weights, MobileNetV2 features) between every image of `a` and every image of `b` (default: a). */
export async function lpipsDistanceMatrix(
  a: readonly ImageInput[],
  b?: readonly ImageInput[],
  opts: LpipsImageOptions = {},
): Promise<number[][]> {
  const fa = await lpipsActivations(a, opts);
  const fb = b ? await lpipsActivations(b, opts) : fa;
  return lpipsMatrixFromActivations(fa, fb);
}
