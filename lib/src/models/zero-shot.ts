import { EmbedlabError } from "../core";
import { cosine, meanVector } from "./vector-math";
import type { TextEncoder } from "./types";

export interface ZeroShotResult {
  label: string;
  /** Similarity of the text to each label (cosine for embedding classifiers). */
  scores: Record<string, number>;
}

export interface ZeroShotClassifier {
  readonly labels: string[];
  classify(texts: string[]): Promise<ZeroShotResult[]>;
}

/**
 * Zero-shot classification by embedding similarity: each label is the mean embedding of its prompt
 * ensemble; a text gets the label whose mean has the highest cosine with the text's embedding.
 */
export function zeroShotClassifier(encoder: TextEncoder, labels: Record<string, string[]>): ZeroShotClassifier {
  const names = Object.keys(labels);
  if (names.length < 2)
    throw new EmbedlabError(
      `zero-shot needs at least two labels, got ${names.length}`,
      "pass { label: [prompt, …], … } with two or more labels",
    );
  for (const n of names)
    if (!Array.isArray(labels[n]) || labels[n].length === 0)
      throw new EmbedlabError(
        `label "${n}" has no prompts`,
        'give each label at least one prompt, e.g. { positive: ["a positive review"] }',
      );
  let centroids: Promise<Float32Array[]> | undefined;
  const getCentroids = () =>
    (centroids ??= (async () => {
      const all = names.flatMap((n) => labels[n]);
      const vecs = await encoder.embed(all);
      let k = 0;
      return names.map((n) => meanVector(labels[n].map(() => vecs[k++])));
    })());
  return {
    labels: names,
    async classify(texts: string[]): Promise<ZeroShotResult[]> {
      const cs = await getCentroids();
      const vs = await encoder.embed(texts);
      return vs.map((v) => {
        const scores: Record<string, number> = {};
        let best = names[0];
        names.forEach((n, i) => {
          scores[n] = cosine(v, cs[i]);
          if (scores[n] > scores[best]) best = n;
        });
        return { label: best, scores };
      });
    },
  };
}
