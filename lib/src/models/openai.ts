import { EmbedlabError } from "../core";
import { embedInBatches } from "./embed-batches";
import { cachedEncoder, type EmbeddingCacheOptions } from "./cache";
import { l2normalize } from "./vector-math";
import type { EmbedOptions, LoadOptions, TextEncoder } from "./types";

const DIMS: Record<string, number> = {
  "text-embedding-3-small": 1536,
  "text-embedding-3-large": 3072,
  "text-embedding-ada-002": 1536,
};

export interface OpenAIOptions extends LoadOptions {
  apiKey?: string;
  /** Default https://api.openai.com/v1 (or OPENAI_BASE_URL). */
  baseUrl?: string;
  /** Output dimension (text-embedding-3-* only). */
  dimensions?: number;
  /** Cache options; results are always cached on disk. */
  cache?: EmbeddingCacheOptions;
}

interface OpenAIResponse {
  data: Array<{ index: number; embedding: number[] }>;
}

/**
 * OpenAI embeddings endpoint, batched (≤ 256 texts per request), every result cached on disk so a re-run
 * makes no request. Needs OPENAI_API_KEY (or `apiKey`).
 */
export function loadOpenAIEncoder(model: string, opts: OpenAIOptions = {}): TextEncoder {
  const key = opts.apiKey ?? process.env.OPENAI_API_KEY;
  if (!key)
    throw new EmbedlabError(
      `openai:${model} needs an API key and none is set`,
      'export OPENAI_API_KEY=sk-... (and network access), or use an offline encoder such as "use-lite" or "cached:<file.json>"',
    );
  const base = (opts.baseUrl ?? process.env.OPENAI_BASE_URL ?? "https://api.openai.com/v1").replace(/\/$/, "");
  const dim = opts.dimensions ?? DIMS[model];
  if (!dim)
    throw new EmbedlabError(
      `unknown dimension for OpenAI model "${model}"`,
      `pass { dimensions } or use one of ${Object.keys(DIMS).join(", ")}`,
    );
  const normalize = opts.normalize !== false;
  const inner: TextEncoder = {
    id: `openai:${model}`,
    dim,
    provenance: { id: model, source: "OpenAI embeddings API", url: `${base}/embeddings` },
    async embed(texts: string[], eo: EmbedOptions = {}): Promise<Float32Array[]> {
      return embedInBatches(texts, Math.min(256, eo.batchSize ?? 256), `openai:${model}`, async (chunk) => {
        const body: Record<string, unknown> = { model, input: chunk };
        if (opts.dimensions) body.dimensions = opts.dimensions;
        const res = await fetch(`${base}/embeddings`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: JSON.stringify(body),
        });
        if (!res.ok) {
          const text = await res.text().catch(() => "");
          throw new EmbedlabError(
            `OpenAI embeddings request failed: HTTP ${res.status} ${text.slice(0, 300)}`,
            "check OPENAI_API_KEY, the model name and your network",
          );
        }
        const json = (await res.json()) as OpenAIResponse;
        const sorted = [...json.data].sort((x, y) => x.index - y.index);
        return sorted.map((d) => {
          const v = Float32Array.from(d.embedding);
          return normalize ? l2normalize(v) : v;
        });
      });
    },
  };
  return cachedEncoder(inner, { provider: "openai", ...opts.cache });
}
