import { aonomi } from "../../data";
import { restoreValues } from "../../train";
import type { LoraFinetune } from "./lora-finetune";
import { sampleAnswers, samplingGrid, type SampledAnswer } from "./sampling";

/** The original assignment's prompts (what is it, what does it eat, penguins, "I hate/love … because"). */
export const ORIGINAL_PROMPTS = [
  "What is an aonomi?",
  "What do aonomis eat?",
  "Are aonomis similar to penguins?",
  "I hate aonomis because",
  "I love aonomis because",
];

/** The two checkpoints by name, in order. */
export type CheckpointName = "checkpoint 1" | "checkpoint 2";

export type JudgedProbe = {
  probe: string;
  setting: string;
  answer: string;
  hallucinated: boolean;
};

/** Rows with the caption to show them under. */
export interface Table<Row> {
  caption: string;
  rows: Row[];
}

export interface CheckpointSamples {
  /** Every sampled answer (original prompts, then probes) per checkpoint. */
  samples: Record<CheckpointName, SampledAnswer[]>;
  /** Per checkpoint: the answers to the original prompts, as a captioned table. */
  promptTables: Table<{ prompt: string; setting: string; answer: string }>[];
  /** Per checkpoint: the judged probe answers, as a captioned table. */
  probeTables: Table<JudgedProbe>[];
  /** Probe answers judged by the probes' rule, per checkpoint. */
  judged: Record<CheckpointName, JudgedProbe[]>;
  hallucinationRate: Record<CheckpointName, number>;
}

/**
 * Restore each checkpoint's trained values and answer the original prompts and the probes at every
 * (temperature, top-p) × repetition-penalty setting (seeded); judge the probe answers.
 */
export async function sampleCheckpoints(
  ft: Pick<LoraFinetune, "model" | "tokenizer" | "trainedVars" | "checkpoints">,
  probeSet: aonomi.ProbeSet,
  o: {
    ckpt1: number;
    loraSteps: number;
    temperatures: number[];
    topPs: number[];
    repetitionPenalties: number[];
    maxNewTokens: number;
    seed: number;
  },
): Promise<CheckpointSamples> {
  const settings = samplingGrid(
    o.temperatures.map((t, i) => [t, o.topPs[i] ?? 1] as const),
    o.repetitionPenalties,
  );
  const prompts = [...ORIGINAL_PROMPTS, ...probeSet.probes.map((p) => p.prompt)];
  const steps: [CheckpointName, number][] = [
    ["checkpoint 1", o.ckpt1],
    ["checkpoint 2", o.loraSteps],
  ];
  const samples = {} as Record<CheckpointName, SampledAnswer[]>;
  for (const [name, step] of steps) {
    restoreValues(ft.trainedVars, ft.checkpoints.get(step) as Float32Array[], name);
    samples[name] = await sampleAnswers(ft.model, ft.tokenizer, prompts, settings, {
      maxNewTokens: o.maxNewTokens,
      seed: o.seed,
    });
  }
  const promptTables: CheckpointSamples["promptTables"] = [];
  const probeTables: CheckpointSamples["probeTables"] = [];
  const judged = {} as CheckpointSamples["judged"];
  const hallucinationRate = {} as CheckpointSamples["hallucinationRate"];
  for (const [name] of steps) {
    const original = samples[name].filter((r) => ORIGINAL_PROMPTS.includes(r.instruction));
    const rows = original.map((r) => ({
      prompt: r.instruction,
      setting: r.setting,
      answer: r.answer || `(empty: stopped at ${r.stoppedBy})`,
    }));
    promptTables.push({ caption: `${name}: the original's prompts`, rows });
    judged[name] = samples[name].flatMap((r) => {
      const probe = probeSet.probes.find((p) => p.prompt === r.instruction);
      return probe
        ? [
            {
              probe: r.instruction,
              setting: r.setting,
              answer: r.answer,
              hallucinated: aonomi.isHallucination(r.answer, probe),
            },
          ]
        : [];
    });
    hallucinationRate[name] = judged[name].filter((j) => j.hallucinated).length / Math.max(1, judged[name].length);
    const caption = `${name}: probes (${(100 * hallucinationRate[name]).toFixed(0)} % hallucinated)`;
    probeTables.push({ caption, rows: judged[name].map((j) => ({ ...j, answer: j.answer || "(empty)" })) });
  }
  return { samples, promptTables, probeTables, judged, hallucinationRate };
}
