/**
 * The pretraining corpora, split train/validation by document within every source (seeded, stable for a
 * given file list): `brown` is the Brown corpus alone; `mix` is Brown + Project Gutenberg (unwrapped into
 * paragraphs) + the World Factbook. The split of each source does not depend on which corpus is loaded,
 * so a Brown-only and a mix model are scored on the same held-out Brown documents.
 */
import { EmbedlabError } from "../core";
import { loadFactbookDocs, loadGutenbergDocs, TextDoc } from "../data/corpora";
import { bitsPerByte, BitsPerByteResult, GPT, GptTokenizer, loadBrownDocs, splitDocs } from "../models/gpt";

export type LmCorpusName = "brown" | "mix";
export type LmSourceName = "brown" | "gutenberg" | "factbook";
export const LM_SOURCES: readonly LmSourceName[] = ["brown", "gutenberg", "factbook"];

export interface LmSource {
  name: LmSourceName;
  train: TextDoc[];
  val: TextDoc[];
}

export interface LmCorpusOptions {
  /** Data root holding corpora/gutenberg and corpora/world_factbook (default dataDir()). */
  root?: string;
  /** Share of each source's documents held out (default 0.05, at least one document). */
  valFraction?: number;
  /** Seed of the document split (default 1234, the Brown split of the tinygpt-brown checkpoint). */
  splitSeed?: number;
  /** Use only the first n documents of each source (smoke tests). */
  maxDocs?: number;
}

export const LM_SPLIT_SEED = 1234;

function loadSource(name: LmSourceName, opts: LmCorpusOptions): TextDoc[] {
  if (name === "brown") return loadBrownDocs().map((d) => ({ id: d.id, text: d.text }));
  if (name === "gutenberg") return loadGutenbergDocs({ root: opts.root });
  return loadFactbookDocs({ root: opts.root });
}

/** One source, split by document. */
export function loadLmSource(name: LmSourceName, opts: LmCorpusOptions = {}): LmSource {
  if (!LM_SOURCES.includes(name))
    throw new EmbedlabError(`unknown LM source "${name}"`, `use one of ${LM_SOURCES.join(", ")}`);
  let docs = loadSource(name, opts);
  if (opts.maxDocs) docs = docs.slice(0, opts.maxDocs);
  const split = splitDocs(docs, opts.valFraction ?? 0.05, opts.splitSeed ?? LM_SPLIT_SEED);
  return { name, ...split };
}

/** The sources of a corpus, each split by document. */
export function loadLmCorpus(corpus: LmCorpusName, opts: LmCorpusOptions = {}): LmSource[] {
  if (corpus === "brown") return [loadLmSource("brown", opts)];
  if (corpus === "mix") return LM_SOURCES.map((s) => loadLmSource(s, opts));
  throw new EmbedlabError(`unknown corpus "${String(corpus)}"`, 'use "brown" or "mix"');
}

export interface SourceBitsOptions extends LmCorpusOptions {
  /** Characters evaluated per held-out document (default 60,000: every Brown document whole, a book's opening). */
  maxCharsPerDoc?: number;
  /** Sources to score (default all three). */
  sources?: readonly LmSourceName[];
  batch?: number;
}

/** Default evaluated prefix per held-out document. */
export const EVAL_CHARS_PER_DOC = 60_000;

/**
 * Held-out bits per byte of a GPT on each source's validation documents: `gpt_bits_per_byte_brown`,
 * `gpt_bits_per_byte_gutenberg`, `gpt_bits_per_byte_factbook`, with the underlying counts.
 */
export function gptBitsPerByteBySource(
  model: GPT,
  tokenizer: GptTokenizer,
  opts: SourceBitsOptions = {},
): { metrics: Record<string, number>; detail: Record<string, BitsPerByteResult & { docIds: string[] }> } {
  const metrics: Record<string, number> = {};
  const detail: Record<string, BitsPerByteResult & { docIds: string[] }> = {};
  for (const name of opts.sources ?? LM_SOURCES) {
    const src = loadLmSource(name, opts);
    const r = bitsPerByte(
      model,
      tokenizer,
      src.val.map((d) => d.text),
      { maxCharsPerDoc: opts.maxCharsPerDoc ?? EVAL_CHARS_PER_DOC, batch: opts.batch },
    );
    metrics[`gpt_bits_per_byte_${name}`] = +r.bitsPerByte.toFixed(4);
    detail[name] = { ...r, docIds: src.val.map((d) => d.id) };
  }
  return { metrics, detail };
}
