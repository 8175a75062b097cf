import * as path from "node:path";
import { CorruptDataError, EmbedlabError } from "../core";
import { locateDataset, requireFile } from "./locate";
import { parseBinaryLabel, readTsv } from "./tsv";
import type { WikiQAPair, WikiQAQuestion } from "./types";

export interface WikiQAOptions {
  /** Data root holding `WikiQA/` (or the archive's `WikiQACorpus/`); default `dataDir()`. */
  root?: string;
  /** Read this WikiQA-format TSV instead of `WikiQA-<split>.tsv`. */
  file?: string;
}

const COLUMNS = ["QuestionID", "Question", "DocumentTitle", "SentenceID", "Sentence", "Label"] as const;

/** Where `loadWikiQA` reads a split from. */
export function wikiqaFile(split: "train" | "dev" | "test", root?: string): string {
  const name = `WikiQA-${split}.tsv`;
  return path.join(locateDataset("wikiqa", ["WikiQA", "WikiQACorpus"], [name], root).dir, name);
}

/** WikiQA questions, each with its candidate sentences in file order (official TSV columns). */
export function loadWikiQA(split: "train" | "dev" | "test", opts: WikiQAOptions = {}): WikiQAQuestion[] {
  if (!["train", "dev", "test"].includes(split)) throw new EmbedlabError(`unknown WikiQA split "${split}"`, 'use "train", "dev" or "test"');
  const file = opts.file ? requireFile("wikiqa", opts.file) : wikiqaFile(split, opts.root);
  const { columns: c, rows } = readTsv(file, COLUMNS);
  const byId = new Map<string, WikiQAQuestion>();
  for (const r of rows) {
    const f = r.fields;
    const id = f[c.QuestionID];
    let q = byId.get(id);
    if (!q) {
      q = { questionId: id, question: f[c.Question], documentTitle: f[c.DocumentTitle], candidates: [] };
      byId.set(id, q);
    } else if (q.question !== f[c.Question]) {
      throw new CorruptDataError(file, `line ${r.line}: question ${id} has two different texts`, r.offset);
    }
    q.candidates.push({ sentenceId: f[c.SentenceID], sentence: f[c.Sentence], label: parseBinaryLabel(file, r, f[c.Label]) });
  }
  return [...byId.values()];
}

/** Flatten questions into (question, sentence, label) pairs. */
export function wikiqaPairs(questions: readonly WikiQAQuestion[]): WikiQAPair[] {
  return questions.flatMap((q) => q.candidates.map((s) => ({ question: q.question, sentence: s.sentence, label: s.label })));
}

/** Only the questions with at least one correct candidate (the answer-selection evaluation set). */
export function questionsWithAnswers(questions: readonly WikiQAQuestion[]): WikiQAQuestion[] {
  return questions.filter((q) => q.candidates.some((s) => s.label === 1));
}
