/**
 * One embedding, measured on question–sentence pairs: every text is embedded once (deduplicated,
 * length-sorted so batches pad little), then
 *  - same-article separation: each question vs its correct and incorrect candidates (WikiQA's labels),
 *  - cross-question separation: each question vs every correct answer; its own are relevant, other
 *    questions' answers irrelevant (the original post's demo, at scale),
 *  - anisotropy on unrelated texts, raw and after removing their mean vector, and the same-article
 *    separation after removing that mean (does the shared direction hide or carry the signal?).
 */
import { EmbedlabError } from "../../core";
import type { WikiQAQuestion } from "../../data/types";
import { cosineSimilarityMatrix } from "../cosine";
import type { Vector } from "../check";
import { anisotropyReport, centerRows, meanRow, type AnisotropyReport } from "./anisotropy";
import { pairSeparation, separationOfScores, type Separation, type SeparationOptions } from "./separation";

/** Texts → vectors, in order (sync or async). */
export type EmbedFn = (texts: string[]) => Promise<readonly Vector[]> | readonly Vector[];

export interface QaEvalSet {
  questions: string[];
  /** Per pair: index into `questions`, the sentence, its 0/1 label. */
  pairs: { q: number; sentence: string; label: 0 | 1 }[];
}

/** Pairs of `questions` that have at least one correct candidate (questions without one are dropped). */
export function qaEvalSet(questions: readonly WikiQAQuestion[]): QaEvalSet {
  const qs = questions.filter((q) => q.candidates.some((c) => c.label === 1));
  if (qs.length < 2)
    throw new EmbedlabError(
      `need at least 2 questions with a correct answer, got ${qs.length}`,
      "evaluate on more WikiQA questions",
    );
  return {
    questions: qs.map((q) => q.question),
    pairs: qs.flatMap((q, i) => q.candidates.map((c) => ({ q: i, sentence: c.sentence, label: c.label }))),
  };
}

/** Embed distinct texts once, shortest first (less padding per batch), and map them back. */
export async function embedUnique(fn: EmbedFn, texts: readonly string[]): Promise<Map<string, Vector>> {
  const uniq = [...new Set(texts)].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  const vecs = await fn(uniq);
  if (vecs.length !== uniq.length)
    throw new EmbedlabError(`embedding returned ${vecs.length} vectors for ${uniq.length} texts`);
  return new Map(uniq.map((t, i) => [t, vecs[i]]));
}

export interface QaEmbeddingReport {
  name: string;
  sameArticle: Separation;
  crossQuestion: Separation;
  /** Same-article separation after subtracting the mean vector of the unrelated texts. */
  sameArticleCentered: Separation;
  anisotropy: AnisotropyReport;
  /** Vectors of `extraTexts`, in order (e.g. the four-pair demo). */
  extra: Vector[];
  dim: number;
  seconds: number;
}

/** Measure one embedding on `set`, with `unrelated` texts for anisotropy and `extraTexts` to return vectors for. */
export async function evaluateOnQa(
  name: string,
  fn: EmbedFn,
  set: QaEvalSet,
  unrelated: readonly string[],
  extraTexts: readonly string[] = [],
  opts: SeparationOptions = {},
): Promise<QaEmbeddingReport> {
  const t0 = Date.now();
  const vec = await embedUnique(fn, [
    ...set.questions,
    ...set.pairs.map((p) => p.sentence),
    ...unrelated,
    ...extraTexts,
  ]);
  const get = (t: string): Vector => vec.get(t) as Vector;
  const qv = set.questions.map(get);
  const a = set.pairs.map((p) => qv[p.q]);
  const b = set.pairs.map((p) => get(p.sentence));
  const labels = set.pairs.map((p) => p.label);
  const sameArticle = pairSeparation(a, b, labels, opts);
  // cross-question: every question against every correct sentence
  const correct = set.pairs.filter((p) => p.label === 1);
  const sim = cosineSimilarityMatrix(
    qv,
    correct.map((p) => get(p.sentence)),
  );
  const scores: number[] = [];
  const same: number[] = [];
  sim.forEach((row, qi) =>
    row.forEach((s, j) => {
      scores.push(s);
      same.push(correct[j].q === qi ? 1 : 0);
    }),
  );
  const crossQuestion = separationOfScores(scores, same, opts);
  const uv = unrelated.map(get);
  const mu = meanRow(uv);
  const sameArticleCentered = pairSeparation(centerRows(a, mu), centerRows(b, mu), labels, opts);
  return {
    name,
    sameArticle,
    crossQuestion,
    sameArticleCentered,
    anisotropy: anisotropyReport(uv),
    extra: extraTexts.map(get),
    dim: qv[0].length,
    seconds: (Date.now() - t0) / 1000,
  };
}
