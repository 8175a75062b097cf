import { EmbedlabError } from "../../core";

export interface Throughput {
  sentences: number;
  seconds: number;
  perSecond: number;
}

/**
 * Sentences per second of `run(texts)` (one call over all texts, after `warmup` texts once so that
 * model loading and first-call compilation are not counted). Repeats until `minSeconds` have passed.
 */
export async function measureThroughput(
  run: (texts: string[]) => Promise<unknown>,
  texts: readonly string[],
  opts: { warmup?: number; minSeconds?: number } = {},
): Promise<Throughput> {
  if (texts.length === 0) throw new EmbedlabError("measureThroughput: no texts");
  const warm = texts.slice(0, Math.min(texts.length, opts.warmup ?? 16));
  await run([...warm]);
  const minS = opts.minSeconds ?? 0;
  let sentences = 0;
  const t0 = process.hrtime.bigint();
  let seconds = 0;
  do {
    await run([...texts]);
    sentences += texts.length;
    seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (seconds < minS);
  return { sentences, seconds, perSecond: sentences / seconds };
}
