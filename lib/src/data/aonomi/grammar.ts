import * as fs from "node:fs";
import { parse as parseYaml } from "yaml";
import { CorruptDataError, DataNotFoundError, EmbedlabError, Rng } from "../../core";

/** One fact: question templates and answer templates that say the same thing in different words. */
export interface GrammarFact {
  q: string[];
  a: string[];
  /** May the generator append another fact's answer from the same topic? */
  extra?: boolean;
}

/** A template grammar for an instruction dataset (see data/aonomi/grammar.yaml for the syntax). */
export interface InstructionGrammar {
  name: string;
  /** Words that must never appear in a generated pair (what the hallucination probes ask about). */
  forbidden: string[];
  slots: Record<string, string[]>;
  topics: Record<string, GrammarFact[]>;
}

function fail(file: string, detail: string): never {
  throw new CorruptDataError(file, detail);
}

/** Check the shape of a parsed grammar; `file` is only used in error messages. */
export function validateGrammar(raw: unknown, file = "<grammar>"): InstructionGrammar {
  if (!raw || typeof raw !== "object") fail(file, "expected a mapping with name, slots, topics");
  const g = raw as Record<string, unknown>;
  const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");
  if (typeof g.name !== "string") fail(file, "`name` must be a string");
  const forbidden = g.forbidden ?? [];
  if (!isStrList(forbidden)) fail(file, "`forbidden` must be a list of words");
  const slots = (g.slots ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(slots)) if (!isStrList(v) || v.length === 0) fail(file, `slot "${k}" must be a non-empty list of strings`);
  if (!g.topics || typeof g.topics !== "object") fail(file, "`topics` must map topic names to lists of facts");
  const topics = g.topics as Record<string, unknown>;
  for (const [t, facts] of Object.entries(topics)) {
    if (!Array.isArray(facts) || facts.length === 0) fail(file, `topic "${t}" must be a non-empty list of facts`);
    facts.forEach((f, i) => {
      const fact = f as Record<string, unknown>;
      if (!isStrList(fact?.q) || fact.q.length === 0 || !isStrList(fact?.a) || fact.a.length === 0) {
        fail(file, `topic "${t}" fact ${i}: needs non-empty lists q (questions) and a (answers)`);
      }
    });
  }
  return { name: g.name, forbidden, slots: slots as Record<string, string[]>, topics: topics as Record<string, GrammarFact[]> };
}

/** Read and validate a YAML grammar file. */
export function loadGrammar(file: string): InstructionGrammar {
  if (!fs.existsSync(file)) throw new DataNotFoundError("instruction grammar", [file]);
  let raw: unknown;
  try {
    raw = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (err) {
    fail(file, `not valid YAML: ${(err as Error).message}`);
  }
  return validateGrammar(raw, file);
}

/** Split `a|b|(c|d)` on top-level bars. */
function splitAlternatives(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of body) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "|" && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Expand one template: `{slot}` picks a slot alternative, `(a|b)` an inline one, recursively.
 * Parentheses without a bar are kept as literal text.
 */
export function expandTemplate(template: string, slots: Record<string, string[]>, rng: Rng, depth = 0): string {
  if (depth > 20) throw new EmbedlabError(`template nests too deeply: "${template}"`, "check the grammar for a slot that refers to itself");
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === "{") {
      const end = template.indexOf("}", i);
      if (end < 0) throw new EmbedlabError(`unclosed "{" in template "${template}"`, "close every {slot} reference");
      const name = template.slice(i + 1, end);
      const alts = slots[name];
      if (!alts) throw new EmbedlabError(`unknown slot {${name}} in template "${template}"`, `add "${name}" under slots: in the grammar`);
      out += expandTemplate(alts[rng.int(alts.length)], slots, rng, depth + 1);
      i = end;
    } else if (ch === "(") {
      let d = 0;
      let end = -1;
      for (let j = i; j < template.length; j++) {
        if (template[j] === "(") d++;
        if (template[j] === ")" && --d === 0) {
          end = j;
          break;
        }
      }
      if (end < 0) throw new EmbedlabError(`unclosed "(" in template "${template}"`, "close every (a|b) choice");
      const body = template.slice(i + 1, end);
      const alts = splitAlternatives(body);
      out += alts.length === 1 ? `(${expandTemplate(body, slots, rng, depth + 1)})` : expandTemplate(alts[rng.int(alts.length)], slots, rng, depth + 1);
      i = end;
    } else out += ch;
  }
  return depth === 0 ? out.replace(/\s+/g, " ").trim() : out;
}
