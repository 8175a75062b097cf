import { EmbedlabError } from "../../core";
import { aonomi } from "../../data";
import { AONOMI_DEFAULTS } from "../../data/aonomi/cli";

export interface AonomiData {
  pairs: aonomi.InstructionPair[];
  /** The committed JSONL equals what the grammar generates (seed 4). */
  sameAsGrammar: boolean;
  /** Pairs per grammar topic. */
  topicRows: { topic: string; pairs: number }[];
  /** Split by question template: no wording of a held-out question is among the train pairs. */
  split: { train: aonomi.InstructionPair[]; heldout: aonomi.InstructionPair[] };
  /** Question templates on each side (every fact keeps at least one of its templates in train). */
  splitTemplates: { train: number; heldout: number };
  /** Each fact's distinctive words, from the grammar's answer templates (the fact-accuracy judge). */
  signatures: aonomi.FactSignature[];
  /** The first train pairs in the `### Instruction: … ### Output: …` format. */
  exampleRows: { text: string }[];
}

/** The grammar's seed for the committed `aonomi.jsonl` (the CLI's default). */
export const AONOMI_GRAMMAR_SEED = AONOMI_DEFAULTS.seed;

/** Load the instruction pairs, check them against the grammar that generated them, split train / held-out. */
export function loadAonomi(o: {
  aonomiFile: string;
  grammarFile: string;
  heldoutFraction: number;
  seed: number;
}): AonomiData {
  const pairs = aonomi.loadInstructionJsonl(o.aonomiFile);
  const grammar = aonomi.loadGrammar(o.grammarFile);
  const regenerated = aonomi.generateInstructionPairs(grammar, { count: pairs.length, seed: AONOMI_GRAMMAR_SEED });
  const sameAsGrammar = regenerated.every(
    (p, i) => p.instruction === pairs[i].instruction && p.response === pairs[i].response,
  );
  const byTopic: Record<string, number> = {};
  for (const p of regenerated) byTopic[p.topic ?? "?"] = (byTopic[p.topic ?? "?"] ?? 0) + 1;
  if (!sameAsGrammar)
    throw new EmbedlabError(
      `${o.aonomiFile} is not what ${o.grammarFile} generates (seed ${AONOMI_GRAMMAR_SEED})`,
      "regenerate it with node lib/dist/data/aonomi/cli.js (the split by question and the fact judge need the grammar's facts)",
    );
  const withFacts = regenerated;
  const split = splitByQuestion(withFacts, o.heldoutFraction, o.seed);
  const templates = (ps: aonomi.InstructionPair[]) => new Set(ps.map(questionKey)).size;
  return {
    pairs: withFacts,
    sameAsGrammar,
    splitTemplates: { train: templates(split.train), heldout: templates(split.heldout) },
    signatures: aonomi.factSignatures(grammar),
    topicRows: Object.entries(byTopic).map(([topic, n]) => ({ topic, pairs: n })),
    split,
    exampleRows: split.train.slice(0, 6).map((p) => ({ text: aonomi.formatInstructionText(p) })),
  };
}

/** A pair's question template key: `fact|template` (every wording of one question shares it). */
export function questionKey(p: aonomi.InstructionPair): string {
  if (!p.fact || p.question === undefined)
    throw new EmbedlabError(
      "an instruction pair has no fact/question",
      "use pairs from aonomi.generateInstructionPairs",
    );
  return `${p.fact}|${p.question}`;
}

/**
 * Split pairs by question template (seeded): a held-out template's wordings are all held out, and each fact
 * keeps at least one template on the train side. Used for train/held-out and, inside train, train/validation.
 */
export function splitByQuestion(
  pairs: readonly aonomi.InstructionPair[],
  fraction: number,
  seed: number,
): { train: aonomi.InstructionPair[]; heldout: aonomi.InstructionPair[] } {
  return aonomi.splitByGroup(pairs, questionKey, fraction, seed, (p) => p.fact as string);
}
