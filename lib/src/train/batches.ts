import { EmbedlabError, Rng } from "../core";

/**
 * Split 0..n-1 into batches of `batchSize` indices, shuffled by `rng` when given (in order otherwise).
 * The last short batch is kept unless `dropLast`.
 */
export function batches(n: number, batchSize: number, rng?: Rng, dropLast = false): number[][] {
  if (!(Number.isInteger(n) && n >= 0)) throw new EmbedlabError(`batches: n must be a non-negative integer, got ${n}`);
  if (!(Number.isInteger(batchSize) && batchSize > 0))
    throw new EmbedlabError(`batches: batchSize must be a positive integer, got ${batchSize}`);
  const order = rng ? rng.permutation(n) : Array.from({ length: n }, (_, i) => i);
  const out: number[][] = [];
  for (let i = 0; i < n; i += batchSize) {
    const b = order.slice(i, i + batchSize);
    if (dropLast && b.length < batchSize) break;
    out.push(b);
  }
  return out;
}

/** A seed for stream `stream` of epoch `epoch` of a run seeded `seed` (so a resumed run replays the same streams). */
export function deriveSeed(seed: number, epoch: number, stream: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (epoch + 0x7f4a7c15), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13) ^ (stream * 0xc2b2ae35), 0x27d4eb2f) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
