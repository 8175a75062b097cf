/**
 * What a notebook shows and records about the pretrained GPT it uses: the held-out bits per byte per source
 * read from the checkpoint's `bits-per-byte.json` (never re-measured or hard-coded), and a sample table of
 * greedy / penalised / sampled continuations of the standard prompts, generated live so a reader sees its text.
 */
import { EmbedlabError } from "../core";
import { checkpointDir, isTinyGptId, readBitsPerByte, type GPT, type GptTokenizer } from "../models/gpt";
import { SAMPLE_PROMPTS, SAMPLE_SETTINGS, sampleRows } from "./lm-pretrain";

export interface LmCheckpointCard {
  /** The checkpoint id (e.g. "tinygpt-mix") and its folder. */
  id: string;
  dir: string;
  numParams: number;
  /** The step `bits-per-byte.json` evaluated; null when the folder has none. */
  step: number | null;
  /** `gpt_bits_per_byte_<source>` as recorded beside the checkpoint ({} when it has no record). */
  metrics: Record<string, number>;
  /** One row per source: held-out bits per byte. */
  bitsRows: { source: string; bitsPerByte: number }[];
  /** One row per prompt, a column per decoding setting. */
  sampleRows: Record<string, string>[];
  /** Per decoding setting: continuations that loop (some word 3-gram occurs at least 3 times). */
  looping: { setting: string; loops: number }[];
  prompts: number;
}

/** Does `text` repeat one word 3-gram at least 3 times (a decoding loop)? */
export function repeatsPhrase(text: string): boolean {
  const w = text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  const counts = new Map<string, number>();
  for (let i = 0; i + 3 <= w.length; i++) {
    const k = w.slice(i, i + 3).join(" ");
    const n = (counts.get(k) ?? 0) + 1;
    if (n >= 3) return true;
    counts.set(k, n);
  }
  return false;
}

/**
 * The card of a committed checkpoint (`spec` a tinygpt id; `dir` overrides its folder); null for hub GPT-2,
 * which has no pretraining record of ours.
 */
export function lmCheckpointCard(
  model: GPT,
  tokenizer: GptTokenizer,
  spec: { id: string; dir?: string },
  o: { prompts?: readonly string[]; seed?: number } = {},
): LmCheckpointCard | null {
  if (!isTinyGptId(spec.id)) return null;
  const dir = spec.dir || checkpointDir(spec.id);
  const bpb = readBitsPerByte(dir);
  const metrics = bpb?.metrics ?? {};
  const prompts = o.prompts ?? SAMPLE_PROMPTS;
  if (prompts.length === 0) throw new EmbedlabError("lmCheckpointCard needs at least one prompt", "pass prompts");
  const samples = sampleRows(model, tokenizer, prompts, o.seed ?? 1);
  return {
    id: spec.id,
    dir,
    numParams: model.numParams,
    step: bpb?.step ?? null,
    metrics,
    bitsRows: Object.entries(metrics).map(([k, v]) => ({
      source: k.replace(/^gpt_bits_per_byte_/, ""),
      bitsPerByte: v,
    })),
    sampleRows: samples.map((r) => ({
      prompt: r.prompt,
      ...Object.fromEntries(SAMPLE_SETTINGS.map(([name], i) => [name, r.continuations[i].replace(/\n/g, " ⏎ ")])),
    })),
    looping: SAMPLE_SETTINGS.map(([name], i) => ({
      setting: name,
      loops: samples.filter((r) => repeatsPhrase(r.continuations[i])).length,
    })),
    prompts: prompts.length,
  };
}

/** The card's sentence: what the checkpoint is, its held-out bits per byte, how its greedy decoding behaves. */
export function lmCheckpointSummary(card: LmCheckpointCard | null): string {
  if (!card) return "**Base LM.** A hub GPT-2: no pretraining record of ours (bits per byte are not measured here).";
  const params = `${(card.numParams / 1e6).toFixed(2)}M parameters`;
  const bits =
    card.bitsRows.length > 0
      ? `held-out bits per byte (step ${card.step}; documents never trained on, lower is better, raw bytes = 8): ` +
        card.bitsRows.map((r) => `${r.source} ${r.bitsPerByte.toFixed(3)}`).join(" · ")
      : `no bits-per-byte.json in ${card.dir} (write it with \`npm run pretrain:eval -- ${card.dir} --write\`)`;
  const loops = card.looping.map((l) => `${l.setting} ${l.loops}/${card.prompts}`).join(", ");
  return `**Base LM.** ${card.id} (${params}): ${bits}. Continuations that loop (a 3-word phrase 3+ times): ${loops}.`;
}
