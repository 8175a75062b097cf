#!/usr/bin/env node
// Regenerate the Aonomi instruction dataset from its grammar:
//   node lib/dist/data/aonomi/cli.js [--count 3428] [--seed 4] [--grammar data/aonomi/grammar.yaml] [--out data/aonomi/aonomi.jsonl]
import * as path from "node:path";
import { projectDataDir } from "../../core";
import { loadGrammar } from "./grammar";
import { generateInstructionPairs } from "./generate";
import { writeInstructionJsonl } from "./io";

export const AONOMI_DEFAULTS = { count: 3428, seed: 4 } as const;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

if (require.main === module) {
  const grammarFile = path.resolve(arg("grammar", projectDataDir("aonomi", "grammar.yaml")));
  const out = path.resolve(arg("out", projectDataDir("aonomi", "aonomi.jsonl")));
  const count = Number(arg("count", String(AONOMI_DEFAULTS.count)));
  const seed = Number(arg("seed", String(AONOMI_DEFAULTS.seed)));
  try {
    const pairs = generateInstructionPairs(loadGrammar(grammarFile), { count, seed });
    writeInstructionJsonl(out, pairs);
    const byTopic: Record<string, number> = {};
    for (const p of pairs) byTopic[p.topic ?? "?"] = (byTopic[p.topic ?? "?"] ?? 0) + 1;
    console.log(`wrote ${pairs.length} pairs to ${out} (seed ${seed}); by topic: ${JSON.stringify(byTopic)}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
