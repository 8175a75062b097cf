import * as path from "node:path";
import { EmbedlabError } from "../../core";
import { cachedEncoder, type CacheStats } from "../../models/cache";
import { HUB_IDS } from "../../models/hub-models";
import { DEFAULT_HYPOTHESIS_TEMPLATE, loadHfNli, nliZeroShot, type NliModel } from "../../models/hf-zero-shot";
import { loadTextEncoder } from "../../models/load-encoder";
import { tfjsModelParamCount } from "../../models/tf-io";
import { useLiteModelDir } from "../../models/use-lite";
import type { TextEncoder } from "../../models/types";
import { zeroShotClassifier, type ZeroShotClassifier } from "../../models/zero-shot";
import { teacherKind } from "./config";

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

/** NLI pairs per forward pass. */
export const NLI_BATCH = 32;

/**
 * A teacher's model, loaded once: `withPrompts` makes a teacher for one prompt set on it (no reload), and
 * `dispose` frees it (the NLI model's onnxruntime session; a no-op for the embedding encoders).
 */
export interface TeacherModel {
  id: string;
  withPrompts(prompts: Record<string, string[]>): LoadedTeacher;
  dispose(): Promise<void>;
}

/**
 * The model of a zero-shot teacher by id: an embedding encoder id ("use-lite", "glove-100d", "hf:<id>", …)
 * scores by cosine to the prompt-ensemble means; "nli:<model id>" is an MNLI sequence-classification model
 * (Xenova/bart-large-mnli, Xenova/nli-deberta-v3-xsmall, …; hub or local copy needed) scoring each prompt
 * (a label word or phrase) through the hypothesis template "This example is {}.", in batches of pairs.
 */
export async function loadTeacherModel(id: string, opts: { profile?: string } = {}): Promise<TeacherModel> {
  if (!id) throw new EmbedlabError("empty teacher id", 'use "use-lite" or "nli:Xenova/bart-large-mnli"');
  if (teacherKind(id) === "nli") return nliTeacherModel(id, await loadHfNli(id.slice(4), { profile: opts.profile }));
  const raw = await loadTextEncoder(id, { profile: opts.profile });
  return embeddingTeacherModel(id, raw);
}

/** `loadTeacherModel(id)` with one prompt set (the model is not disposed: use `loadTeacherModel` to do that). */
export async function loadTeacher(
  id: string,
  prompts: Record<string, string[]>,
  opts: { profile?: string } = {},
): Promise<LoadedTeacher> {
  return (await loadTeacherModel(id, opts)).withPrompts(prompts);
}

function nliTeacherModel(id: string, model: NliModel): TeacherModel {
  return {
    id,
    withPrompts(prompts) {
      const clf = nliZeroShot(model, prompts, { batchSize: NLI_BATCH });
      return {
        id,
        classifier: clf,
        uncached: clf,
        provenance: {
          id,
          kind: "NLI zero-shot: entailment of the hypothesis template per label phrase, batched (transformers.js)",
          model: model.id,
          hypothesisTemplate: DEFAULT_HYPOTHESIS_TEMPLATE,
          labelIds: model.labelIds,
          batch: NLI_BATCH,
          prompts,
        },
      };
    },
    dispose: () => model.dispose(),
  };
}

function embeddingTeacherModel(id: string, raw: TextEncoder): TeacherModel {
  const params = id === "use-lite" ? tfjsModelParamCount(path.join(useLiteModelDir(), "model.json")) : undefined;
  return {
    id,
    withPrompts(prompts) {
      // a cache wrapper per prompt set, so each teacher's hit/miss counts are its own
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
        params,
      };
    },
    dispose: async () => {},
  };
}
