/**
 * Hugging Face `tokenizer.json` documents for WordPiece tokenizers (BERT's normaliser and pre-tokenizer), as
 * the tokenizers library writes them: for checkpoints that ship only `vocab.txt`, and for the tiny test models
 * and hub stand-ins.
 */

/** BERT's special tokens, in its vocabulary order. */
export const BERT_SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] as const;

/** One `added_tokens` entry of a tokenizer.json. */
export function addedToken(id: number, content: string, normalized = false): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized, special: true };
}

/** BERT's post-processor: [CLS] A [SEP] (type 0), and [CLS] A [SEP] B [SEP] with B and its [SEP] of type 1. */
export function clsSepTemplate(clsId: number, sepId: number): Record<string, unknown> {
  const t = (s: string, type_id: number) => ({ SpecialToken: { id: s, type_id } });
  return {
    type: "TemplateProcessing",
    single: [t("[CLS]", 0), { Sequence: { id: "A", type_id: 0 } }, t("[SEP]", 0)],
    pair: [
      t("[CLS]", 0),
      { Sequence: { id: "A", type_id: 0 } },
      t("[SEP]", 0),
      { Sequence: { id: "B", type_id: 1 } },
      t("[SEP]", 1),
    ],
    special_tokens: {
      "[CLS]": { id: "[CLS]", ids: [clsId], tokens: ["[CLS]"] },
      "[SEP]": { id: "[SEP]", ids: [sepId], tokens: ["[SEP]"] },
    },
  };
}

export interface WordPieceJsonOptions {
  /** The BERT normaliser lowercases (uncased models; default true). */
  lowercase?: boolean;
  /** Tokens listed as special `added_tokens` (default: BERT's special tokens present in `vocab`). */
  specials?: readonly string[];
  /** Add the [CLS] A [SEP] post-processor (default true; false = no post-processor). */
  clsSep?: boolean;
}

/** A WordPiece tokenizer.json over `vocab` (ids in order). */
export function wordPieceTokenizerJson(
  vocab: readonly string[],
  opts: WordPieceJsonOptions = {},
): Record<string, unknown> {
  const ids: Record<string, number> = {};
  vocab.forEach((w, i) => (ids[w] = i)); // a repeated token keeps its last id, as the tokenizers library reads vocab.txt
  const specials = opts.specials ?? BERT_SPECIAL_TOKENS.filter((t) => t in ids);
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: specials.map((t) => addedToken(ids[t], t)),
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: opts.lowercase ?? true,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: opts.clsSep === false ? null : clsSepTemplate(ids["[CLS]"], ids["[SEP]"]),
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: "[UNK]",
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab: ids,
    },
  };
}
