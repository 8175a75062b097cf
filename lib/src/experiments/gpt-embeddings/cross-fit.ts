/**
 * Cross-fitted contrastive fine-tuning: for each fold, a fresh copy of the pretrained GPT is measured on
 * the fold's evaluation questions, fine-tuned on pairs built from the fold's other questions (pairs that
 * share a text with the fold's evaluation set are dropped), and measured again. Every evaluated pair is
 * thus scored before and after by a model that never trained on it; pool the folds with
 * `poolFoldReports` (pool-folds.ts). Folds are independent, so they run in parallel worker
 * threads when the GPT is given as a `GptSpec` (`parallel.runParallel`).
 */
import { EmbedlabError } from "../../core";
import type { WikiQAQuestion } from "../../data/types";
import {
  evaluateOnQa,
  qaEvalSet,
  type EmbedFn,
  type QaEmbeddingReport,
  type QaEvalSet,
} from "../../metrics/embedding-quality";
import type { GptTokenizer } from "../../models/gpt/bpe";
import { embed } from "../../models/gpt/embed";
import { loadGptSpec, type GptSpec } from "../../models/gpt/load";
import type { GPT } from "../../models/gpt/model";
import { job, runParallel, type Job, type ParallelOptions } from "../../parallel";
import { contrastiveFinetune, type ContrastiveOptions, type ContrastiveResult } from "./finetune";
import type { QuestionFold, TextPair } from "./pairs";

export interface CrossFitOptions {
  folds: readonly QuestionFold[];
  /** The pretrained GPT; every fold fine-tunes its own fresh copy, in a worker thread. */
  gpt?: GptSpec;
  /** Instead of `gpt`: a function returning a fresh copy (called once per fold; folds then run one after the other in this process). */
  load?: () => Promise<{ model: GPT; tokenizer: GptTokenizer }>;
  /** Fine-tuning pairs from a fold's fine-tune questions. */
  buildPairs: (tune: readonly WikiQAQuestion[]) => TextPair[];
  /** Steps for fold number `fold` (1-based). */
  stepsFor: (fold: number) => number;
  /** Everything else of the fine-tuning recipe (pooling, batch, temperature, lr, seed, ...). */
  finetune: Omit<ContrastiveOptions, "steps" | "label">;
  /** Unrelated texts for anisotropy. */
  unrelated: readonly string[];
  /**
   * The pretrained model's embedding for the "before" measurement, e.g. a `memoizeEmbed` cache already
   * filled by an earlier measurement of the same model (default: embed with the fold's fresh copy).
   */
  embedBefore?: EmbedFn;
  /** Texts whose fine-tuned vectors come back in `after.extra` (e.g. a demo). */
  extraTexts?: readonly string[];
  /** Worker threads (default: see parallel.workerCount). */
  parallel?: ParallelOptions;
}

export interface CrossFitFold extends ContrastiveResult {
  fold: number;
  steps: number;
  tuneQuestions: number;
  /** Candidate pairs dropped for sharing a text with the fold's evaluation set. */
  dropped: number;
  /** Pairs that still share a text with the evaluation set (0 by construction; reported as a check). */
  leaked: number;
  before: QaEmbeddingReport;
  after: QaEmbeddingReport;
}

/** One fold's work after its pairs are built: what a worker thread receives. */
export interface FinetuneFoldArgs {
  gpt?: GptSpec;
  fold: number;
  folds: number;
  pairs: TextPair[];
  steps: number;
  finetune: Omit<ContrastiveOptions, "steps" | "label">;
  set: QaEvalSet;
  unrelated: readonly string[];
  extraTexts: readonly string[];
  /** Measure the fresh copy before fine-tuning (false when the caller measures "before" itself). */
  measureBefore: boolean;
}

export interface FinetuneFoldResult {
  ft: ContrastiveResult;
  before?: QaEmbeddingReport;
  after: QaEmbeddingReport;
}

async function runFold(model: GPT, tokenizer: GptTokenizer, a: FinetuneFoldArgs): Promise<FinetuneFoldResult> {
  const fn = (texts: string[]) =>
    embed(model, tokenizer, texts, { pooling: a.finetune.pooling ?? "mean-hidden", batchSize: 32, warn: () => {} });
  const before = a.measureBefore ? await evaluateOnQa(`fold ${a.fold}, before`, fn, a.set, a.unrelated) : undefined;
  const ft = await contrastiveFinetune(model, tokenizer, a.pairs, {
    ...a.finetune,
    steps: a.steps,
    label: `fine-tune fold ${a.fold}/${a.folds}`,
  });
  const after = await evaluateOnQa(`fold ${a.fold}, after`, fn, a.set, a.unrelated, a.extraTexts);
  return { ft, before, after };
}

/** Fine-tune and measure one fold on a fresh copy from `load`, disposed afterwards. */
async function runFoldOnCopy(
  load: () => Promise<{ model: GPT; tokenizer: GptTokenizer }>,
  a: FinetuneFoldArgs,
): Promise<FinetuneFoldResult> {
  const { model, tokenizer } = await load();
  try {
    return await runFold(model, tokenizer, a);
  } finally {
    model.dispose();
  }
}

/** Load a fresh copy of `a.gpt`, fine-tune and measure it on one fold (runs in a worker thread). */
export async function finetuneFold(a: FinetuneFoldArgs): Promise<FinetuneFoldResult> {
  const gpt = a.gpt;
  if (!gpt) throw new EmbedlabError("finetuneFold needs the GPT as a GptSpec", 'pass gpt: { id: "tinygpt-brown" }');
  return runFoldOnCopy(() => loadGptSpec(gpt), a);
}

export async function crossFitFinetune(o: CrossFitOptions): Promise<CrossFitFold[]> {
  if (!o.gpt === !o.load)
    throw new EmbedlabError(
      "crossFitFinetune needs exactly one of gpt (a GptSpec) and load",
      'pass gpt: { id: "tinygpt-brown" }',
    );
  const prepared = o.folds.map((fold) => {
    const set = qaEvalSet(fold.evaluate);
    const evalTexts = new Set([...set.questions, ...set.pairs.map((p) => p.sentence)]);
    const candidates = o.buildPairs(fold.tune);
    const pairs = candidates.filter((p) => !evalTexts.has(p.a) && !evalTexts.has(p.b));
    const args: FinetuneFoldArgs = {
      gpt: o.gpt,
      fold: fold.fold,
      folds: o.folds.length,
      pairs,
      steps: o.stepsFor(fold.fold),
      finetune: o.finetune,
      set,
      unrelated: o.unrelated,
      extraTexts: o.extraTexts ?? [],
      measureBefore: !o.embedBefore,
    };
    return { fold, set, evalTexts, candidates, pairs, args };
  });
  const load = o.load;
  const jobs: Job<FinetuneFoldArgs, FinetuneFoldResult>[] = prepared.map((p) => {
    const j = job(__filename, "finetuneFold", finetuneFold, p.args);
    // With a `load` function the folds run in this process (a function cannot go to a worker).
    return load ? { ...j, local: (a: FinetuneFoldArgs) => runFoldOnCopy(load, a) } : j;
  });
  const results = await runParallel(jobs, load ? { workers: 1 } : o.parallel);
  const out: CrossFitFold[] = [];
  for (const [i, p] of prepared.entries()) {
    const r = results[i];
    const before =
      r.before ?? (await evaluateOnQa(`fold ${p.fold.fold}, before`, o.embedBefore as EmbedFn, p.set, o.unrelated));
    out.push({
      ...r.ft,
      fold: p.fold.fold,
      steps: p.args.steps,
      tuneQuestions: p.fold.tune.length,
      dropped: p.candidates.length - p.pairs.length,
      leaked: p.pairs.filter((q) => p.evalTexts.has(q.a) || p.evalTexts.has(q.b)).length,
      before,
      after: r.after,
    });
  }
  return out;
}
