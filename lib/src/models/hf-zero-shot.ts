import { hfLoad, transformersFor } from "./hf-env";
import type { HfOptions } from "./hf-text";
import type { ZeroShotClassifier, ZeroShotResult } from "./zero-shot";

interface ZsOutput {
  labels: string[];
  scores: number[];
}

/**
 * NLI zero-shot classification through transformers.js (`zero-shot-classification`, e.g.
 * Xenova/bart-large-mnli or Xenova/nli-deberta-v3-xsmall). Hub only: needs remote access or a local copy.
 * `labels` maps each label to its candidate phrasings; a label's score is the best of its phrasings.
 */
export async function hfZeroShot(
  modelId: string,
  labels: Record<string, string[]>,
  opts: HfOptions & { hypothesisTemplate?: string } = {},
): Promise<ZeroShotClassifier> {
  const t = transformersFor(opts);
  const clf = await hfLoad(modelId, opts, "fp32", (s) => t.pipeline("zero-shot-classification", modelId, s));
  const phrases: string[] = [];
  const owner = new Map<string, string>();
  for (const [label, ps] of Object.entries(labels))
    for (const p of ps.length ? ps : [label]) {
      phrases.push(p);
      owner.set(p, label);
    }
  return {
    labels: Object.keys(labels),
    async classify(texts: string[]): Promise<ZeroShotResult[]> {
      const out: ZeroShotResult[] = [];
      for (const text of texts) {
        const r = (await clf(text, phrases, {
          hypothesis_template: opts.hypothesisTemplate ?? "This example is {}.",
        })) as unknown as ZsOutput;
        const scores: Record<string, number> = {};
        for (const l of Object.keys(labels)) scores[l] = -Infinity;
        r.labels.forEach((p, i) => {
          const l = owner.get(p)!;
          scores[l] = Math.max(scores[l], r.scores[i]);
        });
        const label = Object.entries(scores).sort((a, b) => b[1] - a[1])[0][0];
        out.push({ label, scores });
      }
      return out;
    },
  };
}
