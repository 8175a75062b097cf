/**
 * The Universal Sentence Encoder lite SentencePiece tokenizer (unigram, Viterbi over a trie).
 * Ported from Google's tfjs-models `universal-sentence-encoder` tokenizer (Apache-2.0, © 2019 Google LLC),
 * as also shipped inside `@energetic-ai/embeddings`. We do not import that package at run time: it
 * loads a second bundled tfjs that re-registers every wasm kernel in the shared global registry.
 */
export type UseVocabulary = Array<[string, number]>;

const SEPARATOR = "\u2581";
const RESERVED_SYMBOLS = 6;

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Set on the last symbol of a vocabulary piece. */
  piece?: { length: number; score: number; index: number };
}

function newNode(): TrieNode {
  return { children: new Map() };
}

export class UseTokenizer {
  private readonly root = newNode();

  constructor(private readonly vocabulary: UseVocabulary) {
    for (let i = RESERVED_SYMBOLS; i < vocabulary.length; i++) {
      const symbols = [...vocabulary[i][0]];
      let node = this.root;
      for (const s of symbols) {
        let next = node.children.get(s);
        if (!next) node.children.set(s, (next = newNode()));
        node = next;
      }
      node.piece = { length: symbols.length, score: vocabulary[i][1], index: i };
    }
  }

  /** Pieces of the vocabulary that start `symbols[start]`; an unknown single symbol (id 0) if none. */
  private prefixes(symbols: string[], start: number): Array<{ length: number; score: number; index: number }> {
    const out: Array<{ length: number; score: number; index: number }> = [];
    let node = this.root.children.get(symbols[start]);
    for (let i = start; i < symbols.length && node; i++) {
      if (node.piece) out.push(node.piece);
      node = node.children.get(symbols[i + 1]);
    }
    if (out.length === 0) out.push({ length: 1, score: 0, index: 0 });
    return out;
  }

  /** Token ids for one string (NFKC-normalised, spaces → ▁, consecutive unknowns merged). */
  encode(input: string): number[] {
    const normalized = input.normalize("NFKC");
    const text = normalized.length > 0 ? SEPARATOR + normalized.replace(/ /g, SEPARATOR) : normalized;
    const symbols = [...text];
    const n = symbols.length;
    // ending[end] = pieces ending at `end`, grouped by start in ascending start order (as the original).
    const ending: Array<Map<number, Array<{ length: number; score: number; index: number }>>> = [];
    const best = new Array<number>(n + 1).fill(0);
    const words = new Array<number>(n + 1).fill(0);
    for (let i = 0; i <= n; i++) ending.push(new Map());
    for (let i = 0; i < n; i++) {
      for (const p of this.prefixes(symbols, i)) {
        const m = ending[i + p.length];
        const list = m.get(i);
        if (list) list.push(p);
        else m.set(i, [p]);
      }
    }
    for (let end = 0; end <= n; end++) {
      const starts = [...ending[end].keys()].sort((a, b) => a - b);
      for (const s of starts) {
        for (const p of ending[end].get(s)!) {
          const score = p.score + best[end - p.length];
          if (best[end] === 0 || score >= best[end]) {
            best[end] = score;
            words[end] = p.index;
          }
        }
      }
    }
    const ids: number[] = [];
    let it = n;
    while (it > 0) {
      ids.push(words[it]);
      // As the reference implementation: step back by the piece's string length (for id 0 too).
      it -= Math.max(1, this.vocabulary[words[it]][0].length);
    }
    const merged: number[] = [];
    let prevUnk = false;
    for (const id of ids) {
      if (!(prevUnk && id === 0)) merged.push(id);
      prevUnk = id === 0;
    }
    return merged.reverse();
  }
}
