import { EmbedlabError } from "../core";
import type { HfDtype } from "../backend";
import { hubEndpoint } from "./hub";
import { hubModel } from "./hub-models";
import { embedInBatches } from "./embed-batches";
import { hfLoad, transformersFor } from "./hf-env";
import { l2normalize } from "./vector-math";
import type { EmbedOptions, LoadOptions, TextEncoder } from "./types";

export interface HfOptions extends LoadOptions {
  /** ONNX weights variant, e.g. "fp32" (default) or "q8"; default `EMBEDLAB_DTYPE`, else fp32. */
  dtype?: HfDtype;
  /** "mean" or "cls" pooling; default: the pooling `HUB_MODELS` records for the model, else `cardPooling`. */
  pooling?: "mean" | "cls";
}

/**
 * The pooling a model's card prescribes: BGE models (BAAI/bge-*, and their Xenova ONNX exports) take the
 * [CLS] token's final hidden state ("cls"); sentence-transformers models such as all-MiniLM-L6-v2 mean-pool.
 */
export function cardPooling(modelId: string): "mean" | "cls" {
  return /(^|\/)bge-/i.test(modelId) ? "cls" : "mean";
}

/** The part of a transformers.js Tensor the encoders read. */
export interface TensorLike {
  dims: number[];
  data: ArrayLike<number>;
}

/** The rows of a [n, dim] output tensor, as separate Float32Arrays. */
export function rows(t: TensorLike, n: number): Float32Array[] {
  const dim = t.dims[t.dims.length - 1];
  if (t.dims.length !== 2 || t.dims[0] !== n)
    throw new EmbedlabError(`unexpected output shape [${t.dims.join(", ")}] for ${n} inputs`);
  const data = Float32Array.from(t.data);
  return Array.from({ length: n }, (_, i) => data.slice(i * dim, (i + 1) * dim));
}

function hfProvenance(modelId: string) {
  return {
    id: modelId,
    source: "Hugging Face hub via @huggingface/transformers@3.8.1",
    url: `${hubEndpoint()}/${modelId}`,
  };
}

/**
 * A transformers.js feature-extraction model (e.g. Xenova/all-MiniLM-L6-v2), pooled as its card says
 * (`cardPooling`: CLS for BGE, else mean over real tokens) unless `pooling` is given, and normalised.
 */
export async function loadHfTextEncoder(modelId: string, opts: HfOptions = {}): Promise<TextEncoder> {
  const t = transformersFor(opts);
  const extractor = await hfLoad(modelId, opts, "fp32", (s) => t.pipeline("feature-extraction", modelId, s));
  const normalize = opts.normalize !== false;
  const pooling = opts.pooling ?? hubModel(modelId)?.pooling ?? cardPooling(modelId);
  const probe = (await extractor(["probe"], { pooling, normalize })) as unknown as TensorLike;
  const dim = probe.dims[probe.dims.length - 1];
  return {
    id: `hf:${modelId}`,
    dim,
    provenance: { ...hfProvenance(modelId), pooling },
    async embed(texts: string[], eo: EmbedOptions = {}): Promise<Float32Array[]> {
      return embedInBatches(texts, eo.batchSize ?? 32, modelId, async (chunk) =>
        rows((await extractor(chunk, { pooling, normalize })) as unknown as TensorLike, chunk.length),
      );
    },
  };
}

/** The text tower of a transformers.js CLIP model (e.g. Xenova/clip-vit-base-patch32). */
export async function loadHfClipTextEncoder(modelId: string, opts: HfOptions = {}): Promise<TextEncoder> {
  const t = transformersFor(opts);
  const [tokenizer, model] = await hfLoad(modelId, opts, "fp32", (s) =>
    Promise.all([
      t.AutoTokenizer.from_pretrained(modelId, { revision: s.revision }),
      t.CLIPTextModelWithProjection.from_pretrained(modelId, s),
    ]),
  );
  const normalize = opts.normalize !== false;
  const run = async (texts: string[]): Promise<Float32Array[]> => {
    const inputs = tokenizer(texts, { padding: true, truncation: true });
    const { text_embeds } = (await model(inputs)) as { text_embeds: TensorLike };
    return rows(text_embeds, texts.length).map((v) => (normalize ? l2normalize(v) : v));
  };
  const dim = (await run(["probe"]))[0].length;
  return {
    id: `hf-clip-text:${modelId}`,
    dim,
    provenance: hfProvenance(modelId),
    async embed(texts: string[], eo: EmbedOptions = {}): Promise<Float32Array[]> {
      return embedInBatches(texts, eo.batchSize ?? 32, undefined, run);
    },
  };
}

export { hfProvenance };
