import { EmbedlabError, Rng } from "../core";

export interface BootstrapOptions {
  /** Resamples (default 1000). */
  n?: number;
  /** Seed (default 0). */
  seed?: number;
  /** Two-sided level: the interval is [alpha/2, 1 − alpha/2] (default 0.05). */
  alpha?: number;
  /** Sample size; required when a statistic function is given. */
  size?: number;
}

export interface ConfidenceInterval {
  estimate: number;
  lo: number;
  hi: number;
}

/**
 * Percentile bootstrap CI. Pass per-example values (the statistic is their mean) or a function
 * `(indices) => statistic` plus `size`; `estimate` is the statistic on the full sample.
 */
export function bootstrapCI(
  values: ArrayLike<number> | ((idx: readonly number[]) => number),
  opts: BootstrapOptions = {},
): ConfidenceInterval {
  const reps = opts.n ?? 1000;
  const alpha = opts.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new EmbedlabError(`bootstrapCI: alpha must be in (0, 1), got ${alpha}`);
  if (!(Number.isInteger(reps) && reps > 0))
    throw new EmbedlabError(`bootstrapCI: n must be a positive integer, got ${reps}`);
  let stat: (idx: readonly number[]) => number;
  let size: number;
  if (typeof values === "function") {
    if (opts.size === undefined)
      throw new EmbedlabError(
        "bootstrapCI: a statistic function needs opts.size (the number of examples)",
        "pass { size: N }",
      );
    stat = values;
    size = opts.size;
  } else {
    const v = values;
    size = v.length;
    stat = (idx) => {
      let s = 0;
      for (const i of idx) s += v[i];
      return s / idx.length;
    };
  }
  if (size < 1) throw new EmbedlabError("bootstrapCI: empty sample", "pass at least one value");
  const rng = new Rng(opts.seed ?? 0);
  const all = Array.from({ length: size }, (_, i) => i);
  const estimate = stat(all);
  const stats = new Float64Array(reps);
  const idx = new Array<number>(size);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < size; i++) idx[i] = rng.int(size);
    stats[r] = stat(idx);
  }
  stats.sort();
  return { estimate, lo: quantile(stats, alpha / 2), hi: quantile(stats, 1 - alpha / 2) };
}

/** Linear-interpolated quantile of sorted values. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos),
    hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
