import type * as tf from "@tensorflow/tfjs";
import { aonomi } from "../../data";
import { gpt } from "../../models";
import { finetuneWithCheckpoints, type CheckpointedFinetuneResult } from "./finetune-checkpoints";
import { responseLoss } from "./response-loss";
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

/** The language model of the profile: the tiny Brown-corpus GPT or GPT-2 weights. */
export async function loadLanguageModel(o: {
  lmModel: string;
  profile: Profile;
}): Promise<{ model: gpt.GPT; tokenizer: gpt.GptTokenizer }> {
  return o.lmModel === "tinygpt-brown" ? await gpt.loadTinyGpt() : await gpt.loadGpt2({ profile: o.profile });
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
  >,
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
    lossAt.push({
      step,
      train: responseLoss(model, tokenizer, evalTrainTexts).loss,
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
