/**
 * Cross-fitting's results: when each fold of an evaluation set is scored by a different model (the one that
 * did not train on it), the folds' reports are pooled into one report over all their pairs; before and after
 * fine-tuning are then compared pair by pair (`compareFolds`), and shown per fold.
 */
import { EmbedlabError, signed } from "../../core";
import type { ConfidenceInterval } from "../../metrics";
import {
  pairedAucDifference,
  separationOfScores,
  type QaEmbeddingReport,
  type QaEvalSet,
  type Separation,
  type SeparationOptions,
} from "../../metrics/embedding-quality";
import { trainingCurves, type VegaLiteSpec } from "../../viz";
import type { CrossFitFold } from "./cross-fit";
import { aucBars, aucWithCI } from "./measure";

/** One separation over the union of the parts' pairs (relevant and irrelevant scores concatenated in part order). */
export function poolSeparations(parts: readonly Separation[], opts: SeparationOptions = {}): Separation {
  if (parts.length === 0) throw new EmbedlabError("poolSeparations: no parts");
  const relevant = parts.flatMap((p) => p.relevant);
  const irrelevant = parts.flatMap((p) => p.irrelevant);
  return separationOfScores([...relevant, ...irrelevant], [...relevant.map(() => 1), ...irrelevant.map(() => 0)], opts);
}

const meanOf = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * Pool per-fold reports into one: same-article and mean-removed separations over all folds' pairs,
 * cross-question over all folds' within-fold comparisons, anisotropy averaged over the folds' models,
 * seconds summed, `extra` from the first fold. Pool "before" and "after" the same way (same fold order)
 * and `pairedAucDifference` compares them pair by pair.
 */
export function poolFoldReports(
  name: string,
  folds: readonly QaEmbeddingReport[],
  opts: SeparationOptions = {},
): QaEmbeddingReport {
  if (folds.length === 0) throw new EmbedlabError("poolFoldReports: no fold reports");
  const dims = new Set(folds.map((f) => f.dim));
  if (dims.size !== 1)
    throw new EmbedlabError(`poolFoldReports: folds have different dimensions (${[...dims].join(", ")})`);
  return {
    name,
    sameArticle: poolSeparations(
      folds.map((f) => f.sameArticle),
      opts,
    ),
    crossQuestion: poolSeparations(
      folds.map((f) => f.crossQuestion),
      opts,
    ),
    sameArticleCentered: poolSeparations(
      folds.map((f) => f.sameArticleCentered),
      { ...opts, bootstrap: 0 },
    ),
    anisotropy: {
      raw: meanOf(folds.map((f) => f.anisotropy.raw)),
      centered: meanOf(folds.map((f) => f.anisotropy.centered)),
      meanDirectionNorm: meanOf(folds.map((f) => f.anisotropy.meanDirectionNorm)),
    },
    extra: folds[0].extra,
    dim: folds[0].dim,
    seconds: folds.reduce((s, f) => s + f.seconds, 0),
  };
}

/** One fold's same-article AUC before and after fine-tuning. */
export type FoldGain = {
  fold: number;
  before: number;
  after: number;
  gain: number;
};

/** The pooled before/after reports, the paired bootstrap CI of the same-article gain, and the per-fold gains. */
export interface FinetuneComparison {
  before: QaEmbeddingReport;
  after: QaEmbeddingReport;
  gainCI: ConfidenceInterval;
  foldGains: FoldGain[];
}

/** Pool the folds: every evaluated pair is scored before (pretrained GPT) and after (the fold's fine-tuned copy). */
export function compareFolds(
  runs: readonly CrossFitFold[],
  o: { pooling: string; bootstrap: number; seed: number },
): FinetuneComparison {
  const opts = { bootstrap: o.bootstrap, seed: o.seed };
  const before = poolFoldReports(
    `GPT ${o.pooling}, pretrained`,
    runs.map((f) => f.before),
    opts,
  );
  const after = poolFoldReports(
    `GPT ${o.pooling}, contrastively fine-tuned`,
    runs.map((f) => f.after),
    opts,
  );
  const gainCI = pairedAucDifference(after.sameArticle, before.sameArticle, opts);
  const foldGains = runs.map((f) => ({
    fold: f.fold,
    before: f.before.sameArticle.auc,
    after: f.after.sameArticle.auc,
    gain: f.after.sameArticle.auc - f.before.sameArticle.auc,
  }));
  return { before, after, gainCI, foldGains };
}

/** One line: the pooled gain with its CI and the gain per fold. */
export function describeGain(c: FinetuneComparison): string {
  return `same-article AUC gain ${c.gainCI.estimate.toFixed(3)} (paired 95 % bootstrap CI ${c.gainCI.lo.toFixed(3)} … ${c.gainCI.hi.toFixed(3)}); per fold ${c.foldGains.map((g) => signed(g.gain, 3)).join(", ")}`;
}

/** The fine-tuning table: one row per fold. */
export function finetuneTable(
  runs: readonly CrossFitFold[],
  foldSets: readonly QaEvalSet[],
): Record<string, string | number>[] {
  return runs.map((f) => ({
    fold: f.fold,
    "fine-tune questions": f.tuneQuestions,
    "evaluated questions": foldSets[f.fold - 1].questions.length,
    pairs: f.pairs,
    "pairs per source": Object.entries(f.sources)
      .map(([s, n]) => `${s} ${n}`)
      .join(", "),
    "dropped (share a text with the fold's evaluation)": f.dropped,
    steps: f.steps,
    seconds: f.seconds,
  }));
}

/** The InfoNCE loss of every fold, by step. */
export function lossCurves(runs: readonly CrossFitFold[]): VegaLiteSpec {
  return trainingCurves(
    Object.fromEntries(runs.map((f) => [`fold ${f.fold}`, f.history.map((h) => ({ step: h.step, loss: h.loss }))])),
    { x: "step", title: "Symmetric InfoNCE during fine-tuning", yTitle: "loss", width: 480, height: 200 },
  );
}

/** AUC bars of the pooled GPT before and after fine-tuning. */
export function beforeAfterBars(c: FinetuneComparison): VegaLiteSpec {
  return aucBars([c.before, c.after], ["GPT pretrained", "GPT fine-tuned"]);
}

/** Before vs after fine-tuning, pooled over the folds. */
export function beforeAfterTable(c: FinetuneComparison): Record<string, string | number>[] {
  return [c.before, c.after].map((r, i) => ({
    "": i === 0 ? "before fine-tuning" : "after fine-tuning",
    embedding: r.name,
    "same-article AUC": aucWithCI(r.sameArticle),
    "cross-question AUC (within fold)": aucWithCI(r.crossQuestion),
    "mean cos correct": r.sameArticle.meanRelevant,
    "mean cos incorrect": r.sameArticle.meanIrrelevant,
    anisotropy: r.anisotropy.raw,
  }));
}
