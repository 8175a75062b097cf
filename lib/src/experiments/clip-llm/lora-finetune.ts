import type * as tf from "@tensorflow/tfjs";
import { aonomi } from "../../data";
import { gpt } from "../../models";
import { finetuneWithCheckpoints, type CheckpointedFinetuneResult } from "./finetune-checkpoints";
import { responseLoss } from "./response-loss";
import { factAccuracy, factAccuracyChance, factQuestions, spreadQuestions, type FactAccuracy } from "./fact-accuracy";
import { restoreValues } from "../../train";
import type { VegaLiteSpec } from "../../viz";
import type { Config, Profile } from "./config";

/** Train and held-out response-token loss at one evaluation step. */
export interface LossPoint {
  step: number;
  train: number;
  heldout: number;
}

export interface LoraFinetune {
  model: gpt.GPT;
  tokenizer: gpt.GptTokenizer;
  /** Adapters plus (with loraTrainEmbeddings) token/position embeddings and LayerNorms. */
  trainedVars: tf.Variable[];
  loraParams: number;
  extraParams: number;
  history: CheckpointedFinetuneResult["history"];
  checkpoints: CheckpointedFinetuneResult["checkpoints"];
  lossAt: LossPoint[];
  evalTrainPairs: number;
  evalHeldoutPairs: number;
  /** With a 4-bit base (QLoRA): its weight memory; null with the fp32 base. */
  quantized: gpt.WeightMemory | null;
  /** With a 4-bit base: the NF4 base (its `mergeForInference` folds base and adapters into fp32 weights). */
  base4bit: gpt.QuantizedBase | null;
  /** The held-out texts the losses are measured on. */
  evalHeldoutTexts: string[];
  /** The loss at the start, at checkpoint 1 and at checkpoint 2. */
  start: LossPoint;
  ckpt1: LossPoint;
  ckpt2: LossPoint;
}

/** Evaluation steps: `evalPoints` evenly spaced, plus both checkpoints, sorted, within 1..steps. */
export function evaluationSteps(steps: number, evalPoints: number, ckpt1: number): number[] {
  const even = Array.from({ length: evalPoints }, (_, i) => Math.round(((i + 1) * steps) / evalPoints));
  return [...new Set([...even, ckpt1, steps])].filter((s) => s > 0 && s <= steps).sort((a, b) => a - b);
}

/** The language model of the profile: a committed tiny GPT (`tinygpt-mix`, `tinygpt-brown`) or GPT-2 weights. */
export async function loadLanguageModel(o: {
  lmModel: string;
  profile: Profile;
}): Promise<{ model: gpt.GPT; tokenizer: gpt.GptTokenizer }> {
  return gpt.loadGptSpec(gpt.isTinyGptId(o.lmModel) ? { id: o.lmModel } : { id: "gpt2", profile: o.profile });
}

/**
 * LoRA fine-tuning on the train pairs with a linearly decaying learning rate, the loss on response tokens
 * only, train/held-out loss measured on fixed subsets at step 0, `evalPoints` steps and both checkpoints.
 */
export async function loraFinetune(
  split: { train: aonomi.InstructionPair[]; heldout: aonomi.InstructionPair[] },
  o: Pick<
    Config,
    | "lmModel"
    | "profile"
    | "loraRank"
    | "loraAlpha"
    | "loraTargets"
    | "loraTrainEmbeddings"
    | "loraLr"
    | "loraBatch"
    | "loraSteps"
    | "ckpt1"
    | "evalPoints"
    | "evalPairs"
    | "seed"
  > & {
    /** Store the frozen base's linear weights in NF4 (QLoRA), dequantized on the fly (default false). */
    base4bit?: boolean;
    /** Measure only the held-out loss, only at the last step (a comparison run; default false). */
    heldoutAtEndOnly?: boolean;
  },
): Promise<LoraFinetune> {
  const lm = await loadLanguageModel(o);
  const model = lm.model;
  const tokenizer = lm.tokenizer;
  const fmt = (p: aonomi.InstructionPair) => aonomi.formatInstructionText(p);
  const evalTrainTexts = split.train.slice(0, o.evalPairs).map(fmt);
  const evalHeldTexts = split.heldout.slice(0, o.evalPairs).map(fmt);
  const evalSteps = evaluationSteps(o.loraSteps, o.evalPoints, o.ckpt1);
  const lossAt: LossPoint[] = [];
  const adapters = new gpt.LoraAdapters(
    model,
    { rank: o.loraRank, alpha: o.loraAlpha, dropout: 0.05, targets: o.loraTargets as gpt.LoraTarget[] },
    o.seed,
  );
  const quantized = o.base4bit ? new gpt.QuantizedBase(model, adapters) : null;
  const extraVars = o.loraTrainEmbeddings ? model.variables((n) => /^(wte|wpe)\.|\.ln_|^ln_f\./.test(n)) : [];
  const trainedVars = [...adapters.variables(), ...extraVars];
  const records = split.train.map((p) => ({ text: fmt(p) }));
  const opts = {
    steps: o.loraSteps,
    evalSteps,
    checkpointSteps: [o.ckpt1, o.loraSteps],
    variables: trainedVars,
    batchSize: o.loraBatch,
    lr: o.loraLr,
    maskPrompt: true,
    seed: o.seed,
  };
  const ft = await finetuneWithCheckpoints(model, tokenizer, records, opts, (step) => {
    const skip = o.heldoutAtEndOnly === true;
    if (skip && step !== o.loraSteps) return lossAt.push({ step, train: NaN, heldout: NaN });
    lossAt.push({
      step,
      train: skip ? NaN : responseLoss(model, tokenizer, evalTrainTexts).loss,
      heldout: responseLoss(model, tokenizer, evalHeldTexts).loss,
    });
  });
  const at = (s: number) => lossAt.find((r) => r.step === s) as LossPoint;
  return {
    model,
    tokenizer,
    trainedVars,
    loraParams: adapters.numParams,
    extraParams: extraVars.reduce((s, v) => s + v.size, 0),
    history: ft.history,
    checkpoints: ft.checkpoints,
    lossAt,
    evalTrainPairs: evalTrainTexts.length,
    evalHeldoutPairs: evalHeldTexts.length,
    quantized: quantized ? quantized.memory() : null,
    base4bit: quantized,
    evalHeldoutTexts: evalHeldTexts,
    start: at(0),
    ckpt1: at(o.ckpt1),
    ckpt2: at(o.loraSteps),
  };
}

/** Train-batch loss (moving average of 20 steps), the evaluated train/held-out losses and both checkpoints. */
export function lossChart(ft: LoraFinetune, o: { ckpt1: number; loraSteps: number }): VegaLiteSpec {
  const smooth = ft.history.map((h, i) => {
    const w = ft.history.slice(Math.max(0, i - 19), i + 1);
    return { step: h.step, "train batch (moving avg 20)": w.reduce((s, x) => s + x.loss, 0) / w.length };
  });
  const evaluated = ft.lossAt.flatMap((r) => [
    { step: r.step, loss: r.train, set: "train pairs (eval)" },
    { step: r.step, loss: r.heldout, set: "held-out pairs (eval)" },
  ]);
  const x = { field: "step", type: "quantitative" };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "LoRA fine-tuning: response-token loss (nats/token)",
    width: 480,
    height: 280,
    layer: [
      {
        data: { values: smooth },
        mark: { type: "line", opacity: 0.5 },
        encoding: {
          x,
          y: { field: "train batch (moving avg 20)", type: "quantitative", title: "loss" },
          color: { datum: "train batches (moving avg)", legend: { labelLimit: 300 } },
        },
      },
      {
        data: { values: evaluated },
        mark: { type: "line", point: true },
        encoding: {
          x,
          y: { field: "loss", type: "quantitative" },
          color: { field: "set", type: "nominal", legend: { labelLimit: 300 } },
        },
      },
      {
        data: {
          values: [
            { step: o.ckpt1, label: "checkpoint 1" },
            { step: o.loraSteps, label: "checkpoint 2" },
          ],
        },
        mark: { type: "rule", strokeDash: [4, 4] },
        encoding: { x },
      },
    ],
  };
}

/** The loss table: start, checkpoint 1, checkpoint 2 (3 decimals). */
export function lossTable(
  ft: LoraFinetune,
  o: { ckpt1: number; loraSteps: number },
): { point: string; step: number; train: number; "held-out": number }[] {
  return [
    { point: "start", step: 0, l: ft.start },
    { point: "checkpoint 1", step: o.ckpt1, l: ft.ckpt1 },
    { point: "checkpoint 2", step: o.loraSteps, l: ft.ckpt2 },
  ].map((r) => ({
    point: r.point,
    step: r.step,
    train: Number(r.l.train.toFixed(3)),
    "held-out": Number(r.l.heldout.toFixed(3)),
  }));
}

/** Fact accuracy on held-out question paraphrases at both checkpoints, and its chance level. */
export interface CheckpointFactAccuracy {
  ckpt1: FactAccuracy;
  ckpt2: FactAccuracy;
  /**
   * Checkpoint 2 on as many *trained* questions (one wording per train template, spread evenly): tells
   * "did not learn the facts" from "learned them but not for new wordings".
   */
  trainedCkpt2: FactAccuracy;
  /** Accuracy of answering with a random train answer (see factAccuracyChance). */
  chance: number;
  questions: number;
  templates: number;
}

/**
 * Restore each checkpoint's trained values and answer up to `factPerTemplate` distinct questions of every
 * held-out question template greedily; judge each answer against its fact (the grammar's distinctive
 * words). Leaves the model at checkpoint 2.
 */
export async function checkpointFactAccuracy(
  ft: Pick<LoraFinetune, "model" | "tokenizer" | "trainedVars" | "checkpoints">,
  split: { train: aonomi.InstructionPair[]; heldout: aonomi.InstructionPair[] },
  signatures: readonly aonomi.FactSignature[],
  o: { ckpt1: number; loraSteps: number; factPerTemplate: number; maxNewTokens: number; seed: number },
): Promise<CheckpointFactAccuracy> {
  const questions = factQuestions(split.heldout, o.factPerTemplate);
  const at = async (step: number, name: string) => {
    restoreValues(ft.trainedVars, ft.checkpoints.get(step) as Float32Array[], name);
    return factAccuracy(ft.model, ft.tokenizer, questions, signatures, { maxNewTokens: o.maxNewTokens, seed: o.seed });
  };
  const ckpt1 = await at(o.ckpt1, "checkpoint 1");
  const ckpt2 = await at(o.loraSteps, "checkpoint 2");
  const trainedQuestions = spreadQuestions(factQuestions(split.train, 1), questions.length);
  const trainedCkpt2 = await factAccuracy(ft.model, ft.tokenizer, trainedQuestions, signatures, {
    maxNewTokens: o.maxNewTokens,
    seed: o.seed,
  });
  return {
    ckpt1,
    ckpt2,
    trainedCkpt2,
    chance: factAccuracyChance(questions, split.train, signatures),
    questions: questions.length,
    templates: ckpt2.templates,
  };
}

/** fp32-base LoRA against 4-bit-base LoRA (QLoRA): same pairs, settings and seed, `steps` steps each. */
export interface QloraComparison {
  steps: number;
  rows: { base: string; "weight memory (KB)": number; "linear weights (KB)": number; "held-out loss": number }[];
  fp32: { heldout: number; bytes: number; linearBytes: number };
  nf4: { heldout: number; bytes: number; linearBytes: number };
  /** The 4-bit run's held-out loss after merging base and adapters into fp32 weights for inference. */
  mergedHeldout: number;
}

/**
 * Fine-tune twice for `steps` steps with the notebook's LoRA settings, once on the fp32 base and once on the
 * base stored in NF4 (block 64, dequantized on the fly), and compare weight memory and held-out loss.
 * `fp32` may pass an existing run with the same steps (the main run when steps equal its steps).
 */
export async function qloraComparison(
  split: { train: aonomi.InstructionPair[]; heldout: aonomi.InstructionPair[] },
  o: Parameters<typeof loraFinetune>[1],
  steps: number,
  fp32?: LoraFinetune,
): Promise<QloraComparison> {
  const short = {
    ...o,
    loraSteps: steps,
    ckpt1: Math.max(1, Math.round(steps / 2)),
    evalPoints: 1,
    heldoutAtEndOnly: true,
  };
  const a = fp32 ?? (await loraFinetune(split, short));
  const b = await loraFinetune(split, { ...short, base4bit: true });
  const mem = b.quantized as gpt.WeightMemory;
  (b.base4bit as gpt.QuantizedBase).mergeForInference();
  const mergedHeldout = responseLoss(b.model, b.tokenizer, b.evalHeldoutTexts).loss;
  const kb = (x: number) => Math.round(x / 1024);
  const fp = { heldout: a.ckpt2.heldout, bytes: mem.fp32Bytes, linearBytes: mem.linearFp32Bytes };
  const nf = { heldout: b.ckpt2.heldout, bytes: mem.quantizedBytes, linearBytes: mem.linearNf4Bytes };
  if (!fp32) a.model.dispose();
  b.model.dispose();
  return {
    steps,
    fp32: fp,
    nf4: nf,
    mergedHeldout,
    rows: [
      { base: "fp32 base + fp32 adapters (LoRA)", r: fp },
      { base: "NF4 base (block 64) + fp32 adapters (QLoRA)", r: nf },
    ].map(({ base, r }) => ({
      base,
      "weight memory (KB)": kb(r.bytes),
      "linear weights (KB)": kb(r.linearBytes),
      "held-out loss": Number(r.heldout.toFixed(3)),
    })),
  };
}
