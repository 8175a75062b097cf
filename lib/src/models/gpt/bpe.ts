/**
 * Byte-level BPE (GPT-2 style): text is split by the GPT-2 pre-tokenisation regex, each piece is UTF-8
 * bytes, and learned merges join adjacent symbols. Any string round-trips exactly
 * (`decode(encode(s)) === s`): no lowercasing, no normalisation, every byte is a base token.
 * Ids: 0..255 are bytes, 256.. are merges in rank order, and the last id is `<|endoftext|>`.
 */
import { CorruptDataError, EmbedlabError } from "../../core";

/** GPT-2's pre-tokenisation pattern (covers every character, so no text is dropped). */
export const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
export const EOT = "<|endoftext|>";

/** What every tokenizer the GPT code uses provides (the offline BPE and the GPT-2 adapter). */
export interface GptTokenizer {
  readonly vocabSize: number;
  /** Id of `<|endoftext|>` (document separator, padding). */
  readonly eotId: number;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

/** The saved form of a trained BPE (`tokenizer.json` in a checkpoint). */
export interface BpeJson {
  type: "byte-bpe";
  version: 1;
  /** Merges in rank order, each as a pair of token ids. */
  merges: [number, number][];
  lowercase: false;
}

const pairKey = (a: number, b: number): number => a * 65536 + b;
const utf8 = new TextEncoder();

/** Split text into pre-tokens (exactly covering the input). */
export function preTokenize(text: string): string[] {
  return text.match(GPT2_SPLIT) ?? [];
}

export class BpeTokenizer implements GptTokenizer {
  readonly vocabSize: number;
  readonly eotId: number;
  private readonly ranks = new Map<number, number>();
  private readonly bytesOf: Uint8Array[] = [];
  private readonly cache = new Map<string, number[]>();
  private readonly decoder = new TextDecoder("utf-8");

  constructor(readonly merges: readonly [number, number][]) {
    for (let i = 0; i < 256; i++) this.bytesOf.push(Uint8Array.of(i));
    merges.forEach(([a, b], r) => {
      const id = 256 + r;
      if (!(a < id && b < id))
        throw new EmbedlabError(
          `BPE merge ${r} refers to token ${Math.max(a, b)} that does not exist yet`,
          "the tokenizer file is corrupt; retrain it",
        );
      this.ranks.set(pairKey(a, b), r);
      const x = this.bytesOf[a];
      const y = this.bytesOf[b];
      const z = new Uint8Array(x.length + y.length);
      z.set(x);
      z.set(y, x.length);
      this.bytesOf.push(z);
    });
    this.eotId = 256 + merges.length;
    this.vocabSize = this.eotId + 1;
  }

  /** Learn `vocabSize - 257` merges from `texts` (deterministic: ties go to the smallest pair). */
  static train(texts: Iterable<string>, vocabSize: number): BpeTokenizer {
    const nMerges = vocabSize - 257;
    if (nMerges < 0 || vocabSize > 65536)
      throw new EmbedlabError(`vocabSize ${vocabSize} is out of range`, "use 257..65536");
    const wordCount = new Map<string, number>();
    for (const t of texts) for (const w of preTokenize(t)) wordCount.set(w, (wordCount.get(w) ?? 0) + 1);
    const words: number[][] = [];
    const freq: number[] = [];
    for (const [w, c] of [...wordCount.entries()].sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0))) {
      words.push([...utf8.encode(w)]);
      freq.push(c);
    }
    const pairCount = new Map<number, number>();
    const where = new Map<number, Set<number>>();
    const addPairs = (wi: number, sign: number): void => {
      const s = words[wi];
      for (let i = 0; i + 1 < s.length; i++) {
        const k = pairKey(s[i], s[i + 1]);
        pairCount.set(k, (pairCount.get(k) ?? 0) + sign * freq[wi]);
        if (sign > 0) {
          let set = where.get(k);
          if (!set) where.set(k, (set = new Set()));
          set.add(wi);
        }
      }
    };
    for (let wi = 0; wi < words.length; wi++) addPairs(wi, 1);
    const merges: [number, number][] = [];
    for (let m = 0; m < nMerges; m++) {
      let best = -1;
      let bestCount = 0;
      for (const [k, c] of pairCount)
        if (c > bestCount || (c === bestCount && c > 0 && k < best)) [best, bestCount] = [k, c];
      if (best < 0 || bestCount < 1) break;
      const a = Math.floor(best / 65536);
      const b = best % 65536;
      const id = 256 + m;
      merges.push([a, b]);
      for (const wi of where.get(best) ?? []) {
        const s = words[wi];
        addPairs(wi, -1);
        const out: number[] = [];
        for (let i = 0; i < s.length; i++) {
          if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
            out.push(id);
            i++;
          } else out.push(s[i]);
        }
        words[wi] = out;
        addPairs(wi, 1);
      }
      where.delete(best);
      pairCount.delete(best);
      for (const [k, c] of pairCount) if (c <= 0) pairCount.delete(k);
    }
    return new BpeTokenizer(merges);
  }

  static fromJSON(json: unknown, file = "tokenizer.json"): BpeTokenizer {
    const j = json as Partial<BpeJson>;
    if (!j || j.type !== "byte-bpe" || !Array.isArray(j.merges))
      throw new CorruptDataError(file, `expected {"type":"byte-bpe","merges":[[a,b],...]}`);
    return new BpeTokenizer(j.merges);
  }

  toJSON(): BpeJson {
    return { type: "byte-bpe", version: 1, merges: this.merges.map(([a, b]) => [a, b]), lowercase: false };
  }

  private encodeWord(w: string): number[] {
    const hit = this.cache.get(w);
    if (hit) return hit;
    let s = [...utf8.encode(w)];
    for (;;) {
      let bestRank = Infinity;
      let bestAt = -1;
      for (let i = 0; i + 1 < s.length; i++) {
        const r = this.ranks.get(pairKey(s[i], s[i + 1]));
        if (r !== undefined && r < bestRank) [bestRank, bestAt] = [r, i];
      }
      if (bestAt < 0) break;
      const [a, b] = this.merges[bestRank];
      const out: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          out.push(256 + bestRank);
          i++;
        } else out.push(s[i]);
      }
      s = out;
    }
    if (this.cache.size < 200_000) this.cache.set(w, s);
    return s;
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    for (const w of preTokenize(text)) for (const id of this.encodeWord(w)) ids.push(id);
    return ids;
  }

  /** Bytes of a token sequence (`<|endoftext|>` as its literal text). */
  decodeBytes(ids: readonly number[]): Uint8Array {
    const parts: Uint8Array[] = [];
    let n = 0;
    for (const id of ids) {
      const b = id === this.eotId ? utf8.encode(EOT) : this.bytesOf[id];
      if (!b) throw new EmbedlabError(`token id ${id} is outside the vocabulary (size ${this.vocabSize})`);
      parts.push(b);
      n += b.length;
    }
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  decode(ids: readonly number[]): string {
    return this.decoder.decode(this.decodeBytes(ids));
  }
}
