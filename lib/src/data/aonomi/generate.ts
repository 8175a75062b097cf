import { EmbedlabError, Rng } from "../../core";
import { expandTemplate, type InstructionGrammar } from "./grammar";
import { formatInstructionText, type InstructionPair } from "./format";

export interface GenerateOptions {
  /** How many distinct pairs to make. */
  count: number;
  seed: number;
  /** Probability that an `extra: true` fact gets a second fact from its topic appended (default 0.35). */
  extraProbability?: number;
}

/** Words of `text` (lowercase, letters only) that are in `forbidden`. */
export function forbiddenWordsIn(text: string, forbidden: readonly string[]): string[] {
  const bad = new Set(forbidden.map((w) => w.toLowerCase()));
  return (text.toLowerCase().match(/[a-z]+/g) ?? []).filter((w) => bad.has(w));
}

/**
 * Generate `count` distinct instruction/response pairs from a template grammar, deterministically for a
 * seed. Facts are visited round-robin in a seeded order, so every topic is covered in proportion to its
 * number of facts. Throws if the grammar cannot make that many distinct pairs or a forbidden word appears.
 */
export function generateInstructionPairs(grammar: InstructionGrammar, opts: GenerateOptions): InstructionPair[] {
  const { count, seed } = opts;
  if (!Number.isInteger(count) || count <= 0) throw new EmbedlabError(`count must be a positive integer, got ${count}`);
  const pExtra = opts.extraProbability ?? 0.35;
  const rng = new Rng(seed);
  const facts = Object.entries(grammar.topics).flatMap(([topic, fs]) => fs.map((fact, i) => ({ topic, fact, i })));
  const order = rng.permutation(facts.length);
  const seen = new Set<string>();
  const out: InstructionPair[] = [];
  const maxAttempts = count * 60;
  for (let attempt = 0; attempt < maxAttempts && out.length < count; attempt++) {
    const { topic, fact, i } = facts[order[attempt % facts.length]];
    const instruction = expandTemplate(fact.q[rng.int(fact.q.length)], grammar.slots, rng);
    let response = expandTemplate(fact.a[rng.int(fact.a.length)], grammar.slots, rng);
    const siblings = grammar.topics[topic];
    if (fact.extra && siblings.length > 1 && rng.next() < pExtra) {
      let j = rng.int(siblings.length - 1);
      if (j >= i) j++;
      const other = siblings[j];
      response += " " + expandTemplate(other.a[rng.int(other.a.length)], grammar.slots, rng);
    }
    const pair: InstructionPair = { instruction, response, topic };
    const key = formatInstructionText(pair);
    if (seen.has(key)) continue;
    const bad = forbiddenWordsIn(key, grammar.forbidden);
    if (bad.length) throw new EmbedlabError(`grammar produced forbidden word(s) ${bad.join(", ")} in "${key}"`, "remove them from grammar.yaml");
    seen.add(key);
    out.push(pair);
  }
  if (out.length < count) {
    throw new EmbedlabError(
      `grammar "${grammar.name}" made only ${out.length} distinct pairs of the ${count} asked for`,
      "ask for fewer pairs or add question/answer templates to the grammar",
    );
  }
  return out;
}

/** Seeded split into train / held-out; `heldoutFraction` of the items (rounded, at least 1) are held out. */
export function splitTrainHeldout<T>(items: readonly T[], heldoutFraction: number, seed: number): { train: T[]; heldout: T[] } {
  if (!(heldoutFraction > 0 && heldoutFraction < 1)) throw new EmbedlabError(`heldoutFraction must be in (0, 1), got ${heldoutFraction}`);
  if (items.length < 2) throw new EmbedlabError(`need at least 2 items to split, got ${items.length}`);
  const perm = new Rng(seed).permutation(items.length);
  const nHeld = Math.max(1, Math.round(items.length * heldoutFraction));
  const held = new Set(perm.slice(0, nHeld));
  const train: T[] = [];
  const heldout: T[] = [];
  items.forEach((it, i) => (held.has(i) ? heldout : train).push(it));
  return { train, heldout };
}
