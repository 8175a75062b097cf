import * as path from "node:path";
import { EmbedlabError } from "../../core";
import { cachedEncoder, type CacheStats } from "../../models/cache";
import { HUB_IDS } from "../../models/hub-models";
import { hfZeroShot } from "../../models/hf-zero-shot";
import { loadTextEncoder } from "../../models/load-encoder";
import { tfjsModelParamCount } from "../../models/tf-io";
import { useLiteModelDir } from "../../models/use-lite";
import { zeroShotClassifier, type ZeroShotClassifier } from "../../models/zero-shot";

export interface LoadedTeacher {
  id: string;
  /** Classifier for labelling (embedding teachers go through the on-disk embedding cache). */
  classifier: ZeroShotClassifier;
  /** The same teacher without any cache, for timing sentences/s honestly. */
  uncached: ZeroShotClassifier;
  provenance: Record<string, unknown>;
  /** Weights in the teacher's model files, when they are on disk here (USE-lite); undefined otherwise. */
  params?: number;
  /** Embedding-cache hits/misses so far (embedding teachers only). */
  cacheStats?: CacheStats;
}

/**
 * A zero-shot teacher by id: an embedding encoder id ("use-lite", "glove-100d", "hf:<id>", …) scores by
 * cosine to the prompt-ensemble means; "nli:<model id>" runs transformers.js zero-shot-classification
 * (an MNLI model: Xenova/bart-large-mnli, Xenova/nli-deberta-v3-xsmall, …; hub or local copy needed).
 */
export async function loadTeacher(
  id: string,
  prompts: Record<string, string[]>,
  opts: { profile?: string } = {},
): Promise<LoadedTeacher> {
  if (!id) throw new EmbedlabError("empty teacher id", `use "use-lite" or "nli:${HUB_IDS.bartLargeMnli}"`);
  if (id.startsWith("nli:")) {
    const model = id.slice(4);
    const clf = await hfZeroShot(model, prompts, { profile: opts.profile });
    return {
      id,
      classifier: clf,
      uncached: clf,
      provenance: { id, kind: "NLI zero-shot-classification (transformers.js)", model, prompts },
    };
  }
  const raw = await loadTextEncoder(id, { profile: opts.profile });
  const enc = cachedEncoder(raw);
  return {
    id,
    classifier: zeroShotClassifier(enc, prompts),
    uncached: zeroShotClassifier(raw, prompts),
    provenance: {
      id,
      kind: "embedding similarity to prompt-ensemble means",
      encoder: raw.provenance,
      prompts,
      cache: enc.cacheRoot,
    },
    cacheStats: enc.cacheStats,
    params: id === "use-lite" ? tfjsModelParamCount(path.join(useLiteModelDir(), "model.json")) : undefined,
  };
}
