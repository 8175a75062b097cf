/**
 * A BERT-family encoder (BERT, ELECTRA) from Hugging Face files into `BertEncoder`, the way the GPT-2
 * loader works: `config.json` + weights + `tokenizer.json` from a folder, the project's transformers.js
 * cache, or the Python hub cache; downloaded from the hub only when remote access is allowed.
 *
 * Weights: `model.safetensors` when the folder has it, else PyTorch's `pytorch_model.bin` (zip or legacy
 * format, read by `torch-bin.ts`). A download asks for `model.safetensors` first and falls back to
 * `pytorch_model.bin` when the hub has no safetensors for the model. Tensor names may carry a `bert.` /
 * `electra.` prefix; pretraining heads (`cls.*`, `discriminator_predictions.*`, `generator_*`) are ignored.
 * The tokenizer is the checkpoint's WordPiece `tokenizer.json` through transformers.js (built from its
 * `vocab.txt` when the repository has no tokenizer.json).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { CorruptDataError, DataNotFoundError, EmbedlabError, noteModel } from "../../core";
import { hfLocalModelPath, hfModelRoot, transformersFor } from "../hf-env";
import { pythonHubSnapshots, readCommitNote } from "../hub";
import { HUB_IDS } from "../hub-models";
import { downloadHubFiles } from "../hub-download";
import { remoteAllowed } from "../remote";
import type { LoadOptions } from "../types";
import { readSafetensors, type SafeTensor } from "../gpt/safetensors";
import { BertEncoder, bertParamShapes, type BertConfig } from "./model";
import { wordPieceTokenizerJson } from "./wordpiece-json";
import { readTorchBin } from "./torch-bin";

/**
 * The student notebook 02's full profile fine-tunes: the original's `google/electra-base-discriminator`
 * (110M). Its hub repo has `pytorch_model.bin`; whether it also has `model.safetensors` was not checked
 * from here, so the loader takes either.
 */
export const BERT_STUDENT_MODEL_ID = HUB_IDS.electraBase;

/** Weight files, in order of preference. */
export const BERT_WEIGHT_FILES = ["model.safetensors", "pytorch_model.bin"] as const;
/** Files besides the weights and the tokenizer. */
export const BERT_FILES = ["config.json"] as const;
/** Tokenizer files, in order of preference (vocab.txt: a WordPiece tokenizer.json is built from it). */
export const BERT_TOKENIZER_FILES = ["tokenizer.json", "vocab.txt"] as const;
/** Fetched when present on the hub (the tokenizer's special tokens and lower-casing). */
const OPTIONAL_FILES = ["tokenizer_config.json"] as const;

export interface BertOptions extends LoadOptions {
  /** A folder holding config.json, model.safetensors (or pytorch_model.bin) and tokenizer.json. */
  path?: string;
  /** Hub id (default BERT_STUDENT_MODEL_ID). */
  modelId?: string;
}

/** Hugging Face BertConfig / ElectraConfig config.json → BertConfig (`pooler` is set by the loader from the weights). */
export function bertConfigFromHf(hf: Record<string, unknown>, file = "config.json"): BertConfig {
  const num = (k: string, fallback?: number): number => {
    const v = hf[k] ?? fallback;
    if (typeof v !== "number") throw new CorruptDataError(file, `missing number "${k}"`);
    return v;
  };
  const act = String(hf.hidden_act ?? "gelu");
  if (act !== "gelu" && act !== "gelu_new")
    throw new EmbedlabError(
      `${file}: hidden_act "${act}" is not supported`,
      'use a BERT or ELECTRA checkpoint (hidden_act "gelu")',
    );
  const pe = hf.position_embedding_type;
  if (pe !== undefined && pe !== "absolute")
    throw new EmbedlabError(`${file}: position_embedding_type "${String(pe)}" is not supported`, 'use "absolute"');
  const hidden = num("hidden_size");
  return {
    vocab_size: num("vocab_size"),
    hidden_size: hidden,
    num_hidden_layers: num("num_hidden_layers"),
    num_attention_heads: num("num_attention_heads"),
    intermediate_size: num("intermediate_size"),
    max_position_embeddings: num("max_position_embeddings", 512),
    type_vocab_size: num("type_vocab_size", 2),
    layer_norm_eps: num("layer_norm_eps", 1e-12),
    hidden_act: act,
    embedding_size: num("embedding_size", hidden),
    hidden_dropout_prob: num("hidden_dropout_prob", 0.1),
    attention_probs_dropout_prob: num("attention_probs_dropout_prob", 0.1),
    pooler: false,
  };
}

/** A checkpoint tensor name → this encoder's name (prefix dropped, old `gamma`/`beta` LayerNorm names renamed). */
export function bertParamName(name: string): string {
  return name
    .replace(/^(bert|electra)\./, "")
    .replace(/LayerNorm\.gamma$/, "LayerNorm.weight")
    .replace(/LayerNorm\.beta$/, "LayerNorm.bias");
}

/** Is this (encoder-side) parameter a linear layer's weight, stored [out, in] by PyTorch? */
function isLinearWeight(key: string): boolean {
  return key.endsWith(".weight") && !key.startsWith("embeddings.") && !key.includes("LayerNorm");
}

/**
 * Checkpoint tensors → encoder weights (linear weights transposed to [in, out]), checked against the config;
 * sets `config.pooler` when the checkpoint has BERT's pooler. Throws CorruptDataError naming `file`.
 */
export function mapBertWeights(
  raw: Record<string, SafeTensor>,
  config: BertConfig,
  file: string,
): Record<string, tf.Tensor> {
  const byKey = new Map(Object.entries(raw).map(([n, t]) => [bertParamName(n), { name: n, t }]));
  config.pooler = byKey.has("pooler.dense.weight");
  const shapes = bertParamShapes(config);
  const out: Record<string, tf.Tensor> = {};
  try {
    for (const [key, want] of Object.entries(shapes)) {
      const hit = byKey.get(key);
      if (!hit)
        throw new CorruptDataError(
          file,
          `tensor "${key}" (or "bert.${key}" / "electra.${key}") is missing; expected shape [${isLinearWeight(key) ? [...want].reverse() : want}]`,
        );
      const linearW = isLinearWeight(key);
      const expect = linearW ? [want[1], want[0]] : want;
      if (hit.t.shape.join() !== expect.join())
        throw new CorruptDataError(
          file,
          `tensor "${hit.name}" has shape [${hit.t.shape}], expected [${expect}] for config hidden_size=${config.hidden_size}`,
        );
      out[key] = linearW
        ? tf.tidy(() => tf.transpose(tf.tensor2d(hit.t.data, expect as [number, number])))
        : tf.tensor(hit.t.data, want);
    }
  } catch (err) {
    tf.dispose(Object.values(out));
    throw err;
  }
  return out;
}

/** Read a weight file (safetensors or PyTorch), keeping only tensors the encoder can use. */
export function readBertWeightFile(file: string): Record<string, SafeTensor> {
  const want = (n: string) =>
    !/^(cls|discriminator_predictions|generator_predictions|generator_lm_head|qa_outputs|classifier)\b/.test(n) &&
    !n.endsWith("position_ids");
  return file.endsWith(".safetensors") ? readSafetensors(file, want) : readTorchBin(file, want);
}

/** Folders searched for the model's files, in order. */
export function bertCandidates(opts: BertOptions = {}): string[] {
  if (opts.path) return [path.resolve(opts.path)];
  const id = opts.modelId ?? BERT_STUDENT_MODEL_ID;
  return [hfLocalModelPath(id), ...pythonHubSnapshots(id)];
}

/** The weight file a folder has (model.safetensors preferred), if any. */
function weightFileIn(dir: string): string | undefined {
  const f = BERT_WEIGHT_FILES.find((w) => fs.existsSync(path.join(dir, w)));
  return f && path.join(dir, f);
}

function complete(dir: string): boolean {
  const has = (f: string) => fs.existsSync(path.join(dir, f));
  return BERT_FILES.every(has) && BERT_TOKENIZER_FILES.some(has) && weightFileIn(dir) !== undefined;
}

/** The first of `files` the hub has (a 404 moves on to the next; other failures are thrown). */
async function downloadFirst(id: string, files: readonly string[], dir: string, partialDir: string): Promise<void> {
  for (let i = 0; i < files.length; i++) {
    try {
      await downloadHubFiles(id, [files[i]], dir, { partialDir });
      return;
    } catch (err) {
      if (i === files.length - 1 || !/HTTP 404/.test((err as Error).message)) throw err;
    }
  }
}

/** Download the model's files into the project cache: safetensors if the hub has them, else pytorch_model.bin. */
async function download(id: string, dir: string): Promise<void> {
  const partialDir = path.join(hfModelRoot(), ".partial");
  await downloadHubFiles(id, BERT_FILES, dir, { partialDir });
  await downloadFirst(id, BERT_TOKENIZER_FILES, dir, partialDir);
  for (const f of OPTIONAL_FILES) {
    try {
      await downloadHubFiles(id, [f], dir, { partialDir });
    } catch {
      /* optional: the tokenizer works from tokenizer.json alone */
    }
  }
  await downloadFirst(id, BERT_WEIGHT_FILES, dir, partialDir);
}

function readJson(file: string): Record<string, unknown> {
  if (!fs.existsSync(file)) throw new DataNotFoundError(path.basename(file), [file]);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new CorruptDataError(file, `not JSON (${(err as Error).message})`);
  }
}

/** The pieces of a transformers.js tokenizer used here. */
interface HfTokenizerLike {
  encode(text: string, o?: object): number[];
  pad_token_id?: number;
  model: { tokens_to_ids: Map<string, number> };
}

/** WordPiece ([CLS] text [SEP]) through transformers.js, batched with padding to the longest row. */
export class BertTokenizer {
  readonly padId: number;
  constructor(
    private readonly tok: HfTokenizerLike,
    readonly maxLength: number,
  ) {
    this.padId = tok.pad_token_id ?? tok.model.tokens_to_ids.get("[PAD]") ?? 0;
  }

  /** Token ids with [CLS] … [SEP], truncated to maxLength (the last id, [SEP], is kept). */
  encode(text: string): number[] {
    const ids = this.tok.encode(text);
    return ids.length <= this.maxLength ? ids : [...ids.slice(0, this.maxLength - 1), ids[ids.length - 1]];
  }

  /** Row-major ids and attention mask [B, T], T = the longest row. */
  batch(texts: readonly string[]): { ids: Int32Array; mask: Int32Array; B: number; T: number } {
    const rows = texts.map((t) => this.encode(t));
    const T = Math.max(1, ...rows.map((r) => r.length));
    const ids = new Int32Array(rows.length * T).fill(this.padId);
    const mask = new Int32Array(rows.length * T);
    rows.forEach((r, i) => {
      ids.set(r, i * T);
      mask.fill(1, i * T, i * T + r.length);
    });
    return { ids, mask, B: rows.length, T };
  }
}

/**
 * A transformers.js WordPiece tokenizer from a folder's tokenizer.json, or one built from its vocab.txt
 * (lower-casing per tokenizer_config.json's do_lower_case, default true), + tokenizer_config.json if present.
 */
export function bertTokenizerFrom(dir: string, maxLength: number, opts: LoadOptions = {}): BertTokenizer {
  const cfgFile = path.join(dir, "tokenizer_config.json");
  const tcfg = fs.existsSync(cfgFile) ? readJson(cfgFile) : {};
  const vocabFile = path.join(dir, "vocab.txt");
  const tjson =
    !fs.existsSync(path.join(dir, "tokenizer.json")) && fs.existsSync(vocabFile)
      ? wordPieceTokenizerJson(
          fs
            .readFileSync(vocabFile, "utf8")
            .split(/\r?\n/)
            .filter((w, i, a) => w !== "" || i < a.length - 1),
          { lowercase: tcfg.do_lower_case !== false },
        )
      : readJson(path.join(dir, "tokenizer.json"));
  const t = transformersFor(opts);
  let tok: HfTokenizerLike;
  try {
    tok = new t.BertTokenizer(tjson, tcfg) as unknown as HfTokenizerLike;
  } catch (err) {
    throw new CorruptDataError(
      path.join(dir, "tokenizer.json"),
      `not a WordPiece tokenizer (${(err as Error).message})`,
    );
  }
  return new BertTokenizer(tok, maxLength);
}

export interface LoadedBert {
  encoder: BertEncoder;
  tokenizer: BertTokenizer;
  dir: string;
  modelId: string;
  /** The weight file read. */
  weightFile: string;
}

/**
 * Load a BERT/ELECTRA encoder and its tokenizer. Throws DataNotFoundError when the files are nowhere and
 * downloads are off (or `opts.path` was given), CorruptDataError naming the file that does not parse.
 * `maxLength` caps tokenised inputs (default 128, at most max_position_embeddings).
 */
export async function loadBert(opts: BertOptions & { maxLength?: number } = {}): Promise<LoadedBert> {
  const id = opts.modelId ?? BERT_STUDENT_MODEL_ID;
  const candidates = bertCandidates(opts);
  let dir = candidates.find(complete);
  if (!dir) {
    if (opts.path || !remoteAllowed(opts)) {
      throw new DataNotFoundError(
        `BERT-family weights of ${opts.path ? opts.path : id} (${BERT_FILES.join(", ")}, ${BERT_TOKENIZER_FILES.join(" or ")}, ${BERT_WEIGHT_FILES.join(" or ")})`,
        candidates,
        `EMBEDLAB_ALLOW_REMOTE=1 (downloads ${id} into ${hfLocalModelPath(id)})`,
      );
    }
    dir = hfLocalModelPath(id);
    await download(id, dir);
  } else {
    const snapshot = /[\\/]snapshots[\\/]([0-9a-f]{40})$/.exec(dir)?.[1];
    noteModel({ id, revision: "main", commit: readCommitNote(dir) ?? snapshot, source: dir });
  }
  const config = bertConfigFromHf(readJson(path.join(dir, "config.json")), path.join(dir, "config.json"));
  const weightFile = weightFileIn(dir) as string;
  const weights = mapBertWeights(readBertWeightFile(weightFile), config, weightFile);
  let encoder: BertEncoder;
  try {
    encoder = new BertEncoder(config, weights);
  } finally {
    tf.dispose(Object.values(weights));
  }
  try {
    const maxLength = Math.min(opts.maxLength ?? 128, config.max_position_embeddings);
    return { encoder, tokenizer: bertTokenizerFrom(dir, maxLength, opts), dir, modelId: id, weightFile };
  } catch (err) {
    encoder.dispose();
    throw err;
  }
}
