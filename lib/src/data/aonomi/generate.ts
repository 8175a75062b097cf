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
    const qTemplate = fact.q[rng.int(fact.q.length)];
    const instruction = expandTemplate(qTemplate, grammar.slots, rng);
    let response = expandTemplate(fact.a[rng.int(fact.a.length)], grammar.slots, rng);
    const siblings = grammar.topics[topic];
    if (fact.extra && siblings.length > 1 && rng.next() < pExtra) {
      let j = rng.int(siblings.length - 1);
      if (j >= i) j++;
      const other = siblings[j];
      response += " " + expandTemplate(other.a[rng.int(other.a.length)], grammar.slots, rng);
    }
    const question = questionTemplateCore(qTemplate);
    const pair: InstructionPair = { instruction, response, topic, fact: `${topic}/${i}`, question };
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

/** A question template without its leading slot reference (`{ask}What is {an}?` → `What is {an}?`). */
export function questionTemplateCore(template: string): string {
  return template.replace(/^\{\w+\}\s*/, "").trim();
}

/**
 * Seeded split by group: whole groups (e.g. every wording of one question template) go to the held-out
 * side until it holds at least `heldoutFraction` of the items, so no group is on both sides. With
 * `familyOf` (e.g. the fact a question asks about), a group is held out only while its family keeps at
 * least one group on the train side.
 */
export function splitByGroup<T>(
  items: readonly T[],
  groupOf: (item: T) => string,
  heldoutFraction: number,
  seed: number,
  familyOf?: (item: T) => string,
): { train: T[]; heldout: T[] } {
  if (!(heldoutFraction > 0 && heldoutFraction < 1)) throw new EmbedlabError(`heldoutFraction must be in (0, 1), got ${heldoutFraction}`);
  const size = new Map<string, number>();
  const family = new Map<string, string>();
  for (const it of items) {
    const g = groupOf(it);
    size.set(g, (size.get(g) ?? 0) + 1);
    family.set(g, familyOf ? familyOf(it) : "");
  }
  const groups = [...size.keys()].sort();
  if (groups.length < 2) throw new EmbedlabError(`need at least 2 groups to split, got ${groups.length}`, "pass items from several groups");
  const trainGroupsLeft = new Map<string, number>();
  for (const g of groups) trainGroupsLeft.set(family.get(g) as string, (trainGroupsLeft.get(family.get(g) as string) ?? 0) + 1);
  const target = Math.max(1, Math.round(items.length * heldoutFraction));
  const held = new Set<string>();
  let n = 0;
  for (const gi of new Rng(seed).permutation(groups.length)) {
    if (n >= target) break;
    const g = groups[gi];
    const f = family.get(g) as string;
    if ((trainGroupsLeft.get(f) as number) < 2) continue;
    trainGroupsLeft.set(f, (trainGroupsLeft.get(f) as number) - 1);
    held.add(g);
    n += size.get(g) as number;
  }
  const train: T[] = [];
  const heldout: T[] = [];
  for (const it of items) (held.has(groupOf(it)) ? heldout : train).push(it);
  return { train, heldout };
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
