/**
 * How well an embedding's cosine separates relevant from irrelevant text pairs (e.g. a WikiQA question
 * with its correct vs incorrect candidate sentences): ROC-AUC of the pair cosines against the labels,
 * the mean cosine of each group, and (optionally) a bootstrap CI of the AUC.
 */
import { EmbedlabError } from "../../core";
import { type ConfidenceInterval } from "../bootstrap";
import { bootstrapAucCI, bootstrapPairedAucCI } from "../bootstrap-auc";
import { rocAuc } from "../classification";
import { pairedCosine } from "../cosine";
import { assertSameLength, type Vector } from "../check";

export interface SeparationOptions {
  /** Bootstrap resamples for the AUC's 95 % CI (0 = none; default 0). */
  bootstrap?: number;
  /** Bootstrap seed (default 0). */
  seed?: number;
}

export interface Separation {
  /** P(cos of a random relevant pair > cos of a random irrelevant pair); 0.5 = no separation. */
  auc: number;
  /** 95 % percentile-bootstrap CI of the AUC (pairs resampled), when asked for. */
  aucCI?: ConfidenceInterval;
  meanRelevant: number;
  meanIrrelevant: number;
  /** meanRelevant − meanIrrelevant. */
  gap: number;
  /** Cosines of the relevant and of the irrelevant pairs (for histograms). */
  relevant: number[];
  irrelevant: number[];
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Separation of the scores `cosines[i]` by `labels[i]` (1 = relevant). */
export function separationOfScores(
  cosines: readonly number[],
  labels: ArrayLike<number | boolean>,
  opts: SeparationOptions = {},
): Separation {
  assertSameLength(cosines, labels, "separation");
  const relevant: number[] = [];
  const irrelevant: number[] = [];
  for (let i = 0; i < cosines.length; i++) (labels[i] ? relevant : irrelevant).push(cosines[i]);
  if (relevant.length === 0 || irrelevant.length === 0) {
    throw new EmbedlabError(
      `separation needs relevant and irrelevant pairs; got ${relevant.length} relevant, ${irrelevant.length} irrelevant`,
      "evaluate on pairs with both labels",
    );
  }
  const auc = rocAuc(cosines, labels);
  const out: Separation = {
    auc,
    meanRelevant: mean(relevant),
    meanIrrelevant: mean(irrelevant),
    gap: mean(relevant) - mean(irrelevant),
    relevant,
    irrelevant,
  };
  const reps = opts.bootstrap ?? 0;
  if (reps > 0) {
    // a resample with one class only carries no AUC information: it counts as chance (0.5)
    out.aucCI = bootstrapAucCI(cosines, labels, { n: reps, seed: opts.seed ?? 0 });
  }
  return out;
}

/** Separation of cos(a_i, b_i) by `labels[i]`: `a` and `b` are the two sides of each pair. */
export function pairSeparation(
  a: readonly Vector[],
  b: readonly Vector[],
  labels: ArrayLike<number | boolean>,
  opts: SeparationOptions = {},
): Separation {
  assertSameLength(a, b, "pairSeparation");
  assertSameLength(a, labels, "pairSeparation labels");
  return separationOfScores(pairedCosine(a, b), labels, opts);
}

/**
 * AUC(after) − AUC(before) for two embeddings scored on the **same** pairs (e.g. before and after
 * fine-tuning), with a paired percentile-bootstrap CI: each resample draws pairs once and scores both.
 */
export function pairedAucDifference(
  after: Separation,
  before: Separation,
  opts: SeparationOptions = {},
): ConfidenceInterval {
  if (after.relevant.length !== before.relevant.length || after.irrelevant.length !== before.irrelevant.length) {
    throw new EmbedlabError(
      `pairedAucDifference needs the same pairs: ${after.relevant.length}+${after.irrelevant.length} vs ${before.relevant.length}+${before.irrelevant.length}`,
      "evaluate both embeddings on the same evaluation set",
    );
  }
  const labels = [...after.relevant.map(() => 1), ...after.irrelevant.map(() => 0)];
  const sa = [...after.relevant, ...after.irrelevant];
  const sb = [...before.relevant, ...before.irrelevant];
  // a resample with one class only counts as no difference (0)
  return bootstrapPairedAucCI(sa, sb, labels, { n: opts.bootstrap || 1000, seed: opts.seed ?? 0 });
}
