import { EmbedlabError } from "../../core";
import { bigrams, studentTokens } from "./tokenize";

/** Word and bigram features the student learns an embedding for (only those seen in its training texts). */
export interface FeatureIndex {
  readonly features: Map<string, number>;
  readonly size: number;
  readonly useBigrams: boolean;
}

export function featuresOf(text: string, useBigrams: boolean): string[] {
  const toks = studentTokens(text);
  return useBigrams ? [...toks, ...bigrams(toks)] : toks;
}

/** Index the words (and bigrams) that occur at least `minCount` times in `texts`. */
export function buildFeatureIndex(
  texts: readonly string[],
  opts: { bigrams?: boolean; minCount?: number } = {},
): FeatureIndex {
  const useBigrams = opts.bigrams ?? true;
  const minCount = opts.minCount ?? 1;
  if (!(Number.isInteger(minCount) && minCount >= 1))
    throw new EmbedlabError(`minCount must be a positive integer, got ${minCount}`);
  const counts = new Map<string, number>();
  for (const t of texts) for (const f of featuresOf(t, useBigrams)) counts.set(f, (counts.get(f) ?? 0) + 1);
  const features = new Map<string, number>();
  for (const [f, c] of counts) if (c >= minCount) features.set(f, features.size);
  return { features, size: features.size, useBigrams };
}

/** Padded feature ids [n, maxLen] (padding = index.size, a row the model masks out) and per-text lengths. */
export function encodeBags(
  texts: readonly string[],
  index: FeatureIndex,
  maxLen = 96,
): { ids: Int32Array; lengths: Int32Array; maxLen: number } {
  const ids = new Int32Array(texts.length * maxLen).fill(index.size);
  const lengths = new Int32Array(texts.length);
  texts.forEach((t, r) => {
    let k = 0;
    for (const f of featuresOf(t, index.useBigrams)) {
      const id = index.features.get(f);
      if (id === undefined || k >= maxLen) continue;
      ids[r * maxLen + k++] = id;
    }
    lengths[r] = k;
  });
  return { ids, lengths, maxLen };
}
