/**
 * NLI zero-shot classification (an MNLI model such as Xenova/bart-large-mnli), with the semantics of
 * transformers.js's `zero-shot-classification` pipeline (which follows Python transformers') but scored in
 * batches of (sentence, hypothesis) pairs straight through the sequence-classification model: the pipeline
 * itself makes one forward pass per pair. The pieces are separate so each is testable without a model:
 * `nliLabelIds` (where entailment and contradiction sit in the logits), `zeroShotProbabilities` (the
 * pipeline's softmax), `batchedEntailment` (pairs → logit rows in batches) and `nliZeroShot` (a classifier
 * over any `NliScorer`); `loadHfNli` is the transformers.js scorer.
 */
import { EmbedlabError } from "../core";
import { embedInBatches, inLengthOrder } from "./embed-batches";
import { hfLoad, transformersFor } from "./hf-env";
import { rows, type HfOptions, type TensorLike } from "./hf-text";
import type { ZeroShotClassifier, ZeroShotResult } from "./zero-shot";

/** The hypothesis template of the pipeline and of Python transformers (the original's). */
export const DEFAULT_HYPOTHESIS_TEMPLATE = "This example is {}.";

/** Index of the entailment and the contradiction logit. */
export interface NliLabelIds {
  entailment: number;
  contradiction: number;
}

/**
 * Where entailment and contradiction sit in a model's logits, from its config's `label2id` (else its
 * `id2label`), case-insensitive, as the pipeline reads them ("not_entailment" counts as contradiction).
 * Unlike the pipeline, which falls back to 2 and 0 with a warning, a config without them is an error.
 */
export function nliLabelIds(
  config: { label2id?: Record<string, number>; id2label?: Record<string, string> },
  modelId = "the NLI model",
): NliLabelIds {
  const byName = new Map<string, number>();
  for (const [k, v] of Object.entries(config.id2label ?? {})) byName.set(v.toLowerCase(), Number(k));
  for (const [k, v] of Object.entries(config.label2id ?? {})) byName.set(k.toLowerCase(), Number(v));
  const entailment = byName.get("entailment");
  const contradiction = byName.get("contradiction") ?? byName.get("not_entailment");
  if (entailment === undefined || contradiction === undefined)
    throw new EmbedlabError(
      `${modelId}'s config names no "entailment" and "contradiction" labels (found: ${[...byName.keys()].join(", ") || "none"})`,
      "use an NLI (MNLI-trained) sequence-classification model, e.g. Xenova/bart-large-mnli",
    );
  return { entailment, contradiction };
}

function softmax(xs: readonly number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/**
 * The pipeline's scores for one premise from the logit rows of its candidate hypotheses: with several
 * candidates and `multiLabel` false, a softmax of the entailment logits over the candidates; with one
 * candidate or `multiLabel`, each candidate's softmax over [contradiction, entailment].
 */
export function zeroShotProbabilities(
  logitRows: readonly ArrayLike<number>[],
  ids: NliLabelIds,
  multiLabel = false,
): number[] {
  if (multiLabel || logitRows.length === 1)
    return logitRows.map((r) => softmax([Number(r[ids.contradiction]), Number(r[ids.entailment])])[1]);
  return softmax(logitRows.map((r) => Number(r[ids.entailment])));
}

export interface NliPair {
  premise: string;
  hypothesis: string;
}

/** One forward pass over (premise, hypothesis) pairs: a logit row per pair, in order. */
export type ScoreBatch = (premises: string[], hypotheses: string[]) => Promise<ArrayLike<number>[]>;

/**
 * Logit rows of `pairs`, in their order, computed `batchSize` pairs per `scoreBatch` call. Pairs are batched
 * longest first (so a batch pads to similar lengths) and put back in order.
 */
export async function batchedEntailment(
  pairs: readonly NliPair[],
  scoreBatch: ScoreBatch,
  batchSize = 32,
): Promise<ArrayLike<number>[]> {
  if (!(Number.isInteger(batchSize) && batchSize >= 1))
    throw new EmbedlabError(`NLI batch size must be a positive integer, got ${batchSize}`);
  return inLengthOrder(
    pairs,
    (p) => p.premise.length + p.hypothesis.length,
    (sorted) =>
      embedInBatches(sorted, batchSize, pairs.length > 10 * batchSize ? "NLI pairs" : undefined, (chunk) =>
        scoreBatch(
          chunk.map((p) => p.premise),
          chunk.map((p) => p.hypothesis),
        ),
      ),
  );
}

/** What `nliZeroShot` needs from a model: its label indices and a batched forward pass. */
export interface NliScorer {
  readonly id: string;
  readonly labelIds: NliLabelIds;
  logits: ScoreBatch;
}

/** A loaded NLI model: dispose it when done (its weights live in onnxruntime, outside the JS heap). */
export interface NliModel extends NliScorer {
  dispose(): Promise<void>;
}

export interface NliZeroShotOptions {
  /** "{}" is replaced by each label phrase (default "This example is {}."). */
  hypothesisTemplate?: string;
  /** Pairs per forward pass (default 32). */
  batchSize?: number;
  /** The pipeline's `multi_label` (default false, as in the original). */
  multiLabel?: boolean;
}

/**
 * NLI zero-shot classifier over `model`. `labels` maps each label to its phrases (label words such as
 * "negative", filled into the hypothesis template; no phrases = the label itself); all phrases of all labels
 * are the pipeline's candidates for one text, and a label's score is the best of its phrases' scores.
 */
export function nliZeroShot(
  model: NliScorer,
  labels: Record<string, string[]>,
  o: NliZeroShotOptions = {},
): ZeroShotClassifier {
  const template = o.hypothesisTemplate ?? DEFAULT_HYPOTHESIS_TEMPLATE;
  if (!template.includes("{}"))
    throw new EmbedlabError(
      `hypothesis template "${template}" has no "{}"`,
      'write it with "{}" where the label goes, e.g. "This example is {}."',
    );
  const names = Object.keys(labels);
  const phrases: Array<{ label: string; hypothesis: string }> = [];
  for (const label of names)
    for (const p of labels[label].length ? labels[label] : [label])
      phrases.push({ label, hypothesis: template.replace("{}", p) });
  return {
    labels: names,
    async classify(texts: string[]): Promise<ZeroShotResult[]> {
      const pairs = texts.flatMap((premise) => phrases.map((p) => ({ premise, hypothesis: p.hypothesis })));
      const logits = await batchedEntailment(pairs, model.logits, o.batchSize ?? 32);
      const k = phrases.length;
      return texts.map((_, i) => {
        const probs = zeroShotProbabilities(logits.slice(i * k, (i + 1) * k), model.labelIds, o.multiLabel);
        const scores: Record<string, number> = {};
        for (const l of names) scores[l] = -Infinity;
        phrases.forEach((p, j) => (scores[p.label] = Math.max(scores[p.label], probs[j])));
        let label = names[0];
        for (const l of names) if (scores[l] > scores[label]) label = l;
        return { label, scores };
      });
    },
  };
}

/**
 * A transformers.js sequence-classification NLI model (AutoTokenizer + AutoModelForSequenceClassification,
 * on the device and dtype of `backend/device.ts`): each call tokenizes its pairs as (premise, text_pair =
 * hypothesis), padded and truncated as the pipeline does, and runs one forward pass.
 */
export async function loadHfNli(modelId: string, opts: HfOptions = {}): Promise<NliModel> {
  const t = transformersFor(opts);
  const [tokenizer, model] = await hfLoad(modelId, opts, "fp32", (s) =>
    Promise.all([
      t.AutoTokenizer.from_pretrained(modelId),
      t.AutoModelForSequenceClassification.from_pretrained(modelId, s),
    ]),
  );
  const labelIds = nliLabelIds(
    model.config as unknown as { label2id?: Record<string, number>; id2label?: Record<string, string> },
    modelId,
  );
  return {
    id: modelId,
    labelIds,
    async logits(premises: string[], hypotheses: string[]): Promise<Float32Array[]> {
      const inputs = tokenizer(premises, { text_pair: hypotheses, padding: true, truncation: true });
      const { logits } = (await model(inputs)) as { logits: TensorLike };
      return rows(logits, premises.length);
    },
    async dispose() {
      await model.dispose();
    },
  };
}

/** `loadHfNli` + `nliZeroShot` in one call; the classifier owns the model (call `dispose` when done). */
export async function hfZeroShot(
  modelId: string,
  labels: Record<string, string[]>,
  opts: HfOptions & NliZeroShotOptions = {},
): Promise<ZeroShotClassifier & { dispose(): Promise<void> }> {
  const model = await loadHfNli(modelId, opts);
  return { ...nliZeroShot(model, labels, opts), dispose: () => model.dispose() };
}
