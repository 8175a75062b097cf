import { EmbedlabError, progress } from "../core";

/**
 * Runs `embed` over `items` in chunks of `batchSize` (at least 1) and concatenates the outputs (vectors, or
 * any per-item result `R`). With a `label`, a progress bar of that name is shown when there is more than one chunk.
 */
export async function embedInBatches<T, R = Float32Array>(
  items: readonly T[],
  batchSize: number,
  label: string | undefined,
  embed: (chunk: T[]) => Promise<R[]>,
): Promise<R[]> {
  const bs = Math.max(1, batchSize);
  const bar = label !== undefined && items.length > bs ? progress(items.length, label) : undefined;
  const out: R[] = [];
  for (let b = 0; b < items.length; b += bs) {
    const chunk = items.slice(b, b + bs);
    const res = await embed(chunk);
    if (res.length !== chunk.length)
      throw new EmbedlabError(`a batch of ${chunk.length} inputs returned ${res.length} outputs`);
    out.push(...res);
    bar?.tick(chunk.length);
  }
  bar?.done();
  return out;
}

/**
 * Runs `run` on `items` sorted longest first by `length` (ties keep their order), so that batches cut from
 * the sorted list pad to similar lengths, and returns its per-item outputs in the items' own order.
 */
export async function inLengthOrder<T, R>(
  items: readonly T[],
  length: (item: T) => number,
  run: (sorted: T[]) => Promise<R[]>,
): Promise<R[]> {
  const lens = items.map(length);
  const order = items.map((_, i) => i).sort((a, b) => lens[b] - lens[a] || a - b);
  const res = await run(order.map((i) => items[i]));
  if (res.length !== items.length) throw new EmbedlabError(`${items.length} inputs returned ${res.length} outputs`);
  const out: R[] = new Array(items.length);
  order.forEach((i, j) => (out[i] = res[j]));
  return out;
}
