/** Notebook 04's fine-tuning report: fact accuracy, QLoRA against LoRA, the settings' validation record. */
import type { CheckpointFactAccuracy, QloraComparison } from "./lora-finetune";
import { otherFactShare, type FactAnswer } from "./fact-accuracy";
import type { LoraSelectionRow } from "./config";

/** The target for fact accuracy at checkpoint 2. */
export const FACT_ACCURACY_TARGET = 0.5;
/** Trained-minus-held-out fact accuracy from which the conclusion calls it a paraphrase-generalisation gap. */
export const GENERALISATION_GAP = 0.2;
/** Answers quoted per kind (right / wrong) in the conclusion, and characters of each. */
export const FACT_QUOTES = 2;
const QUOTE = 90;

const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
const quote = (a: FactAnswer) => `"${a.instruction}" → "${a.answer.slice(0, QUOTE) || "(empty)"}"`;

/** The fact-accuracy table: chance, checkpoint 1 and checkpoint 2 with their CIs. */
export function factAccuracyTable(
  fa: CheckpointFactAccuracy,
  o: { ckpt1: number; loraSteps: number },
): { point: string; step: number | string; "fact accuracy": number; "95 % CI": string }[] {
  const ci = (x: { lo: number; hi: number }) => `${x.lo.toFixed(2)}–${x.hi.toFixed(2)}`;
  return [
    {
      point: "chance (a random train answer)",
      step: "–",
      "fact accuracy": Number(fa.chance.toFixed(3)),
      "95 % CI": "–",
    },
    {
      point: "checkpoint 1",
      step: o.ckpt1,
      "fact accuracy": Number(fa.ckpt1.estimate.toFixed(3)),
      "95 % CI": ci(fa.ckpt1),
    },
    {
      point: "checkpoint 2",
      step: o.loraSteps,
      "fact accuracy": Number(fa.ckpt2.estimate.toFixed(3)),
      "95 % CI": ci(fa.ckpt2),
    },
    {
      point: "checkpoint 2, trained wordings (not held out)",
      step: o.loraSteps,
      "fact accuracy": Number(fa.trainedCkpt2.estimate.toFixed(3)),
      "95 % CI": ci(fa.trainedCkpt2),
    },
  ];
}

/** Greedy answers per checkpoint, judged: what the fact accuracy counted. */
export function factAnswerRows(
  fa: CheckpointFactAccuracy,
): { question: string; fact: string; "checkpoint 1": string; "checkpoint 2": string }[] {
  const mark = (a: FactAnswer) => `${a.correct ? "✓" : "✗"} ${a.answer || "(empty)"}`;
  return fa.ckpt2.answers.map((a, i) => ({
    question: a.instruction,
    fact: a.fact,
    "checkpoint 1": mark(fa.ckpt1.answers[i]),
    "checkpoint 2": mark(a),
  }));
}

/** Fact accuracy at both checkpoints against chance and the target, with quoted right and wrong answers. */
export function factAccuracyConclusion(fa: CheckpointFactAccuracy, o: { ckpt1: number; loraSteps: number }): string {
  const [a1, a2] = [fa.ckpt1, fa.ckpt2];
  const above = a2.lo > fa.chance;
  const rising = a2.estimate > a1.estimate;
  const right = a2.answers.filter((a) => a.correct).slice(0, FACT_QUOTES);
  const wrong = a2.answers.filter((a) => !a.correct).slice(0, FACT_QUOTES);
  return [
    `**Fact accuracy.** Greedy answers to ${fa.questions} held-out questions (${fa.templates} question templates no wording of which was trained on) state the asked fact ${pct(a1.estimate)} of the time at checkpoint 1 (step ${o.ckpt1}; 95 % CI ${pct(a1.lo)}–${pct(a1.hi)}, bootstrap over templates) and ${pct(a2.estimate)} at checkpoint 2 (step ${o.loraSteps}; ${pct(a2.lo)}–${pct(a2.hi)}); answering with a random training answer would score ${pct(fa.chance)}.`,
    above
      ? `Checkpoint 2 is above chance (its CI's lower end exceeds it): the model answers new wordings of trained questions with the right facts, not only in the training data's style.`
      : `Checkpoint 2 is not distinguishable from chance: the loss falls, but the answers do not yet state the facts asked about.`,
    rising
      ? `Accuracy rises from checkpoint 1 to checkpoint 2.`
      : `Accuracy does not rise from checkpoint 1 to checkpoint 2.`,
    a2.estimate >= FACT_ACCURACY_TARGET
      ? `It reaches the target of ${pct(FACT_ACCURACY_TARGET)} at checkpoint 2.`
      : `It stays below the target of ${pct(FACT_ACCURACY_TARGET)} at checkpoint 2 with this base model.`,
    `On ${fa.trainedCkpt2.n} trained wordings checkpoint 2 scores ${pct(fa.trainedCkpt2.estimate)}` +
      (fa.trainedCkpt2.estimate - a2.estimate >= GENERALISATION_GAP
        ? ` — it has learned the facts for the wordings it saw, much less for new ones (a paraphrase-generalisation gap).`
        : fa.trainedCkpt2.estimate < FACT_ACCURACY_TARGET
          ? ` — it has not learned the facts even for the wordings it saw.`
          : `, close to the held-out figure.`),
    `${pct(otherFactShare(a2.answers))} of the held-out answers at checkpoint 2 state a different fact than the one asked (a trained answer to another question).`,
    right.length ? `Right, at checkpoint 2: ${right.map(quote).join("; ")}.` : "",
    wrong.length ? `Wrong, at checkpoint 2: ${wrong.map(quote).join("; ")}.` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

/** Weight memory and held-out loss of the 4-bit base against the fp32 base. */
export function qloraConclusion(q: QloraComparison, o: { loraSteps: number }): string {
  const ratio = q.fp32.linearBytes / q.nf4.linearBytes;
  const whole = q.fp32.bytes / q.nf4.bytes;
  const d = q.nf4.heldout - q.fp32.heldout;
  const steps =
    q.steps === o.loraSteps
      ? `the main run's ${q.steps} steps`
      : `${q.steps} steps (a shorter run than the main run's ${o.loraSteps}, to keep the profile's time budget; its schedule decays over the ${q.steps} steps)`;
  return `**QLoRA.** Stored in NF4 with one fp32 scale per 64 weights, the frozen linear weights take ${(q.nf4.linearBytes / 1024).toFixed(0)} KB instead of ${(q.fp32.linearBytes / 1024).toFixed(0)} KB (${ratio.toFixed(1)}× smaller); the whole model ${(q.nf4.bytes / 1024).toFixed(0)} KB instead of ${(q.fp32.bytes / 1024).toFixed(0)} KB (${whole.toFixed(2)}×), since embeddings, biases and LayerNorms stay fp32 (and here are trained). After ${steps}, the held-out loss is ${q.fp32.heldout.toFixed(3)} with the fp32 base and ${q.nf4.heldout.toFixed(3)} with the 4-bit base (${d >= 0 ? "+" : ""}${d.toFixed(3)} nats/token); merged into fp32 weights for inference, the 4-bit run gives ${q.mergedHeldout.toFixed(3)}.`;
}

/** The validation record as a table, the row matching the settings in use marked. */
export function loraSelectionTable(
  rows: readonly LoraSelectionRow[],
  used: { loraRank: number; loraTargets: readonly string[]; loraLr: number; loraSteps: number; loraBatch: number },
): {
  rank: number;
  targets: string;
  "peak lr": number;
  steps: number;
  batch: number;
  "val fact accuracy": number;
  "val loss": number;
  selected: string;
}[] {
  return rows.map((r) => ({
    rank: r.loraRank,
    targets: r.loraTargets.join(","),
    "peak lr": r.loraLr,
    steps: r.loraSteps,
    batch: r.loraBatch,
    "val fact accuracy": Number(r.valFactAccCkpt2.toFixed(3)),
    "val loss": Number(r.valLossCkpt2.toFixed(3)),
    selected:
      r.loraLr === used.loraLr &&
      r.loraRank === used.loraRank &&
      r.loraSteps === used.loraSteps &&
      r.loraBatch === used.loraBatch &&
      r.loraTargets.join() === used.loraTargets.join()
        ? "✓"
        : "",
  }));
}

/** The fine-tuning's flat metrics beyond the losses (`ci/expectations.json` checks them); gains are differences. */
export type LoraMetrics = {
  fact_accuracy_ckpt1: number;
  fact_accuracy_ckpt1_lo: number;
  fact_accuracy_ckpt1_hi: number;
  fact_accuracy_ckpt2: number;
  fact_accuracy_ckpt2_lo: number;
  fact_accuracy_ckpt2_hi: number;
  fact_accuracy_chance: number;
  fact_accuracy_ckpt2_lo_minus_chance: number;
  /** Checkpoint 2 on trained wordings (the held-out figure's upper reference). */
  fact_accuracy_trained_ckpt2: number;
  /** Held-out answers at checkpoint 2 that state a different fact than asked. */
  fact_other_fact_ckpt2: number;
  fact_questions: number;
  qlora_heldout_loss_fp32: number;
  qlora_heldout_loss_nf4: number;
  qlora_heldout_loss_nf4_minus_fp32: number;
  qlora_weight_kb_fp32: number;
  qlora_weight_kb_nf4: number;
  qlora_linear_compression: number;
};

export function loraMetrics(
  fa: CheckpointFactAccuracy,
  q: QloraComparison,
  baseLm?: { metrics: Record<string, number> } | null,
): LoraMetrics & Record<string, number> {
  return {
    ...(baseLm?.metrics ?? {}),
    fact_accuracy_ckpt1: fa.ckpt1.estimate,
    fact_accuracy_ckpt1_lo: fa.ckpt1.lo,
    fact_accuracy_ckpt1_hi: fa.ckpt1.hi,
    fact_accuracy_ckpt2: fa.ckpt2.estimate,
    fact_accuracy_ckpt2_lo: fa.ckpt2.lo,
    fact_accuracy_ckpt2_hi: fa.ckpt2.hi,
    fact_accuracy_chance: fa.chance,
    fact_accuracy_ckpt2_lo_minus_chance: fa.ckpt2.lo - fa.chance,
    fact_accuracy_trained_ckpt2: fa.trainedCkpt2.estimate,
    fact_other_fact_ckpt2: otherFactShare(fa.ckpt2.answers),
    fact_questions: fa.questions,
    qlora_heldout_loss_fp32: q.fp32.heldout,
    qlora_heldout_loss_nf4: q.nf4.heldout,
    qlora_heldout_loss_nf4_minus_fp32: q.nf4.heldout - q.fp32.heldout,
    qlora_weight_kb_fp32: q.fp32.bytes / 1024,
    qlora_weight_kb_nf4: q.nf4.bytes / 1024,
    qlora_linear_compression: q.fp32.linearBytes / q.nf4.linearBytes,
  };
}
