import { EmbedlabError, Rng } from "../core";

/** `n` rows drawn without replacement with a seeded `Rng` (same seed → same rows); all rows (shuffled) if n ≥ length. */
export function sampleSeeded<T>(rows: readonly T[], n: number, seed: number): T[] {
  if (!Number.isInteger(n) || n < 0) throw new EmbedlabError(`sample size must be a non-negative integer, got ${n}`);
  return new Rng(seed).sample(rows, n);
}
