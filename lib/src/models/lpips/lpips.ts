import type * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../../core";

/** One layer's activations for a batch of images, NHWC, as a plain typed array. */
export interface LayerActivations {
  data: Float32Array;
  n: number;
  height: number;
  width: number;
  channels: number;
}

/** Read a [N, H, W, C] tensor into `LayerActivations` (one copy; the tensor is not disposed). */
export function activationsFromTensor(t: tf.Tensor): LayerActivations {
  if (t.rank !== 4)
    throw new EmbedlabError(`LPIPS needs [N, H, W, C] feature maps, got rank ${t.rank} [${t.shape.join(", ")}]`);
  const [n, height, width, channels] = t.shape as [number, number, number, number];
  return { data: t.dataSync() as Float32Array, n, height, width, channels };
}

/** Unit-normalise every spatial position over channels (LPIPS's `normalize_tensor`, eps 1e-10). Returns a new array. */
export function normalizeChannels(a: LayerActivations): LayerActivations {
  const { data, channels } = a;
  const out = new Float32Array(data.length);
  for (let p = 0; p < data.length; p += channels) {
    let ss = 0;
    for (let c = 0; c < channels; c++) ss += data[p + c] * data[p + c];
    const inv = 1 / (Math.sqrt(ss) + 1e-10);
    for (let c = 0; c < channels; c++) out[p + c] = data[p + c] * inv;
  }
  return { ...a, data: out };
}

/** One layer's term: Σ_c (â − b̂)² averaged over the H·W positions, for image i of `x` vs image j of `y`. */
function layerDistance(x: LayerActivations, i: number, y: LayerActivations, j: number): number {
  const size = x.height * x.width * x.channels;
  const xo = i * size;
  const yo = j * size;
  let s = 0;
  for (let k = 0; k < size; k++) {
    const d = x.data[xo + k] - y.data[yo + k];
    s += d * d;
  }
  return s / (x.height * x.width);
}

function checkLayers(a: readonly LayerActivations[], b: readonly LayerActivations[]): void {
  if (a.length === 0) throw new EmbedlabError("LPIPS needs feature maps from at least one layer");
  if (a.length !== b.length) throw new EmbedlabError(`LPIPS: ${a.length} layers vs ${b.length} layers`);
  a.forEach((la, l) => {
    const lb = b[l];
    if (la.height !== lb.height || la.width !== lb.width || la.channels !== lb.channels) {
      throw new EmbedlabError(
        `LPIPS layer ${l}: shapes ${la.height}x${la.width}x${la.channels} and ${lb.height}x${lb.width}x${lb.channels} differ`,
        "resize both image sets to the same size before extracting features",
      );
    }
  });
}

/**
 * LPIPS with uniform weights: per layer, channel-normalised activations, squared differences summed over
 * channels and averaged over positions; then averaged over layers. `a` and `b` hold normalised layers
 * (see `normalizeChannels`); returns the N×M matrix of distances between images of `a` and images of `b`.
 */
export function lpipsFromNormalized(a: readonly LayerActivations[], b: readonly LayerActivations[]): number[][] {
  checkLayers(a, b);
  const n = a[0].n;
  const m = b[0].n;
  const out: number[][] = Array.from({ length: n }, () => new Array<number>(m).fill(0));
  for (let l = 0; l < a.length; l++) {
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[i][j] += layerDistance(a[l], i, b[l], j) / a.length;
  }
  return out;
}

/** LPIPS matrix between two sets of raw (un-normalised) layer activations. */
export function lpipsMatrixFromActivations(
  a: readonly LayerActivations[],
  b: readonly LayerActivations[] = a,
): number[][] {
  const na = a.map(normalizeChannels);
  const nb = b === a ? na : b.map(normalizeChannels);
  return lpipsFromNormalized(na, nb);
}
