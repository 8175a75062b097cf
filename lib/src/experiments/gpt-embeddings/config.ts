/**
 * Notebook 03's parameters (the `parameters` cell, same names and defaults) and every profile default,
 * resolved in one place by `resolveConfig`.
 */
import * as path from "node:path";
import { dataDir, EmbedlabError } from "../../core";
import { HUB_IDS } from "../../models/hub-models";
import { isTinyGptId, TINY_GPT_IDS, type GptPooling, type GptSpec, type TinyGptId } from "../../models/gpt";
import type { ContrastiveOptions } from "./finetune";

export type Profile = "quick" | "full";
export type FinetunePooling = Extract<GptPooling, "mean-hidden" | "last-token-hidden">;

/** The notebook's `parameters` cell. */
export interface Params {
  profile: Profile;
  /** Data root holding WikiQA/ ("" = the library default, `dataDir()`). */
  dataRoot: string;
  /** WikiQA-format TSV to evaluate on ("" = <dataRoot>/WikiQA/WikiQA-dev.tsv). */
  evalFile: string;
  /** WikiQA-format TSV to fine-tune on ("" = <dataRoot>/WikiQA/WikiQA-train.tsv if present, else cross-fitting). */
  trainFile: string;
  /** "" = profile default; "tinygpt-mix", "tinygpt-brown" or "gpt2". */
  gptId: string;
  /** Checkpoint folder for a tinygpt ("" = data/models/<gptId>). */
  gptDir: string;
  /** Full profile only: chat LM for the four-pair demo and §2 on WikiQA ("" = profile default). */
  chatLmId: string;
  /** Trained sentence encoder ("" = profile default). */
  encoderId: string;
  baselineId: string;
  ftPooling: FinetunePooling;
  /** Fine-tuning steps for every fold (0 = profile default). */
  ftSteps: number;
  ftBatch: number;
  temperature: number;
  lr: number;
  /** Comma-separated pair sources (see `PAIR_SOURCES`). */
  pairSources: string;
  brownPairs: number;
  nFolds: number;
  nUnrelated: number;
  bootstrap: number;
  seed: number;
}

/** The GPT measured and fine-tuned, per profile. */
export const DEFAULT_GPT: Record<Profile, TinyGptId | "gpt2"> = { quick: "tinygpt-mix", full: "gpt2" };
/** The trained sentence encoder, per profile. */
export const DEFAULT_ENCODER: Record<Profile, string> = { quick: "use-lite", full: `hf:${HUB_IDS.bgeSmallEn}` };
/** Full profile: the chat-tuned hub LM whose last-token logits stand in for the post's Mistral-7B-Instruct. */
export const DEFAULT_CHAT_LM: string = HUB_IDS.qwenChat;
/**
 * Quick profile: the fine-tuning steps of fold 1, 2, ... (cycled), each selected on an inner 50/50 split
 * (seed 1) of that fold's fine-tune questions, never on evaluated ones: grid {100, 200, 300} steps, recipe
 * qa,title,crop / batch 24 / τ 0.1 / lr 3e-3 / mean-hidden, highest inner same-article AUC wins
 * (`bench/selection/03_finetune_steps.mjs` → `outputs/selection/03_finetune_steps.json`), with the quick
 * profile's GPT (tinygpt-mix, the 32M-token checkpoint): fold 1 → 200 steps (inner AUC 0.680), fold 2 → 100
 * steps (0.517). (The 3.4M-token tinygpt-mix had chosen 100 and 100; tinygpt-brown 200 and 100.)
 */
export const SELECTED_STEPS: readonly number[] = [200, 100];
/** Full profile: fine-tuning steps (a train file gives one fold). */
export const FULL_STEPS = 1000;
/** Batch size of every GPT embedding pass (measurement, not training). */
export const EMBED_BATCH = 32;

export interface Config {
  profile: Profile;
  full: boolean;
  /** The data root in use (`dataRoot`, else `dataDir()`). */
  root: string;
  evalFile: string;
  /** The train file looked for (`trainFile`, else <root>/WikiQA/WikiQA-train.tsv). */
  trainPath: string;
  gptName: TinyGptId | "gpt2";
  gpt: GptSpec;
  chatLmId: string;
  encoderId: string;
  baselineId: string;
  ftPooling: FinetunePooling;
  pairSources: string[];
  brownPairs: number;
  nFolds: number;
  nUnrelated: number;
  bootstrap: number;
  seed: number;
  /** Fine-tuning steps of fold `fold` (1-based). */
  stepsFor: (fold: number) => number;
  /** Everything else of the fine-tuning recipe. */
  finetune: Omit<ContrastiveOptions, "steps" | "label">;
}

/** Fine-tuning steps of fold `fold`: `ftSteps` when set, else the profile default. */
export function stepsForFold(fold: number, ftSteps: number, profile: Profile): number {
  return ftSteps > 0 ? ftSteps : profile === "full" ? FULL_STEPS : SELECTED_STEPS[(fold - 1) % SELECTED_STEPS.length];
}

export function resolveConfig(p: Params): Config {
  const full = p.profile === "full";
  const gptName = (p.gptId || DEFAULT_GPT[p.profile]) as string;
  let gpt: GptSpec;
  if (gptName === "gpt2") gpt = { id: "gpt2", profile: p.profile };
  else if (isTinyGptId(gptName)) gpt = { id: gptName, dir: p.gptDir };
  else
    throw new EmbedlabError(
      `unknown gptId "${gptName}"`,
      `use ${TINY_GPT_IDS.map((i) => `"${i}"`).join(", ")} or "gpt2"`,
    );
  const root = p.dataRoot || dataDir();
  return {
    profile: p.profile,
    full,
    root,
    evalFile: p.evalFile,
    trainPath: p.trainFile || path.join(root, "WikiQA", "WikiQA-train.tsv"),
    gptName: gpt.id,
    gpt,
    chatLmId: p.chatLmId || DEFAULT_CHAT_LM,
    encoderId: p.encoderId || DEFAULT_ENCODER[p.profile],
    baselineId: p.baselineId,
    ftPooling: p.ftPooling,
    pairSources: p.pairSources
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
    brownPairs: p.brownPairs,
    nFolds: p.nFolds,
    nUnrelated: p.nUnrelated,
    bootstrap: p.bootstrap,
    seed: p.seed,
    stepsFor: (fold) => stepsForFold(fold, p.ftSteps, p.profile),
    finetune: { batch: p.ftBatch, temperature: p.temperature, lr: p.lr, pooling: p.ftPooling, seed: p.seed },
  };
}

/** The parameters the results file records: the resolved ones, the train file used ("" = none), each fold's steps. */
export function paramsRecord(
  c: Config,
  o: { haveTrain: boolean; steps: readonly number[]; folds: number },
): Record<string, unknown> {
  return {
    profile: c.profile,
    pairSources: c.pairSources.join(","),
    dataRoot: c.root,
    evalFile: c.evalFile,
    trainFile: o.haveTrain ? c.trainPath : "",
    gpt: c.gptName,
    encoder: c.encoderId,
    baseline: c.baselineId,
    ftPooling: c.ftPooling,
    ftSteps: o.steps,
    ftBatch: c.finetune.batch,
    temperature: c.finetune.temperature,
    lr: c.finetune.lr,
    brownPairs: c.brownPairs,
    nFolds: o.folds,
    nUnrelated: c.nUnrelated,
    bootstrap: c.bootstrap,
    seed: c.seed,
  };
}
