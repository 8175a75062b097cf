/**
 * The one list of hub models the full profile uses: each id with its kind (the architecture and the
 * transformers.js class or project loader that reads it), its tokenizer kind, and the files the project
 * needs from its repository. Experiment configs name these constants instead of repeating the ids, and the
 * stand-in hub (ci/src/standin) writes a tiny random-weight copy of every entry.
 */

/** Hub model ids, by role. */
export const HUB_IDS = {
  /** nb04 full: text–text encoder. */
  bertBaseUncased: "Xenova/bert-base-uncased",
  /** nb04 full: image–text model. */
  clipVitB32: "Xenova/clip-vit-base-patch32",
  /** nb03 full: the trained sentence encoder (CLS pooling, per its model card). */
  bgeSmallEn: "Xenova/bge-small-en-v1.5",
  /** nb03 full: the chat LM whose last-token logits are the post's embedding. */
  qwenChat: "onnx-community/Qwen2.5-0.5B-Instruct",
  /** nb02 full: the NLI zero-shot teacher. */
  bartLargeMnli: "Xenova/bart-large-mnli",
  /** A smaller NLI teacher (`teacherModel = "nli:Xenova/nli-deberta-v3-xsmall"`). */
  debertaXsmallNli: "Xenova/nli-deberta-v3-xsmall",
  /** A small sentence encoder (`hf:Xenova/all-MiniLM-L6-v2`, any text-encoder parameter). */
  miniLmL6: "Xenova/all-MiniLM-L6-v2",
  /** nb03 and nb04 full: GPT-2 (124M) safetensors, read by this project's GPT (`models/gpt/gpt2.ts`). */
  gpt2: "openai-community/gpt2",
  /** nb02 full: the student fine-tuned on the teacher's pseudo-labels (the original's), read by this project's BERT (`models/bert`). */
  electraBase: "google/electra-base-discriminator",
} as const;

export type HubModelId = (typeof HUB_IDS)[keyof typeof HUB_IDS];

/** How a model is read: its architecture and the loader that reads it. */
export type HubModelKind =
  /** transformers.js `feature-extraction` (AutoModel → `last_hidden_state`). */
  | "feature-extraction"
  /** CLIPTextModelWithProjection (`text_embeds`) + CLIPVisionModelWithProjection (`image_embeds`). */
  | "clip"
  /** transformers.js `zero-shot-classification` (AutoModelForSequenceClassification → `logits`, id2label with entailment). */
  | "nli-sequence-classification"
  /** AutoModelForCausalLM with past key values (`past_key_values.N.key/value` → `logits`, `present.N.key/value`) and a chat template. */
  | "causal-lm-chat"
  /** GPT-2 safetensors with GPT-2's tensor names, loaded by this project's GPT. */
  | "gpt2-safetensors"
  /** BERT/ELECTRA weights (`model.safetensors`, else `pytorch_model.bin`) with `bert.`/`electra.` names, loaded by this project's BERT. */
  | "bert-safetensors";

/** The tokenizer model in the repository's tokenizer.json. */
export type HubTokenizerKind =
  | "wordpiece"
  /** Byte-level BPE (GPT-2, RoBERTa/BART, Qwen2). */
  | "byte-level-bpe"
  /** CLIP's byte-level BPE with the `</w>` end-of-word suffix. */
  | "clip-bpe"
  /** SentencePiece Unigram (DeBERTa-v3). */
  | "unigram";

export interface HubModel {
  id: HubModelId;
  kind: HubModelKind;
  /** config.json `model_type`. */
  modelType: string;
  tokenizer: HubTokenizerKind;
  /** Files the project reads from the repository (paths inside it). */
  files: readonly string[];
  /** Pooling the model card prescribes (feature extraction). */
  pooling?: "mean" | "cls";
  /** The branch holding the export the project reads, when it is not "main". */
  revision?: string;
}

const TOKENIZER = ["tokenizer.json", "tokenizer_config.json"] as const;
/** fp32 (default) and q8 (`EMBEDLAB_DTYPE=q8`, the chat LM's default) weights, as the real exports ship them. */
const onnx = (name: string) => [`onnx/${name}.onnx`, `onnx/${name}_quantized.onnx`];

export const HUB_MODELS: readonly HubModel[] = [
  {
    id: HUB_IDS.bertBaseUncased,
    kind: "feature-extraction",
    modelType: "bert",
    tokenizer: "wordpiece",
    files: ["config.json", ...TOKENIZER, ...onnx("model")],
    pooling: "mean",
    // "main" holds the fill-mask export (BertForMaskedLM: `logits` over the 30,522-token vocabulary, which the
    // feature-extraction pipeline would silently mean-pool into a 30,522-d "embedding"); the base model's
    // `last_hidden_state` export is on branch "default" (transformers.js's own feature-extraction example).
    revision: "default",
  },
  {
    id: HUB_IDS.clipVitB32,
    kind: "clip",
    modelType: "clip",
    tokenizer: "clip-bpe",
    files: ["config.json", ...TOKENIZER, "preprocessor_config.json", ...onnx("text_model"), ...onnx("vision_model")],
  },
  {
    id: HUB_IDS.bgeSmallEn,
    kind: "feature-extraction",
    modelType: "bert",
    tokenizer: "wordpiece",
    files: ["config.json", ...TOKENIZER, ...onnx("model")],
    pooling: "cls",
  },
  {
    id: HUB_IDS.qwenChat,
    kind: "causal-lm-chat",
    modelType: "qwen2",
    tokenizer: "byte-level-bpe",
    files: ["config.json", "generation_config.json", ...TOKENIZER, ...onnx("model")],
  },
  {
    id: HUB_IDS.bartLargeMnli,
    kind: "nli-sequence-classification",
    modelType: "bart",
    tokenizer: "byte-level-bpe",
    files: ["config.json", ...TOKENIZER, ...onnx("model")],
  },
  {
    id: HUB_IDS.debertaXsmallNli,
    kind: "nli-sequence-classification",
    modelType: "deberta-v2",
    tokenizer: "unigram",
    files: ["config.json", ...TOKENIZER, ...onnx("model")],
  },
  {
    id: HUB_IDS.miniLmL6,
    kind: "feature-extraction",
    modelType: "bert",
    tokenizer: "wordpiece",
    files: ["config.json", ...TOKENIZER, ...onnx("model")],
    pooling: "mean",
  },
  {
    id: HUB_IDS.gpt2,
    kind: "gpt2-safetensors",
    modelType: "gpt2",
    tokenizer: "byte-level-bpe",
    files: ["config.json", "generation_config.json", "model.safetensors", ...TOKENIZER],
  },
  {
    id: HUB_IDS.electraBase,
    kind: "bert-safetensors",
    modelType: "electra",
    tokenizer: "wordpiece",
    files: ["config.json", "model.safetensors", ...TOKENIZER],
  },
];

/** The list's entry for `id`, if the model is one of the project's. */
export function hubModel(id: string): HubModel | undefined {
  return HUB_MODELS.find((m) => m.id === id);
}
