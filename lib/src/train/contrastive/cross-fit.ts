/**
 * Cross-fitted contrastive fine-tuning: for each fold, a fresh copy of the pretrained GPT is measured on
 * the fold's evaluation questions, fine-tuned on pairs built from the fold's other questions (pairs that
 * share a text with the fold's evaluation set are dropped), and measured again. Every evaluated pair is
 * thus scored before and after by a model that never trained on it; pool the folds with
 * `metrics.embeddingQuality.poolFoldReports`.
 */
import type { WikiQAQuestion } from "../../data/types";
import { evaluateOnQa, qaEvalSet, type EmbedFn, type QaEmbeddingReport } from "../../metrics/embedding-quality";
import type { GptTokenizer } from "../../models/gpt/bpe";
import { embed } from "../../models/gpt/embed";
import type { GPT } from "../../models/gpt/model";
import { contrastiveFinetune, type ContrastiveOptions, type ContrastiveResult } from "./finetune";
import type { QuestionFold, TextPair } from "./pairs";

export interface CrossFitOptions {
  folds: readonly QuestionFold[];
  /** A fresh copy of the pretrained model (called once per fold; the copy is disposed after its fold). */
  load: () => Promise<{ model: GPT; tokenizer: GptTokenizer }>;
  /** Fine-tuning pairs from a fold's fine-tune questions. */
  buildPairs: (tune: readonly WikiQAQuestion[]) => TextPair[];
  /** Steps for fold number `fold` (1-based). */
  stepsFor: (fold: number) => number;
  /** Everything else of the fine-tuning recipe (pooling, batch, temperature, lr, seed, ...). */
  finetune: Omit<ContrastiveOptions, "steps" | "label">;
  /** Unrelated texts for anisotropy. */
  unrelated: readonly string[];
  /**
   * The pretrained model's embedding for the "before" measurement, e.g. a `memoizeEmbed` cache already
   * filled by an earlier measurement of the same model (default: embed with the fold's fresh copy).
   */
  embedBefore?: EmbedFn;
  /** Texts whose fine-tuned vectors come back in `after.extra` (e.g. a demo). */
  extraTexts?: readonly string[];
}

export interface CrossFitFold extends ContrastiveResult {
  fold: number;
  steps: number;
  tuneQuestions: number;
  /** Candidate pairs dropped for sharing a text with the fold's evaluation set. */
  dropped: number;
  /** Pairs that still share a text with the evaluation set (0 by construction; reported as a check). */
  leaked: number;
  before: QaEmbeddingReport;
  after: QaEmbeddingReport;
}

export async function crossFitFinetune(o: CrossFitOptions): Promise<CrossFitFold[]> {
  const pooling = o.finetune.pooling ?? "mean-hidden";
  const out: CrossFitFold[] = [];
  for (const fold of o.folds) {
    const set = qaEvalSet(fold.evaluate);
    const evalTexts = new Set([...set.questions, ...set.pairs.map((p) => p.sentence)]);
    const candidates = o.buildPairs(fold.tune);
    const pairs = candidates.filter((p) => !evalTexts.has(p.a) && !evalTexts.has(p.b));
    const { model, tokenizer } = await o.load();
    try {
      const fn = (texts: string[]) => embed(model, tokenizer, texts, { pooling, batchSize: 32, warn: () => {} });
      const before = await evaluateOnQa(`fold ${fold.fold}, before`, o.embedBefore ?? fn, set, o.unrelated);
      const steps = o.stepsFor(fold.fold);
      const ft = contrastiveFinetune(model, tokenizer, pairs, { ...o.finetune, steps, label: `fine-tune fold ${fold.fold}/${o.folds.length}` });
      const after = await evaluateOnQa(`fold ${fold.fold}, after`, fn, set, o.unrelated, o.extraTexts ?? []);
      out.push({
        ...ft, fold: fold.fold, steps, tuneQuestions: fold.tune.length, dropped: candidates.length - pairs.length,
        leaked: pairs.filter((p) => evalTexts.has(p.a) || evalTexts.has(p.b)).length, before, after,
      });
    } finally {
      model.dispose();
    }
  }
  return out;
}
