/**
 * Export the offline byte-level BPE as a Hugging Face `tokenizer.json` (GPT-2 layout: ByteLevel
 * pre-tokenizer and decoder, bytes mapped to printable characters), so tools that read GPT-2
 * tokenizers — transformers.js included — can use it, and so the GPT-2 loading path can be tested offline.
 */
import { BpeTokenizer, EOT } from "./bpe";

/** GPT-2's reversible byte → printable character table. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const table: string[] = Array(256);
  bs.forEach((b, i) => (table[b] = String.fromCodePoint(cs[i])));
  return table;
}

export function bpeToHfTokenizerJson(tok: BpeTokenizer): Record<string, unknown> {
  const table = bytesToUnicode();
  const str = (id: number): string => Array.from(tok.decodeBytes([id]), (b) => table[b]).join("");
  const vocab: Record<string, number> = {};
  for (let id = 0; id < tok.eotId; id++) vocab[str(id)] = id;
  vocab[EOT] = tok.eotId;
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: tok.eotId,
        content: EOT,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: true,
        special: true,
      },
    ],
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: "ByteLevel", add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: hfBpeModel(
      vocab,
      tok.merges.map(([a, b]) => `${str(a)} ${str(b)}`),
    ),
  };
}

/** A `tokenizer.json` "model" entry of type BPE with the Hugging Face defaults; `extra` overrides any of them. */
export function hfBpeModel(
  vocab: Record<string, number>,
  merges: string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: "BPE",
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: "",
    end_of_word_suffix: "",
    fuse_unk: false,
    byte_fallback: false,
    ...extra,
    vocab,
    merges,
  };
}
