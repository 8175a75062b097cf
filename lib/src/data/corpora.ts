/**
 * Plain-text corpora of the mirror for language-model pretraining: Project Gutenberg books
 * (`corpora/gutenberg/pg<n>_<title>.txt`, hard-wrapped lines, unwrapped here into paragraphs) and CIA
 * World Factbook profiles (`corpora/world_factbook/<region>_<code>.txt`). One document per file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DataNotFoundError } from "../core";
import { fetchCommand, locateDataset } from "./locate";

/** One document of a text corpus. */
export interface TextDoc {
  /** File name without `.txt` (stable, used for the train/validation split). */
  id: string;
  text: string;
}

export interface CorpusOptions {
  /** Data root holding `corpora/<name>/` (default `dataDir()`). */
  root?: string;
}

/**
 * Undo hard wrapping: lines of a paragraph are joined with one space, a blank line (or several) ends a
 * paragraph, and paragraphs are joined with "\n". Each line is trimmed, so headings
 * ("CHAPTER I. Down the Rabbit-Hole") stay paragraphs of their own. `\r` is dropped.
 */
export function unwrapParagraphs(text: string): string {
  const paras: string[] = [];
  let cur: string[] = [];
  for (const raw of text.replace(/\r/g, "").split("\n")) {
    const line = raw.trim().replace(/\s+/g, " ");
    if (line === "") {
      if (cur.length) paras.push(cur.join(" "));
      cur = [];
    } else cur.push(line);
  }
  if (cur.length) paras.push(cur.join(" "));
  return paras.join("\n");
}

function readTxtDir(name: string, dirs: string[], opts: CorpusOptions): { file: string; id: string }[] {
  const { dir } = locateDataset(name, dirs, [], opts.root);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".txt"))
    .sort();
  if (files.length === 0) throw new DataNotFoundError(`${name} (*.txt)`, [path.join(dir, "*.txt")], fetchCommand(name));
  return files.map((f) => ({ file: path.join(dir, f), id: f.slice(0, -4) }));
}

/** The Gutenberg books (file-name order), each unwrapped into paragraphs. */
export function loadGutenbergDocs(opts: CorpusOptions = {}): TextDoc[] {
  return readTxtDir("gutenberg", ["corpora/gutenberg"], opts).map(({ file, id }) => ({
    id,
    text: unwrapParagraphs(fs.readFileSync(file, "utf8")),
  }));
}

/**
 * The World Factbook profiles (file-name order). Their lines are already paragraphs (`Field: value`),
 * so only blank-line runs are collapsed and lines trimmed.
 */
export function loadFactbookDocs(opts: CorpusOptions = {}): TextDoc[] {
  return readTxtDir("world_factbook", ["corpora/world_factbook"], opts).map(({ file, id }) => ({
    id,
    text: fs
      .readFileSync(file, "utf8")
      .replace(/\r/g, "")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.length > 0)
      .join("\n"),
  }));
}
