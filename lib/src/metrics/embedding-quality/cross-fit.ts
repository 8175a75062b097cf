/**
 * Cross-fitting: when each fold of an evaluation set is scored by a different model (the one that did
 * not train on it), the folds' reports are pooled into one report over all their pairs.
 */
import { EmbedlabError } from "../../core";
import type { QaEmbeddingReport } from "./qa-eval";
import { separationOfScores, type Separation, type SeparationOptions } from "./separation";

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
export function poolFoldReports(name: string, folds: readonly QaEmbeddingReport[], opts: SeparationOptions = {}): QaEmbeddingReport {
  if (folds.length === 0) throw new EmbedlabError("poolFoldReports: no fold reports");
  const dims = new Set(folds.map((f) => f.dim));
  if (dims.size !== 1) throw new EmbedlabError(`poolFoldReports: folds have different dimensions (${[...dims].join(", ")})`);
  return {
    name,
    sameArticle: poolSeparations(folds.map((f) => f.sameArticle), opts),
    crossQuestion: poolSeparations(folds.map((f) => f.crossQuestion), opts),
    sameArticleCentered: poolSeparations(folds.map((f) => f.sameArticleCentered), { ...opts, bootstrap: 0 }),
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
