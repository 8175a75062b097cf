/**
 * The embeddings notebook 03 compares: the GPT's poolings (last-token logits, last-token and mean hidden
 * states), a trained sentence encoder and a bag-of-words baseline, loaded once and turned into `EmbedFn`s.
 */
import { EmbedlabError } from "../../core";
import type { Vector } from "../../metrics";
import type { EmbedFn } from "../../metrics/embedding-quality";
import { loadTextEncoder } from "../../models/load-encoder";
import { embed, loadGptSpec, type GPT, type GptPooling, type GptSpec, type GptTokenizer } from "../../models/gpt";
import type { TextEncoder } from "../../models/types";
import { lmCheckpointCard, type LmCheckpointCard } from "../../train";
import { EMBED_BATCH } from "./config";
import { hfLastTokenLogits, type LastTokenLogitsEmbedder } from "./hf-last-token";

/** What the GPT's checkpoint says about its pretraining (the tinygpt checkpoints; GPT-2 has none). */
export interface GptPretraining {
  /** The pretraining corpus, as training.json names it. */
  corpus?: string;
  valLoss?: number;
  unigramValLoss?: number;
  steps?: number;
}

export interface Models {
  gpt: GPT;
  tokenizer: GptTokenizer;
  pretraining: GptPretraining;
  encoder: TextEncoder;
  baseline: TextEncoder;
  /** The full profile's chat LM (last-token logits through its chat template); loaded once, see `disposeModels`. */
  chat?: LastTokenLogitsEmbedder;
}

/**
 * Load a fresh copy of the GPT (`gpt`), then the encoder and the baseline, and the chat LM when `chatLmId`
 * is given (the full profile's; "" = none).
 */
export async function loadModels(o: {
  gpt: GptSpec;
  encoderId: string;
  baselineId: string;
  profile: string;
  chatLmId?: string;
}): Promise<Models> {
  const g = await loadGptSpec(o.gpt);
  const encoder = await loadTextEncoder(o.encoderId, { profile: o.profile });
  const baseline = await loadTextEncoder(o.baselineId, { profile: o.profile });
  const chat = o.chatLmId ? await hfLastTokenLogits(o.chatLmId, { profile: o.profile }) : undefined;
  return {
    gpt: g.model,
    tokenizer: g.tokenizer,
    pretraining: (g.training ?? {}) as GptPretraining,
    encoder,
    baseline,
    ...(chat ? { chat } : {}),
  };
}

/** The pretrained GPT's card (held-out bits per byte from its checkpoint folder, live samples); null for GPT-2. */
export function gptCard(m: Pick<Models, "gpt" | "tokenizer">, o: { gpt: GptSpec }): LmCheckpointCard | null {
  return lmCheckpointCard(m.gpt, m.tokenizer, o.gpt);
}

/** Free what `loadModels` loaded outside the JS heap (the chat LM's onnxruntime session). */
export async function disposeModels(m: Models): Promise<void> {
  await m.chat?.dispose();
}

/** The GPT's `pooling` as an embedding function. */
export function gptEmbed(gpt: GPT, tokenizer: GptTokenizer, pooling: GptPooling): EmbedFn {
  return (texts: string[]) => embed(gpt, tokenizer, texts, { pooling, batchSize: EMBED_BATCH, warn: () => {} });
}

/**
 * `fn` with a cache by text: a text embedded once is not embedded again (e.g. the same pretrained model
 * measured on a whole set, then on each of its folds). Only valid for a model that does not change.
 */
export function memoizeEmbed(fn: EmbedFn): EmbedFn {
  const cache = new Map<string, Vector>();
  return async (texts: string[]) => {
    const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
    if (missing.length) {
      const vecs = await fn(missing);
      if (vecs.length !== missing.length)
        throw new EmbedlabError(`embedding returned ${vecs.length} vectors for ${missing.length} texts`);
      missing.forEach((t, i) => cache.set(t, vecs[i]));
    }
    return texts.map((t) => cache.get(t) as Vector);
  };
}

/** The pretrained GPT's hidden-state poolings, cached by text: §2 measures them, §4 reuses them as each fold's "before". */
export type PretrainedPoolings = Record<"last-token-hidden" | "mean-hidden", EmbedFn>;

export function pretrainedPoolings(gpt: GPT, tokenizer: GptTokenizer): PretrainedPoolings {
  return {
    "last-token-hidden": memoizeEmbed(gptEmbed(gpt, tokenizer, "last-token-hidden")),
    "mean-hidden": memoizeEmbed(gptEmbed(gpt, tokenizer, "mean-hidden")),
  };
}

/** A named embedding, with the short label its charts use. */
export interface NamedEmbedding {
  name: string;
  short: string;
  embed: EmbedFn;
}

/** §2's five embeddings, in the order every table, chart and metric uses (see `EMBEDDING_KEYS` in report.ts). */
export function embeddingsToCompare(m: Models, pretrained: PretrainedPoolings): NamedEmbedding[] {
  return [
    { name: "GPT last-token logits", short: "GPT logits", embed: gptEmbed(m.gpt, m.tokenizer, "last-token-logits") },
    { name: "GPT last-token hidden", short: "GPT last hidden", embed: pretrained["last-token-hidden"] },
    { name: "GPT mean hidden", short: "GPT mean hidden", embed: pretrained["mean-hidden"] },
    { name: `${m.encoder.id} (trained encoder)`, short: m.encoder.id, embed: (x) => m.encoder.embed(x) },
    {
      name: `${m.baseline.id} (averaged word vectors)`,
      short: m.baseline.id.replace(/-.*$/, ""),
      embed: (x) => m.baseline.embed(x),
    },
  ];
}

/**
 * The full profile's chat LM as §2 measures it on WikiQA (the post's own embedding: last-token logits of the
 * chat-templated text), or none when no chat LM was loaded.
 */
export function chatEmbeddings(m: Pick<Models, "chat">): NamedEmbedding[] {
  const chat = m.chat;
  if (!chat) return [];
  return [{ name: `${chat.id} (chat template)`, short: "chat LM logits", embed: (x) => chat.embed(x) }];
}

/** Short label of the fine-tuned GPT in charts. */
export const FINETUNED_SHORT = "GPT fine-tuned";

/** The "Models" table. */
export function modelsTable(m: Models, gptName: string): Record<string, string>[] {
  const c = m.gpt.config;
  const p = m.pretraining;
  return [
    {
      role: "GPT (measured, then fine-tuned)",
      model: gptName,
      detail:
        `${(m.gpt.numParams / 1e6).toFixed(2)}M params, ${c.n_layer} layers × ${c.n_embd}, vocab ${c.vocab_size}` +
        (p.valLoss
          ? `, ${p.corpus?.startsWith("mix") ? "Brown + Gutenberg + Factbook" : "Brown"} val loss ${p.valLoss.toFixed(2)} nats/token (unigram ${p.unigramValLoss?.toFixed(2)})`
          : ""),
    },
    {
      role: "trained sentence encoder",
      model: m.encoder.id,
      detail:
        `${m.encoder.dim}-d, ${m.encoder.provenance.source}` +
        (m.encoder.provenance.pooling ? `, ${m.encoder.provenance.pooling} pooling` : ""),
    },
    {
      role: "bag-of-words baseline",
      model: m.baseline.id,
      detail: `${m.baseline.dim}-d, ${m.baseline.provenance.source}`,
    },
    ...(m.chat
      ? [
          {
            role: "chat LM (the post's setup: last-token logits, chat template)",
            model: m.chat.id,
            detail: `${m.chat.device}, ${m.chat.dtype}`,
          },
        ]
      : []),
  ];
}

/** What the results file records about the models. */
export function modelsRecord(m: Models, gptName: string): Record<string, unknown> {
  return {
    gpt: {
      id: gptName,
      params: m.gpt.numParams,
      config: m.gpt.config,
      pretraining: { steps: m.pretraining.steps, valLoss: m.pretraining.valLoss },
    },
    encoder: m.encoder.provenance,
    baseline: m.baseline.provenance,
    ...(m.chat ? { chatLm: { id: m.chat.id, device: m.chat.device, dtype: m.chat.dtype } } : {}),
  };
}
