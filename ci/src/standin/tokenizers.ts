/**
 * Tokenizer files for the stand-in models, of the kinds the real repositories ship: WordPiece (BERT family),
 * byte-level BPE (GPT-2, RoBERTa/BART, Qwen2), CLIP's byte-level BPE with `</w>`, and SentencePiece Unigram
 * (DeBERTa-v3). The vocabularies are tiny (bytes or characters plus a few hundred words) but cover any text.
 */
import { models } from "@embedlab/lib";

export interface TokenizerFiles {
  /** tokenizer.json */
  tokenizer: Record<string, unknown>;
  /** tokenizer_config.json */
  config: Record<string, unknown>;
  /** Number of ids (the model's vocab_size must be at least this). */
  size: number;
}

/** Words every stand-in vocabulary has as whole tokens (the rest of a text falls back to pieces). */
export const WORDS = (
  "the of and to a in is it you that he was for on are with as i his they be at one have this from or had by " +
  "not word but what some we can out other were all there when up use your how said an each she which do their " +
  "time if will way about many then them write would like so these her long make thing see him two has look " +
  "more day could go come did number sound no most people my over know water than call first who may down side " +
  "been now find any new work part take get place made live where after back little only round man year came " +
  "show every good me give our under name very through just form great think say help low line before turn " +
  "cause same mean differ move right boy old too does tell sentence set three want air well also play small end " +
  "put home read hand port large spell add even land here must big high such follow act why ask men change went " +
  "light kind off need house picture try us again animal point mother world near build self earth father king " +
  "queen man woman cat dog car bird plane ship truck horse deer frog photo movie film great bad best worst love " +
  "hate happy sad good fine terrible wonderful positive negative question answer river city music food red blue"
)
  .split(" ")
  .filter((w, i, a) => w && a.indexOf(w) === i);

const special = models.bert.addedToken;

/** Merges that build each word left to right from its symbols, and the symbols they create. */
function mergesFor(words: string[][]): { merges: string[]; tokens: string[] } {
  const merges: string[] = [];
  const tokens: string[] = [];
  const seen = new Set<string>();
  for (const syms of words) {
    let cur = syms[0];
    for (let i = 1; i < syms.length; i++) {
      const m = `${cur} ${syms[i]}`;
      cur += syms[i];
      if (!seen.has(m)) {
        seen.add(m);
        merges.push(m);
        tokens.push(cur);
      }
    }
  }
  return { merges, tokens: tokens.filter((t, i, a) => a.indexOf(t) === i) };
}

/** A word's bytes as GPT-2's printable byte characters. */
function byteChars(word: string): string[] {
  const table = models.gpt.bytesToUnicode();
  return Array.from(Buffer.from(word, "utf8"), (b) => table[b]);
}

/** Byte-level BPE vocab + merges over WORDS, with and without a leading space ("Ġ"). */
function byteLevelVocab(first: string[]): { vocab: Record<string, number>; merges: string[]; next: number } {
  const vocab: Record<string, number> = {};
  let id = 0;
  for (const t of first) vocab[t] = id++;
  const table = models.gpt.bytesToUnicode();
  // GPT-2 orders the 256 byte symbols as bytesToUnicode lists printable bytes first.
  const order = [...Array(256).keys()].sort((a, b) => table[a].codePointAt(0)! - table[b].codePointAt(0)!);
  for (const b of order) vocab[table[b]] = id++;
  const { merges, tokens } = mergesFor(WORDS.flatMap((w) => [byteChars(w), byteChars(" " + w)]));
  for (const t of tokens) if (!(t in vocab)) vocab[t] = id++;
  return { vocab, merges, next: id };
}

const bpeModel = models.gpt.hfBpeModel;

const byteLevel = (addPrefixSpace: boolean, trimOffsets: boolean, useRegex: boolean) => ({
  type: "ByteLevel",
  add_prefix_space: addPrefixSpace,
  trim_offsets: trimOffsets,
  use_regex: useRegex,
});

/** BERT's uncased WordPiece: [PAD] [UNK] [CLS] [SEP] [MASK], characters and ##characters, WORDS. */
export function wordPiece(opts: { modelMaxLength: number; tokenizerClass?: string }): TokenizerFiles {
  const specials = models.bert.BERT_SPECIAL_TOKENS;
  const chars = [..."abcdefghijklmnopqrstuvwxyz0123456789.,!?;:'\"()-/&%$#@*+=<>[]_"];
  const pieces = [...specials, ...chars, ...chars.map((c) => "##" + c), ...WORDS, "##s", "##ed", "##ing", "##ly"];
  const vocab = pieces.filter((p, i, a) => a.indexOf(p) === i);
  return {
    size: vocab.length,
    tokenizer: models.bert.wordPieceTokenizerJson(vocab),
    config: {
      tokenizer_class: opts.tokenizerClass ?? "BertTokenizer",
      do_lower_case: true,
      do_basic_tokenize: true,
      never_split: null,
      tokenize_chinese_chars: true,
      strip_accents: null,
      clean_up_tokenization_spaces: true,
      model_max_length: opts.modelMaxLength,
      cls_token: "[CLS]",
      sep_token: "[SEP]",
      pad_token: "[PAD]",
      unk_token: "[UNK]",
      mask_token: "[MASK]",
    },
  };
}

/** GPT-2's byte-level BPE: 256 byte symbols, merges, `<|endoftext|>` as the last id. */
export function gpt2Bpe(): TokenizerFiles {
  const { vocab, merges, next } = byteLevelVocab([]);
  vocab["<|endoftext|>"] = next;
  return {
    size: next + 1,
    tokenizer: {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: [special(next, "<|endoftext|>", true)],
      normalizer: null,
      pre_tokenizer: byteLevel(false, true, true),
      post_processor: byteLevel(true, false, true),
      decoder: byteLevel(true, true, true),
      model: bpeModel(vocab, merges),
    },
    config: {
      tokenizer_class: "GPT2Tokenizer",
      model_max_length: 1024,
      add_prefix_space: false,
      bos_token: "<|endoftext|>",
      eos_token: "<|endoftext|>",
      unk_token: "<|endoftext|>",
      clean_up_tokenization_spaces: true,
    },
  };
}

/** BART's (RoBERTa's) byte-level BPE: <s> <pad> </s> <unk> first, <mask> last, RobertaProcessing. */
export function bartBpe(): TokenizerFiles {
  const { vocab, merges, next } = byteLevelVocab(["<s>", "<pad>", "</s>", "<unk>"]);
  vocab["<mask>"] = next;
  return {
    size: next + 1,
    tokenizer: {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: [
        special(0, "<s>", true),
        special(1, "<pad>", true),
        special(2, "</s>", true),
        special(3, "<unk>", true),
        { ...special(next, "<mask>", false), lstrip: true },
      ],
      normalizer: null,
      pre_tokenizer: byteLevel(false, true, true),
      post_processor: {
        type: "RobertaProcessing",
        sep: ["</s>", 2],
        cls: ["<s>", 0],
        trim_offsets: true,
        add_prefix_space: false,
      },
      decoder: byteLevel(true, true, true),
      model: bpeModel(vocab, merges),
    },
    config: {
      tokenizer_class: "BartTokenizer",
      model_max_length: 1024,
      add_prefix_space: false,
      errors: "replace",
      trim_offsets: true,
      bos_token: "<s>",
      eos_token: "</s>",
      sep_token: "</s>",
      cls_token: "<s>",
      unk_token: "<unk>",
      pad_token: "<pad>",
      mask_token: "<mask>",
    },
  };
}

/** Qwen2's chat template (system default, user/assistant turns, generation prompt), without tool calls. */
export const QWEN_CHAT_TEMPLATE =
  "{%- if messages[0]['role'] == 'system' %}" +
  "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}" +
  "{%- else %}" +
  "{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}" +
  "{%- endif %}" +
  "{%- for message in messages %}" +
  "{%- if not (message.role == 'system' and loop.first) %}" +
  "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}" +
  "{%- endif %}" +
  "{%- endfor %}" +
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

/** Qwen2's byte-level BPE (its split regex, NFC), with <|endoftext|> <|im_start|> <|im_end|> and the chat template. */
export function qwen2Bpe(): TokenizerFiles {
  const { vocab, merges, next } = byteLevelVocab([]);
  const added = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];
  added.forEach((t, i) => (vocab[t] = next + i));
  return {
    size: next + added.length,
    tokenizer: {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: added.map((t, i) => special(next + i, t)),
      normalizer: { type: "NFC" },
      pre_tokenizer: {
        type: "Sequence",
        pretokenizers: [
          {
            type: "Split",
            pattern: {
              Regex:
                "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            },
            behavior: "Isolated",
            invert: false,
          },
          byteLevel(false, false, false),
        ],
      },
      post_processor: byteLevel(false, false, false),
      decoder: byteLevel(false, false, false),
      model: bpeModel(vocab, merges, { ignore_merges: false }),
    },
    config: {
      tokenizer_class: "Qwen2Tokenizer",
      add_bos_token: false,
      add_prefix_space: false,
      bos_token: null,
      eos_token: "<|im_end|>",
      pad_token: "<|endoftext|>",
      unk_token: null,
      errors: "replace",
      split_special_tokens: false,
      model_max_length: 131072,
      clean_up_tokenization_spaces: false,
      chat_template: QWEN_CHAT_TEMPLATE,
      added_tokens_decoder: Object.fromEntries(
        added.map((t, i) => {
          const { id: _id, ...entry } = special(next + i, t);
          return [String(_id), entry];
        }),
      ),
    },
  };
}

/** CLIP's BPE: byte symbols, byte symbols + "</w>", merges, then <|startoftext|> <|endoftext|>. */
export function clipBpe(modelMaxLength: number): TokenizerFiles {
  const table = models.gpt.bytesToUnicode();
  const vocab: Record<string, number> = {};
  let id = 0;
  const order = [...Array(256).keys()].sort((a, b) => table[a].codePointAt(0)! - table[b].codePointAt(0)!);
  for (const b of order) vocab[table[b]] = id++;
  for (const b of order) vocab[table[b] + "</w>"] = id++;
  const words = WORDS.map((w) => {
    const s = byteChars(w);
    s[s.length - 1] += "</w>";
    return s;
  });
  const { merges, tokens } = mergesFor(words);
  for (const t of tokens) if (!(t in vocab)) vocab[t] = id++;
  const sot = id++,
    eot = id++;
  vocab["<|startoftext|>"] = sot;
  vocab["<|endoftext|>"] = eot;
  return {
    size: id,
    tokenizer: {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: [special(sot, "<|startoftext|>", true), special(eot, "<|endoftext|>")],
      normalizer: {
        type: "Sequence",
        normalizers: [
          { type: "NFC" },
          { type: "Replace", pattern: { Regex: "\\s+" }, content: " " },
          { type: "Lowercase" },
        ],
      },
      pre_tokenizer: {
        type: "Sequence",
        pretokenizers: [
          {
            type: "Split",
            pattern: {
              Regex:
                "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            },
            behavior: "Removed",
            invert: true,
          },
          byteLevel(false, true, false),
        ],
      },
      post_processor: {
        type: "RobertaProcessing",
        sep: ["<|endoftext|>", eot],
        cls: ["<|startoftext|>", sot],
        trim_offsets: false,
        add_prefix_space: false,
      },
      decoder: byteLevel(false, true, true),
      model: bpeModel(vocab, merges, { unk_token: "<|endoftext|>", end_of_word_suffix: "</w>" }),
    },
    config: {
      tokenizer_class: "CLIPTokenizer",
      model_max_length: modelMaxLength,
      do_lower_case: true,
      errors: "replace",
      add_prefix_space: false,
      bos_token: "<|startoftext|>",
      eos_token: "<|endoftext|>",
      pad_token: "<|endoftext|>",
      unk_token: "<|endoftext|>",
    },
  };
}

/** DeBERTa-v3's SentencePiece Unigram: [PAD] [CLS] [SEP] [UNK], "▁"-prefixed words, characters; [MASK] last. */
export function debertaUnigram(): TokenizerFiles {
  const vocab: [string, number][] = [
    ["[PAD]", 0],
    ["[CLS]", 0],
    ["[SEP]", 0],
    ["[UNK]", 0],
    ["▁", -2],
  ];
  const chars = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?;:'\"()-/&%$#@*+=<>[]_"];
  for (const w of WORDS) vocab.push(["▁" + w, -5 - w.length / 10]);
  for (const c of chars) vocab.push(["▁" + c, -8], [c, -9]);
  const mask = vocab.length;
  vocab.push(["[MASK]", 0]);
  return {
    size: vocab.length,
    tokenizer: {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: [
        special(0, "[PAD]"),
        special(1, "[CLS]"),
        special(2, "[SEP]"),
        special(3, "[UNK]", true),
        special(mask, "[MASK]"),
      ],
      normalizer: {
        type: "Sequence",
        normalizers: [{ type: "Replace", pattern: { Regex: " {2,}" }, content: " " }],
      },
      pre_tokenizer: { type: "Metaspace", replacement: "▁", add_prefix_space: true, prepend_scheme: "always" },
      post_processor: models.bert.clsSepTemplate(1, 2),
      decoder: { type: "Metaspace", replacement: "▁", add_prefix_space: true, prepend_scheme: "always" },
      model: { type: "Unigram", unk_id: 3, vocab, byte_fallback: false },
    },
    config: {
      tokenizer_class: "DebertaV2Tokenizer",
      do_lower_case: false,
      split_by_punct: false,
      vocab_type: "spm",
      model_max_length: 512,
      bos_token: "[CLS]",
      eos_token: "[SEP]",
      cls_token: "[CLS]",
      sep_token: "[SEP]",
      pad_token: "[PAD]",
      unk_token: "[UNK]",
      mask_token: "[MASK]",
    },
  };
}
