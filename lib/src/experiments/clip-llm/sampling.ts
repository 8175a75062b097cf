import { EmbedlabError, progress, yieldToEventLoop } from "../../core";
import { generate, type GPT, type GptTokenizer } from "../../models/gpt";
import { instructionPrompt } from "../../data/aonomi";

/** One decoding setting of the sample tables. */
export interface SamplingSetting {
  temperature: number;
  topP: number;
  /** 1 = off. */
  repetitionPenalty: number;
}

/** "T 0.9 · top-p 0.7 · rep 1.3" */
export function settingLabel(s: SamplingSetting): string {
  return `T ${s.temperature} · top-p ${s.topP}${s.repetitionPenalty !== 1 ? ` · rep ${s.repetitionPenalty}` : ""}`;
}

/** Every (temperature, top-p) pair with every repetition penalty. */
export function samplingGrid(
  pairs: ReadonlyArray<readonly [number, number]>,
  penalties: readonly number[],
): SamplingSetting[] {
  for (const [t, p] of pairs) {
    if (!(t > 0) || !(p > 0 && p <= 1))
      throw new EmbedlabError(`bad sampling pair temperature ${t} / top-p ${p}`, "temperature > 0 and 0 < top-p ≤ 1");
  }
  for (const r of penalties) if (!(r >= 1)) throw new EmbedlabError(`repetition penalty ${r} must be ≥ 1 (1 = off)`);
  return pairs.flatMap(([temperature, topP]) =>
    penalties.map((repetitionPenalty) => ({ temperature, topP, repetitionPenalty })),
  );
}

export interface SampledAnswer {
  instruction: string;
  setting: string;
  answer: string;
  stoppedBy: string;
}

/**
 * Answer each instruction under each setting: the prompt is `### Instruction: … ### Output:`, generation
 * stops at <|endoftext|> or at the next "###". Seeded: the same model, seed and inputs give the same table.
 */
export async function sampleAnswers(
  model: GPT,
  tok: GptTokenizer,
  instructions: readonly string[],
  settings: readonly SamplingSetting[],
  opts: { maxNewTokens?: number; seed?: number; label?: string } = {},
): Promise<SampledAnswer[]> {
  const rows: SampledAnswer[] = [];
  const bar = progress(instructions.length * settings.length, opts.label ?? "sample answers");
  for (const [i, instruction] of instructions.entries()) {
    for (const [j, s] of settings.entries()) {
      const r = generate(model, tok, instructionPrompt(instruction), {
        maxNewTokens: opts.maxNewTokens ?? 40,
        temperature: s.temperature,
        topP: s.topP,
        repetitionPenalty: s.repetitionPenalty,
        stop: ["###"],
        seed: (opts.seed ?? 0) * 1000 + i * 31 + j,
        warn: () => undefined,
      });
      rows.push({ instruction, setting: settingLabel(s), answer: r.text.trim(), stoppedBy: r.stoppedBy });
      bar.tick(1);
      await yieldToEventLoop(); // a notebook kernel must get a turn between generations (see core/event-loop.ts)
    }
  }
  bar.done(`${rows.length} answers`);
  return rows;
}
