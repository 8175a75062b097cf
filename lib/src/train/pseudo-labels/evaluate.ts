import { bootstrapCI, type ConfidenceInterval } from "../../metrics/bootstrap";
import { EmbedlabError } from "../../core";

/** Accuracy of hard predictions with a seeded percentile-bootstrap 95 % CI. */
export interface AccuracyWithCI extends ConfidenceInterval {
  n: number;
}

export function accuracyCI(pred: ArrayLike<number>, gold: ArrayLike<number>, seed = 0, resamples = 1000): AccuracyWithCI {
  if (pred.length !== gold.length) throw new EmbedlabError(`accuracyCI: ${pred.length} predictions for ${gold.length} labels`);
  const hit = Float64Array.from({ length: pred.length }, (_, i) => (pred[i] === gold[i] ? 1 : 0));
  return { ...bootstrapCI(hit, { seed, n: resamples }), n: pred.length };
}

/** Paired bootstrap CI of accuracy(a) − accuracy(b) on the same examples (resampled together). */
export function accuracyDifferenceCI(a: ArrayLike<number>, b: ArrayLike<number>, gold: ArrayLike<number>, seed = 0, resamples = 1000): ConfidenceInterval {
  if (a.length !== gold.length || b.length !== gold.length) throw new EmbedlabError("accuracyDifferenceCI: predictions and labels must have the same length");
  const d = Float64Array.from({ length: gold.length }, (_, i) => (a[i] === gold[i] ? 1 : 0) - (b[i] === gold[i] ? 1 : 0));
  return bootstrapCI(d, { seed, n: resamples });
}

/** Class-1 decisions (p ≥ 0.5) from row-major binary probabilities [n, 2]. */
export function binaryDecisions(p: ArrayLike<number>): Int32Array {
  const n = p.length / 2;
  return Int32Array.from({ length: n }, (_, i) => (p[i * 2 + 1] >= 0.5 ? 1 : 0));
}
