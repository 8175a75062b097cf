import { EmbedlabError } from "../core";
import { bootstrapCI, type ConfidenceInterval } from "./bootstrap";

/** Accuracy of hard predictions with a seeded percentile-bootstrap 95 % CI, and the sample size. */
export interface AccuracyWithCI extends ConfidenceInterval {
  n: number;
}

export interface AccuracyCIOptions {
  /** Bootstrap seed (default 0). */
  seed?: number;
  /** Resamples (default 1000). */
  resamples?: number;
}

/** Accuracy of predicted vs true class ids with a percentile-bootstrap CI over the examples. */
export function accuracyCI(
  pred: ArrayLike<number>,
  gold: ArrayLike<number>,
  opts: AccuracyCIOptions = {},
): AccuracyWithCI {
  if (pred.length !== gold.length || pred.length === 0) {
    throw new EmbedlabError(
      `accuracyCI: ${pred.length} predictions for ${gold.length} labels`,
      "pass one prediction per label",
    );
  }
  const hit = Float64Array.from({ length: pred.length }, (_, i) => (pred[i] === gold[i] ? 1 : 0));
  return { ...bootstrapCI(hit, { seed: opts.seed ?? 0, n: opts.resamples ?? 1000 }), n: pred.length };
}

/** Paired bootstrap CI of accuracy(a) − accuracy(b) on the same examples (resampled together). */
export function accuracyDifferenceCI(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  gold: ArrayLike<number>,
  opts: AccuracyCIOptions = {},
): ConfidenceInterval {
  if (a.length !== gold.length || b.length !== gold.length) {
    throw new EmbedlabError("accuracyDifferenceCI: predictions and labels must have the same length");
  }
  const d = Float64Array.from(
    { length: gold.length },
    (_, i) => (a[i] === gold[i] ? 1 : 0) - (b[i] === gold[i] ? 1 : 0),
  );
  return bootstrapCI(d, { seed: opts.seed ?? 0, n: opts.resamples ?? 1000 });
}
