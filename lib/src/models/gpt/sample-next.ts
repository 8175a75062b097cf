/**
 * Picking the next token from one row of logits: greedy, or sampled with temperature, top-k, top-p
 * and a CTRL-style repetition penalty. Tokens are ranked by logit (highest first, ties by lower id)
 * with a stable merge sort / a bounded insertion over typed arrays: the same ranking, sums and draws
 * as sorting an index array with a comparator, at a fraction of the cost (that sort took ~1 ms per
 * token for a 4,096-token vocabulary, more than the model's forward pass).
 */
import type { Rng } from "../../core";

/** The decoding options sampleNext reads (a subset of GenerateOptions). */
export interface SampleOptions {
  greedy?: boolean;
  temperature?: number;
  topK?: number;
  topP?: number;
  repetitionPenalty?: number;
}

/** Stable merge sort of `idx` (initially ascending ids) by z descending: ties keep the lower id first. */
function sortByScoreDesc(idx: Int32Array, z: Float64Array): Int32Array {
  const n = idx.length;
  let src = idx;
  let dst = new Int32Array(n);
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let o = lo;
      while (i < mid && j < hi) {
        // take from the right run only when strictly larger (stability)
        if (z[src[j]] > z[src[i]]) dst[o++] = src[j++];
        else dst[o++] = src[i++];
      }
      while (i < mid) dst[o++] = src[i++];
      while (j < hi) dst[o++] = src[j++];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

/** The `n` best ids by (z descending, id ascending), in that order. */
export function rankTokens(z: Float64Array, n: number): Int32Array {
  const v = z.length;
  if (n >= v || n > 64) {
    const all = new Int32Array(v);
    for (let i = 0; i < v; i++) all[i] = i;
    const sorted = sortByScoreDesc(all, z);
    return n >= v ? sorted : sorted.slice(0, n);
  }
  // bounded insertion: `best` holds the top `len` so far, sorted; a later id never beats an equal score
  const best = new Int32Array(n);
  let len = 0;
  for (let i = 0; i < v; i++) {
    const zi = z[i];
    if (len === n && !(zi > z[best[n - 1]])) continue;
    let p = len < n ? len++ : n - 1;
    while (p > 0 && zi > z[best[p - 1]]) {
      best[p] = best[p - 1];
      p--;
    }
    best[p] = i;
  }
  return best;
}

/** Pick the next token from one row of logits. */
export function sampleNext(logits: Float32Array, context: readonly number[], opts: SampleOptions, rng: Rng): number {
  const v = logits.length;
  const z = new Float64Array(v);
  for (let i = 0; i < v; i++) z[i] = logits[i];
  const pen = opts.repetitionPenalty ?? 1;
  if (pen !== 1) {
    for (const id of new Set(context)) if (id < v) z[id] = z[id] > 0 ? z[id] / pen : z[id] * pen;
  }
  const temp = opts.temperature ?? 1;
  if (opts.greedy || temp <= 0) {
    let best = 0;
    for (let i = 1; i < v; i++) if (z[i] > z[best]) best = i;
    return best;
  }
  const k = opts.topK ?? 0;
  const order = rankTokens(z, k > 0 ? Math.min(k, v) : v);
  let n = order.length;
  const m = z[order[0]];
  const probs = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += probs[i] = Math.exp((z[order[i]] - m) / temp);
  for (let i = 0; i < n; i++) probs[i] = probs[i] / sum;
  const topP = opts.topP ?? 1;
  if (topP < 1) {
    let cum = 0;
    let c = 0;
    while (c < n && cum < topP) cum += probs[c++];
    n = Math.max(1, c);
    sum = 0;
    for (let i = 0; i < n; i++) sum += probs[i];
    for (let i = 0; i < n; i++) probs[i] = probs[i] / sum;
  }
  let r = rng.next();
  for (let i = 0; i < n; i++) {
    r -= probs[i];
    if (r < 0) return order[i];
  }
  return order[n - 1];
}
