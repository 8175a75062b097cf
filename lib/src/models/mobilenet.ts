import * as path from "node:path";
import type { LayersModel, SymbolicTensor, Tensor, Tensor4D } from "@tensorflow/tfjs";
import { DataNotFoundError, EmbedlabError } from "../core";
import { embedInBatches } from "./embed-batches";
import { getTf } from "./tf";
import { artifactsFromParts, type ModelJson } from "./tf-io";
import { decodeRgb } from "./image-input";
import { l2normalize } from "./vector-math";
import type { EmbedOptions, ImageEncoder, ImageInput, LoadOptions } from "./types";

/** The layer whose global-average-pooled output is the 1280-d feature vector. */
export const MOBILENET_FEATURE_LAYER = "out_relu";
/** A feature pyramid for perceptual (LPIPS-style) distances: one activation per resolution. */
export const MOBILENET_DEFAULT_MAP_LAYERS = ["Conv1_relu", "block_2_add", "block_5_add", "block_12_add", "out_relu"];

interface KerasLayer {
  class_name: string;
  name?: string;
  config: { name: string; batch_input_shape?: Array<number | null> };
  inbound_nodes: unknown[];
}
interface KerasTopology {
  model_config: { config: { layers: KerasLayer[]; input_layers: unknown[]; output_layers: unknown[] } };
}

function nsfwjsRoot(): string {
  try {
    return path.resolve(path.dirname(require.resolve("nsfwjs")), "..", "..");
  } catch {
    throw new DataNotFoundError("MobileNetV2 (nsfwjs)", ["node_modules/nsfwjs"], "npm install nsfwjs@4.4.0");
  }
}

let shared: Promise<{ model: LayersModel; layerNames: string[] }> | undefined;

/**
 * Load the MobileNetV2 (Keras, 224×224 ImageNet-initialised, fine-tuned by nsfwjs) from the JS bundles
 * in `nsfwjs/dist/models/mobilenet_v2/`, truncated after the last conv block and made input-size agnostic.
 */
async function loadBackbone(): Promise<{ model: LayersModel; layerNames: string[] }> {
  const tf = await getTf();
  const dir = path.join(nsfwjsRoot(), "dist", "models", "mobilenet_v2");
  let json: ModelJson & { modelTopology: KerasTopology };
  let weightsB64: string;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require(path.join(dir, "model.min.js")) as { default?: unknown };
    json = (m.default ?? m) as ModelJson & { modelTopology: KerasTopology };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const w = require(path.join(dir, "group1-shard1of1.min.js")) as string | { default: string };
    weightsB64 = typeof w === "string" ? w : w.default;
  } catch (err) {
    throw new DataNotFoundError(`MobileNetV2 bundle (${(err as Error).message})`, [dir], "npm ci");
  }
  // Keep the graph up to the last conv block; let spatial size vary.
  const topo = JSON.parse(JSON.stringify(json.modelTopology)) as KerasTopology;
  const cfg = topo.model_config.config;
  const cut = cfg.layers.findIndex((l) => l.config.name === MOBILENET_FEATURE_LAYER);
  if (cut < 0)
    throw new EmbedlabError(`MobileNetV2 bundle has no layer "${MOBILENET_FEATURE_LAYER}"`, "reinstall nsfwjs@4.4.0");
  cfg.layers = cfg.layers.slice(0, cut + 1);
  cfg.layers[0].config.batch_input_shape = [null, null, null, 3];
  cfg.output_layers = [[MOBILENET_FEATURE_LAYER, 0, 0]];
  const kept = new Set(cfg.layers.map((l) => l.config.name));
  const specs = (json.weightsManifest ?? []).flatMap((g) => g.weights);
  const all = artifactsFromParts({ ...json, modelTopology: topo }, specs, Buffer.from(weightsB64, "base64"));
  // Drop the classifier head's weights (decode all, keep what the truncated graph uses).
  const tensors = tf.io.decodeWeights(all.weightData!, specs);
  const keep = specs.filter((s) => kept.has(s.name.split("/")[0]));
  const encoded = await tf.io.encodeWeights(Object.fromEntries(keep.map((s) => [s.name, tensors[s.name]])));
  Object.values(tensors).forEach((t) => t.dispose());
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: topo,
      weightSpecs: encoded.specs,
      weightData: encoded.data,
      format: "layers-model",
    }),
  );
  return { model, layerNames: model.layers.map((l) => l.name) };
}

function backbone(): Promise<{ model: LayersModel; layerNames: string[] }> {
  if (!shared) {
    shared = loadBackbone();
    shared.catch(() => (shared = undefined));
  }
  return shared;
}

export interface MobileNetOptions extends LoadOptions {
  /** Square input size in pixels, ≥ 96 (default 224). Images are resized (no crop). */
  inputSize?: number;
  /**
   * The layer whose global-average-pooled output is the feature vector (default `out_relu`, 1280-d). An
   * intermediate one (e.g. `block_14_expand_relu`, 960-d) runs the network only up to that layer.
   */
  featureLayer?: string;
}

function checkSize(size: number): number {
  if (!Number.isInteger(size) || size < 96)
    throw new EmbedlabError(
      `MobileNetV2 input size ${size} is too small or not an integer`,
      "use an integer inputSize ≥ 96 (default 224)",
    );
  return size;
}

async function batchTensor(images: ImageInput[], size: number): Promise<Tensor4D> {
  const tf = await getTf();
  const decoded = await Promise.all(images.map((img) => decodeRgb(img, size)));
  const buf = new Float32Array(images.length * size * size * 3);
  decoded.forEach((d, i) => {
    const off = i * size * size * 3;
    for (let j = 0; j < d.data.length; j++) buf[off + j] = d.data[j] / 255;
  });
  return tf.tensor4d(buf, [images.length, size, size, 3]);
}

/**
 * MobileNetV2 image features: the global-average-pooled output of the last conv block (1280-d) or of
 * `featureLayer`, as generic image features (L2-normalised unless `normalize: false`).
 */
export async function loadMobileNetV2(opts: MobileNetOptions = {}): Promise<ImageEncoder> {
  const size = checkSize(opts.inputSize ?? 224);
  const layer = opts.featureLayer ?? MOBILENET_FEATURE_LAYER;
  const { model: full, layerNames } = await backbone();
  if (!layerNames.includes(layer))
    throw new EmbedlabError(
      `unknown MobileNetV2 layer "${layer}"`,
      `use e.g. ${MOBILENET_FEATURE_LAYER} or block_14_expand_relu (mobilenetLayerNames() lists all)`,
    );
  const tf = await getTf();
  const model =
    layer === MOBILENET_FEATURE_LAYER
      ? full
      : tf.model({ inputs: full.inputs, outputs: full.getLayer(layer).output as SymbolicTensor });
  const dim = (model.outputs[0].shape as number[])[3];
  const normalize = opts.normalize !== false;
  const base = size === 224 ? "mobilenet-v2" : `mobilenet-v2@${size}`;
  return {
    id: layer === MOBILENET_FEATURE_LAYER ? base : `${base}/${layer}`,
    dim,
    provenance: {
      id: "mobilenet_v2 (nsfwjs)",
      source: `npm:nsfwjs@4.4.0 bundled Keras MobileNetV2 (ImageNet-initialised, fine-tuned on NSFW classes); pooled ${layer} features`,
      license: "MIT",
      url: "https://github.com/infinitered/nsfwjs",
    },
    async embedImages(images: ImageInput[], eo: EmbedOptions = {}): Promise<Float32Array[]> {
      return embedInBatches(images, eo.batchSize ?? 32, "MobileNetV2", async (chunk) => {
        const x = await batchTensor(chunk, size);
        const pooled = tf.tidy(() => (model.predict(x) as Tensor).mean([1, 2]));
        x.dispose();
        const flat = (await pooled.data()) as Float32Array;
        pooled.dispose();
        return chunk.map((_, i) => {
          const v = flat.slice(i * dim, (i + 1) * dim);
          return normalize ? l2normalize(v) : v;
        });
      });
    },
  };
}

/** One intermediate activation for a batch of images, NHWC. */
export interface FeatureMap {
  layer: string;
  shape: [number, number, number, number];
  data: Float32Array;
}

/** Names of every MobileNetV2 layer available to `mobilenetFeatureMaps`. */
export async function mobilenetLayerNames(): Promise<string[]> {
  return (await backbone()).layerNames;
}

/**
 * Several intermediate MobileNetV2 activations (e.g. for an LPIPS-style perceptual distance).
 * Returns one FeatureMap per requested layer, in the order asked, each [n, h, w, c].
 */
export async function mobilenetFeatureMaps(
  images: ImageInput[],
  layers: string[] = MOBILENET_DEFAULT_MAP_LAYERS,
  opts: { inputSize?: number } = {},
): Promise<FeatureMap[]> {
  const size = checkSize(opts.inputSize ?? 224);
  const { model, layerNames } = await backbone();
  const unknown = layers.filter((l) => !layerNames.includes(l));
  if (unknown.length)
    throw new EmbedlabError(
      `unknown MobileNetV2 layer(s): ${unknown.join(", ")}`,
      `choose from e.g. ${MOBILENET_DEFAULT_MAP_LAYERS.join(", ")} (mobilenetLayerNames() lists all)`,
    );
  const tf = await getTf();
  const sub = tf.model({
    inputs: model.inputs,
    outputs: layers.map((l) => model.getLayer(l).output as SymbolicTensor),
  });
  const x = await batchTensor(images, size);
  const outs = tf.tidy(() => {
    const r = sub.predict(x);
    return Array.isArray(r) ? r : [r];
  });
  x.dispose();
  const maps: FeatureMap[] = [];
  for (let i = 0; i < layers.length; i++) {
    const t = outs[i];
    maps.push({
      layer: layers[i],
      shape: t.shape as [number, number, number, number],
      data: (await t.data()) as Float32Array,
    });
    t.dispose();
  }
  return maps;
}
