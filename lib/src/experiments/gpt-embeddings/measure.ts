/**
 * §2–3 of notebook 03: every embedding measured on the same WikiQA pairs (same-article and cross-question
 * AUC, anisotropy, separation after removing the shared mean), and the tables and charts that show them.
 */
import {
  evaluateOnQa,
  meanRow,
  type QaEmbeddingReport,
  type QaEvalSet,
  type Separation,
} from "../../metrics/embedding-quality";
import { embed, type GPT, type GptTokenizer } from "../../models/gpt";
import { groupedBars, histogramOverlay, type VegaLiteSpec } from "../../viz";
import { EMBED_BATCH } from "./config";
import type { NamedEmbedding } from "./embedders";

/** Measure each embedding on `set`, one after the other (bootstrap CIs with `bootstrap` resamples, seeded). */
export async function measureAll(
  embeddings: readonly NamedEmbedding[],
  set: QaEvalSet,
  unrelated: readonly string[],
  o: { bootstrap: number; seed: number },
): Promise<QaEmbeddingReport[]> {
  const reports: QaEmbeddingReport[] = [];
  for (const e of embeddings)
    reports.push(await evaluateOnQa(e.name, e.embed, set, unrelated, [], { bootstrap: o.bootstrap, seed: o.seed }));
  return reports;
}

/** "0.612 [0.571, 0.650]": an AUC with its bootstrap CI. */
export function aucWithCI(s: Separation): string {
  return `${s.auc.toFixed(3)} [${s.aucCI?.lo.toFixed(3)}, ${s.aucCI?.hi.toFixed(3)}]`;
}

export function aucTable(reports: readonly QaEmbeddingReport[]): Record<string, string | number>[] {
  return reports.map((r) => ({
    embedding: r.name,
    dim: r.dim,
    "same-article AUC": aucWithCI(r.sameArticle),
    "mean cos correct": r.sameArticle.meanRelevant,
    "mean cos incorrect": r.sameArticle.meanIrrelevant,
    "cross-question AUC": aucWithCI(r.crossQuestion),
    seconds: r.seconds,
  }));
}

/** Same-article and cross-question AUC bars (with CIs) for `reports`, labelled `groups`. */
export function aucBars(reports: readonly QaEmbeddingReport[], groups: readonly string[]): VegaLiteSpec {
  return groupedBars(
    reports.flatMap((r, i) => [
      {
        group: groups[i],
        series: "same-article",
        value: r.sameArticle.auc,
        lo: r.sameArticle.aucCI?.lo,
        hi: r.sameArticle.aucCI?.hi,
      },
      {
        group: groups[i],
        series: "cross-question",
        value: r.crossQuestion.auc,
        lo: r.crossQuestion.aucCI?.lo,
        hi: r.crossQuestion.aucCI?.hi,
      },
    ]),
    {
      title: "Relevant vs irrelevant ROC-AUC (0.5 = chance)",
      yTitle: "ROC-AUC",
      domain: [0, 1],
      baseline: 0.5,
      width: 120 * reports.length,
    },
  );
}

/** Cosines of correct vs incorrect candidates under `r`. */
export function cosineHistogram(r: QaEmbeddingReport): VegaLiteSpec {
  return histogramOverlay(
    { "correct candidate": r.sameArticle.relevant, "incorrect candidate": r.sameArticle.irrelevant },
    { title: r.name, xTitle: "cosine(question, sentence)", bins: 40, width: 420, height: 160 },
  );
}

/** The histograms §2 shows: logits, mean hidden, the encoder (saved as `03_hist_<index in reports>`). */
export const HISTOGRAM_REPORTS = [0, 2, 3];

export function histogramFigures(reports: readonly QaEmbeddingReport[]): { spec: VegaLiteSpec; save: string }[] {
  return HISTOGRAM_REPORTS.map((i) => ({ spec: cosineHistogram(reports[i]), save: `03_hist_${i}` }));
}

export function anisotropyTable(reports: readonly QaEmbeddingReport[]): Record<string, string | number>[] {
  return reports.map((r) => ({
    embedding: r.name,
    "mean cos (unrelated)": r.anisotropy.raw,
    "after removing the mean": r.anisotropy.centered,
    "‖mean unit vector‖": r.anisotropy.meanDirectionNorm,
    "same-article AUC": r.sameArticle.auc,
    "same-article AUC, mean removed": r.sameArticleCentered.auc,
  }));
}

export function anisotropyBars(reports: readonly QaEmbeddingReport[], groups: readonly string[]): VegaLiteSpec {
  return groupedBars(
    reports.flatMap((r, i) => [
      { group: groups[i], series: "raw", value: r.anisotropy.raw },
      { group: groups[i], series: "mean removed", value: r.anisotropy.centered },
    ]),
    { title: "Mean cosine between unrelated texts", yTitle: "mean cosine", domain: [-0.1, 1], width: 600 },
  );
}

/** The sentence that lists `meanLogitTopTokens`. */
export function describeTopTokens(tokens: readonly string[]): string {
  return `Highest entries of the mean last-token logit vector over the unrelated sentences: ${tokens.join(" ")}`;
}

/** The shared direction of the logits: the `k` tokens the average last-token logit vector over `texts` favours (JSON-quoted). */
export function meanLogitTopTokens(gpt: GPT, tokenizer: GptTokenizer, texts: readonly string[], k = 12): string[] {
  const meanLogits = meanRow(
    embed(gpt, tokenizer, texts, { pooling: "last-token-logits", batchSize: EMBED_BATCH, warn: () => {} }),
  );
  return Array.from(meanLogits.keys())
    .sort((i, j) => meanLogits[j] - meanLogits[i])
    .slice(0, k)
    .map((id) => JSON.stringify(tokenizer.decode([id])));
}
