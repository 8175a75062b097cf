/**
 * GPT checkpoint folder: `manifest.json` (format, config, tensor table, dtype), `weights.bin` (float32,
 * or IEEE float16 when the manifest says `"dtype": "float16"`; little-endian, tensors back to back), `tokenizer.json` (byte-level BPE) and `training.json`
 * (hyper-parameters, loss history, validation loss). Written to a temp folder and renamed into place,
 * so a failed save leaves nothing half-done. Loading checks every file and names the one that is wrong.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { CorruptDataError, DataNotFoundError, EmbedlabError, writeJsonAtomic, projectDataDir } from "../../core";
import { BpeTokenizer } from "./bpe";
import { GPT, GptConfig, paramShapes, validateConfig } from "./model";
import { f16ToF32, f32ToF16 } from "./safetensors";

export const CHECKPOINT_FORMAT = "embedlab-gpt/1";
/** The committed offline checkpoints: the Brown-only GPT and the Brown + Gutenberg + Factbook one. */
export type TinyGptId = "tinygpt-brown" | "tinygpt-mix";
/** The checkpoint the notebooks use by default. */
export const DEFAULT_TINY_GPT: TinyGptId = "tinygpt-mix";
/** `data/models/<id>/`. */
export function checkpointDir(id: TinyGptId): string {
  return projectDataDir("models", id);
}
/** The committed offline checkpoint used by default (`data/models/tinygpt-mix/`). */
export function defaultCheckpointDir(): string {
  return checkpointDir(DEFAULT_TINY_GPT);
}

/** `training.json` of a checkpoint made by the pretraining (train.pretrainGpt): its settings, loss history and validation loss. */
export interface TrainingRecord {
  corpus: string;
  seed: number;
  steps: number;
  stepsPlanned: number;
  batch: number;
  lr: number;
  warmup: number;
  minLrFrac: number;
  weightDecay: number;
  clipNorm: number;
  betas: [number, number];
  valDocs: string[];
  valWindows: number;
  trainTokens: number;
  valTokens: number;
  tokensPerWord: number;
  history: { step: number; loss: number; lr: number }[];
  valHistory: { step: number; valLoss: number }[];
  valLoss: number;
  unigramValLoss: number;
  numParams: number;
  tokensPerSecond: number;
  wallSeconds: number;
  backend: string;
  samples?: { prompt: string; text: string }[];
}

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in elements (of the manifest's dtype) into weights.bin. */
  offset: number;
}

export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  config: GptConfig;
  weights: "weights.bin";
  /** Element type of weights.bin (absent: float32). */
  dtype?: WeightsDtype;
  tensors: TensorEntry[];
  numParams: number;
}

export type WeightsDtype = "float32" | "float16";

export interface SaveGptOptions {
  /** Store weights.bin as float16 (half the size; values rounded to nearest even) or float32 (default). */
  dtype?: WeightsDtype;
  /** More files to write into the folder: name → contents. */
  extraFiles?: Record<string, string | Uint8Array>;
}

export interface LoadedGptCheckpoint<T = Record<string, unknown>> {
  model: GPT;
  tokenizer: BpeTokenizer;
  manifest: CheckpointManifest;
  /** Contents of training.json (empty object if the folder has none). */
  training: T;
  dir: string;
}

/**
 * Write model + tokenizer + training record (+ `opts.extraFiles`) to `dir`, replacing the folder atomically
 * (anything else in it is dropped, except the sub-folders named in `opts.keep`).
 */
export function saveGptCheckpoint(
  dir: string,
  model: GPT,
  tokenizer: BpeTokenizer,
  training: object,
  opts: SaveGptOptions & { keep?: string[] } = {},
): void {
  const dtype = opts.dtype ?? "float32";
  const shapes = paramShapes(model.config);
  const tensors: TensorEntry[] = [];
  let offset = 0;
  for (const [name, shape] of Object.entries(shapes)) {
    tensors.push({ name, shape, offset });
    offset += shape.reduce((a, b) => a * b, 1);
  }
  const buf = new Float32Array(offset);
  for (const t of tensors) buf.set(model.params[t.name].dataSync() as Float32Array, t.offset);
  let bytes = new Uint8Array(buf.buffer);
  if (dtype === "float16") {
    const h = new Uint16Array(buf.length);
    for (let i = 0; i < buf.length; i++) h[i] = f32ToF16(buf[i]);
    bytes = new Uint8Array(h.buffer);
  } else if (dtype !== "float32")
    throw new EmbedlabError(`unknown weights dtype "${String(dtype)}"`, 'use "float32" or "float16"');
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    config: model.config,
    weights: "weights.bin",
    ...(dtype === "float16" ? { dtype } : {}),
    tensors,
    numParams: offset,
  };
  const parent = path.dirname(path.resolve(dir));
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}.tmp-`));
  try {
    fs.writeFileSync(path.join(tmp, "weights.bin"), bytes);
    writeJsonAtomic(path.join(tmp, "manifest.json"), manifest);
    fs.writeFileSync(path.join(tmp, "tokenizer.json"), JSON.stringify(tokenizer.toJSON()) + "\n");
    writeJsonAtomic(path.join(tmp, "training.json"), training);
    for (const [name, data] of Object.entries(opts.extraFiles ?? {})) fs.writeFileSync(path.join(tmp, name), data);
    fs.chmodSync(tmp, 0o755);
    const old = `${dir}.old-${process.pid}`;
    if (fs.existsSync(dir)) {
      for (const k of opts.keep ?? [])
        if (fs.existsSync(path.join(dir, k))) fs.renameSync(path.join(dir, k), path.join(tmp, k));
      fs.renameSync(dir, old);
    }
    fs.renameSync(tmp, dir);
    fs.rmSync(old, { recursive: true, force: true });
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function readJson(file: string): unknown {
  if (!fs.existsSync(file)) throw new DataNotFoundError(path.basename(file), [file], "npm run pretrain");
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new CorruptDataError(file, `not valid JSON (${(err as Error).message})`);
  }
}

/** Load a checkpoint folder; every missing or mismatched file is reported by name with the expected shape. */
export function loadGptCheckpoint<T = Record<string, unknown>>(dir = defaultCheckpointDir()): LoadedGptCheckpoint<T> {
  if (!fs.existsSync(dir))
    throw new DataNotFoundError(`GPT checkpoint ${path.basename(dir)}`, [dir], "npm run pretrain");
  const mfile = path.join(dir, "manifest.json");
  const manifest = readJson(mfile) as CheckpointManifest;
  if (manifest?.format !== CHECKPOINT_FORMAT || !manifest.config || !Array.isArray(manifest.tensors)) {
    throw new CorruptDataError(mfile, `expected {"format":"${CHECKPOINT_FORMAT}","config":{…},"tensors":[…]}`);
  }
  try {
    validateConfig(manifest.config);
  } catch (err) {
    throw new CorruptDataError(mfile, (err as Error).message);
  }
  const expected = paramShapes(manifest.config);
  const byName = new Map(manifest.tensors.map((t) => [t.name, t]));
  let total = 0;
  for (const [name, shape] of Object.entries(expected)) {
    const t = byName.get(name);
    if (!t) throw new CorruptDataError(mfile, `tensor "${name}" is missing (expected shape [${shape}])`);
    if (t.shape.join() !== shape.join())
      throw new CorruptDataError(mfile, `tensor "${name}" has shape [${t.shape}], expected [${shape}] for this config`);
    total = Math.max(total, t.offset + shape.reduce((a, b) => a * b, 1));
  }
  const wfile = path.join(dir, "weights.bin");
  if (!fs.existsSync(wfile)) throw new DataNotFoundError("weights.bin", [wfile], "npm run pretrain");
  const dtype: WeightsDtype = manifest.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float16")
    throw new CorruptDataError(mfile, `dtype "${String(dtype)}" is not "float32" or "float16"`);
  const width = dtype === "float16" ? 2 : 4;
  const bytes = fs.readFileSync(wfile);
  if (bytes.byteLength !== total * width) {
    throw new CorruptDataError(
      wfile,
      `has ${bytes.byteLength} bytes, expected ${total * width} (${total} ${dtype} for ${Object.keys(expected).length} tensors, e.g. wte.weight [${expected["wte.weight"]}])`,
    );
  }
  const raw = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  let all: Float32Array;
  if (dtype === "float16") {
    const h = new Uint16Array(raw);
    all = new Float32Array(h.length);
    for (let i = 0; i < h.length; i++) all[i] = f16ToF32(h[i]);
  } else all = new Float32Array(raw);
  const tfile = path.join(dir, "tokenizer.json");
  const tokenizer = BpeTokenizer.fromJSON(readJson(tfile), tfile);
  if (tokenizer.vocabSize !== manifest.config.vocab_size) {
    throw new CorruptDataError(
      tfile,
      `tokenizer has ${tokenizer.vocabSize} tokens, expected vocab_size ${manifest.config.vocab_size} from manifest.json`,
    );
  }
  const weights: Record<string, tf.Tensor> = {};
  for (const [name, shape] of Object.entries(expected)) {
    const t = byName.get(name) as TensorEntry;
    weights[name] = tf.tensor(all.subarray(t.offset, t.offset + shape.reduce((a, b) => a * b, 1)), shape);
  }
  let model: GPT;
  try {
    model = new GPT(manifest.config, weights);
  } catch (err) {
    throw new EmbedlabError(`cannot build the model from ${dir}: ${(err as Error).message}`);
  } finally {
    tf.dispose(Object.values(weights));
  }
  const trainFile = path.join(dir, "training.json");
  const training = (fs.existsSync(trainFile) ? readJson(trainFile) : {}) as T;
  return { model, tokenizer, manifest, training, dir };
}

/** A checkpoint's `bits-per-byte.json` (written by the pretraining's final evaluation or `npm run pretrain:eval -- DIR --write`). */
export interface CheckpointBitsPerByte {
  /** The training step evaluated. */
  step: number;
  /** `gpt_bits_per_byte_<source>` per source, on that source's held-out documents. */
  metrics: Record<string, number>;
}

/** The held-out bits per byte recorded beside the checkpoint in `dir`, or null when it has no `bits-per-byte.json`. */
export function readBitsPerByte(dir: string): CheckpointBitsPerByte | null {
  const file = path.join(dir, "bits-per-byte.json");
  if (!fs.existsSync(file)) return null;
  const j = readJson(file) as Partial<CheckpointBitsPerByte> | null;
  const metrics = j?.metrics;
  const ok =
    !!metrics &&
    typeof metrics === "object" &&
    Object.keys(metrics).length > 0 &&
    Object.entries(metrics).every(([k, v]) => k.startsWith("gpt_bits_per_byte_") && Number.isFinite(v));
  if (!ok || typeof j?.step !== "number")
    throw new CorruptDataError(file, 'expected {"step":N,"metrics":{"gpt_bits_per_byte_<source>":number,…}}');
  return { step: j.step, metrics: { ...metrics } };
}
