import { progress } from "../core";

/**
 * Runs `embed` over `items` in chunks of `batchSize` (at least 1) and concatenates the vectors.
 * With a `label`, a progress bar of that name is shown when there is more than one chunk.
 */
export async function embedInBatches<T>(
  items: readonly T[],
  batchSize: number,
  label: string | undefined,
  embed: (chunk: T[]) => Promise<Float32Array[]>,
): Promise<Float32Array[]> {
  const bs = Math.max(1, batchSize);
  const bar = label !== undefined && items.length > bs ? progress(items.length, label) : undefined;
  const out: Float32Array[] = [];
  for (let b = 0; b < items.length; b += bs) {
    const chunk = items.slice(b, b + bs);
    out.push(...(await embed(chunk)));
    bar?.tick(chunk.length);
  }
  bar?.done();
  return out;
}
