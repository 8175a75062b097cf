import { aonomi } from "../../data";
import { AONOMI_DEFAULTS } from "../../data/aonomi/cli";

export interface AonomiData {
  pairs: aonomi.InstructionPair[];
  /** The committed JSONL equals what the grammar generates (seed 4). */
  sameAsGrammar: boolean;
  /** Pairs per grammar topic. */
  topicRows: { topic: string; pairs: number }[];
  split: { train: aonomi.InstructionPair[]; heldout: aonomi.InstructionPair[] };
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
  const split = aonomi.splitTrainHeldout(pairs, o.heldoutFraction, o.seed);
  return {
    pairs,
    sameAsGrammar,
    topicRows: Object.entries(byTopic).map(([topic, n]) => ({ topic, pairs: n })),
    split,
    exampleRows: split.train.slice(0, 6).map((p) => ({ text: aonomi.formatInstructionText(p) })),
  };
}
