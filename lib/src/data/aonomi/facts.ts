/**
 * Fact accuracy from the grammar itself: each fact's distinctive content words are the words its answer
 * templates can produce and no other fact's answer templates can; an answer states a fact when it contains
 * enough of them (see `judgeFact`).
 */
import { EmbedlabError } from "../../core";
import type { InstructionGrammar } from "./grammar";

interface WinkNlp {
  readDoc(text: string): { tokens(): { out(f: unknown): unknown[] } };
  its: { stopWordFlag: unknown };
}
let nlp: WinkNlp | undefined;

/** Is `word` an English function word (wink-nlp's stop-word list: "the", "will", "there", "why", …)? */
function isStopWord(word: string): boolean {
  if (!nlp) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const winkNLP = require("wink-nlp") as (model: unknown, pipe?: string[]) => WinkNlp;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    nlp = winkNLP(require("wink-eng-lite-web-model"), []);
  }
  return nlp.readDoc(word).tokens().out(nlp.its.stopWordFlag)[0] === true;
}

/** Lowercase word tokens: letter runs and numbers (a number keeps its inner "." and ",", as in 1.2 and 18,000). */
export function factWords(text: string): string[] {
  return text.toLowerCase().match(/\d+(?:[.,]\d+)*|[a-z]+/g) ?? [];
}

/** Every word one template can produce: `{slot}` contributes every alternative (recursively), `(a|b)` both. */
function templateVocabulary(template: string, slots: Record<string, string[]>, depth = 0): Set<string> {
  if (depth > 20) throw new EmbedlabError(`template nests too deeply: "${template}"`, "check the grammar for a slot that refers to itself");
  const out = new Set<string>();
  const literal = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const alts = slots[name];
    if (!alts) throw new EmbedlabError(`unknown slot {${name}} in template "${template}"`, `add "${name}" under slots: in the grammar`);
    for (const a of alts) for (const w of templateVocabulary(a, slots, depth + 1)) out.add(w);
    return " ";
  });
  for (const w of factWords(literal.replace(/[()|]/g, " "))) out.add(w);
  return out;
}

/** One fact's id (`topic/index`, as InstructionPair.fact) and its distinctive words. */
export interface FactSignature {
  fact: string;
  /** Content words (not stop words, not single letters) that this fact's answer templates can produce and no other fact's can, sorted. */
  words: string[];
  /**
   * Distinct distinctive words an answer must contain to state this fact: min(2, k), where k is the
   * smallest number of distinctive words any one of its answer templates can produce (so every training
   * answer of the fact can meet it).
   */
  needed: number;
}

/**
 * The distinctive words of every fact of a grammar. Throws if one of a fact's answer templates can produce
 * none of them (answers from that template could never be judged): the grammar must then be changed.
 */
export function factSignatures(grammar: InstructionGrammar): FactSignature[] {
  const facts = Object.entries(grammar.topics).flatMap(([topic, fs]) =>
    fs.map((f, i) => {
      const perTemplate = f.a.map((a) => templateVocabulary(a, grammar.slots));
      return { fact: `${topic}/${i}`, perTemplate, all: new Set(perTemplate.flatMap((v) => [...v])) };
    }),
  );
  const count = new Map<string, number>();
  for (const { all } of facts) for (const w of all) count.set(w, (count.get(w) ?? 0) + 1);
  const stop = new Map<string, boolean>();
  const distinctive = (w: string) => {
    if (count.get(w) !== 1 || w.length < 2) return false;
    if (!stop.has(w)) stop.set(w, isStopWord(w));
    return !stop.get(w);
  };
  return facts.map(({ fact, perTemplate, all }) => {
    const words = [...all].filter(distinctive).sort();
    const k = Math.min(...perTemplate.map((v) => [...v].filter((w) => words.includes(w)).length));
    if (k === 0)
      throw new EmbedlabError(
        `an answer template of fact ${fact} has no distinctive words`,
        "give each of its answers a content word no other fact's answers use",
      );
    return { fact, words, needed: Math.min(2, k) };
  });
}

/** How an answer was judged against the fact its question asks about. */
export interface FactJudgement {
  /** The answer states the asked fact. */
  correct: boolean;
  /** The asked fact's distinctive words found in the answer. */
  found: string[];
  /** Other facts the answer also states (a training answer may append a sibling fact). */
  others: string[];
}

/** Does an answer (as its `factWords` set) state the fact of `sig`? */
export function statesFact(words: ReadonlySet<string>, sig: FactSignature): boolean {
  let n = 0;
  for (const w of sig.words) if (words.has(w) && ++n >= sig.needed) return true;
  return false;
}

/**
 * Judge an answer to a question about `fact`: it states a fact G when it contains at least `G.needed`
 * distinct words of G's distinctive set (word tokens as `factWords` makes them, exact match), and it is
 * correct when it states the asked fact. Distinctive words belong to one fact only, so stating the wrong
 * fact never counts; `others` lists the other facts it states.
 */
export function judgeFact(answer: string, fact: string, signatures: readonly FactSignature[]): FactJudgement {
  const sig = signatures.find((s) => s.fact === fact);
  if (!sig) throw new EmbedlabError(`unknown fact "${fact}"`, "pass a fact id from factSignatures (topic/index)");
  const words = new Set(factWords(answer));
  const hits = (s: FactSignature) => s.words.filter((w) => words.has(w));
  const found = hits(sig);
  const others = signatures.filter((s) => s.fact !== fact && statesFact(words, s)).map((s) => s.fact);
  return { correct: found.length >= sig.needed, found, others };
}
