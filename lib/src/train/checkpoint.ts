import * as fs from "node:fs";
import * as path from "node:path";
import { threadId } from "node:worker_threads";
import { CorruptDataError, EmbedlabError, writeFileAtomic, writeJsonAtomic } from "../core";
import type { EpochRecord } from "./history";

/** What a checkpoint holds besides tensors. */
export interface CheckpointMeta {
  epoch: number;
  step: number;
  history: EpochRecord[];
  /** Extra JSON the caller wants back (e.g. early-stopping state). */
  extra?: Record<string, unknown>;
}

interface StoredMeta extends CheckpointMeta {
  format: "embedlab-checkpoint-1";
  weights: number[];
  optimizer: number[];
}

function concat(arrays: Float32Array[]): Uint8Array {
  const total = arrays.reduce((s, a) => s + a.length, 0);
  const out = new Float32Array(total);
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return new Uint8Array(out.buffer);
}

function split(buf: Buffer, sizes: number[], file: string): Float32Array[] {
  const need = sizes.reduce((s, n) => s + n, 0) * 4;
  if (buf.length !== need) throw new CorruptDataError(file, `expected ${need} bytes, found ${buf.length}`);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const out: Float32Array[] = [];
  let o = 0;
  for (const n of sizes) {
    out.push(all.slice(o, o + n));
    o += n;
  }
  return out;
}

/**
 * Save weights + optimizer state + meta to `dir/ckpt-<step>/`, then point `dir/latest.json` at it
 * (atomic: a reader sees the previous checkpoint until the pointer is replaced). Older checkpoint
 * folders are removed after the pointer moves. Returns the checkpoint folder.
 */
export function saveCheckpoint(
  dir: string,
  weights: Float32Array[],
  optimizer: Float32Array[],
  meta: CheckpointMeta,
): string {
  const name = `ckpt-${String(meta.step).padStart(8, "0")}`;
  const tmp = path.join(dir, `.${name}.${process.pid}.${threadId}.tmp`);
  const final = path.join(dir, name);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    writeFileAtomic(path.join(tmp, "weights.bin"), concat(weights));
    writeFileAtomic(path.join(tmp, "optimizer.bin"), concat(optimizer));
    const stored: StoredMeta = {
      format: "embedlab-checkpoint-1",
      ...meta,
      weights: weights.map((w) => w.length),
      optimizer: optimizer.map((w) => w.length),
    };
    writeJsonAtomic(path.join(tmp, "meta.json"), stored);
    fs.rmSync(final, { recursive: true, force: true });
    fs.renameSync(tmp, final);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  writeJsonAtomic(path.join(dir, "latest.json"), { checkpoint: name, step: meta.step, epoch: meta.epoch });
  for (const f of fs.readdirSync(dir)) {
    if (f.startsWith("ckpt-") && f !== name) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
  }
  return final;
}

export interface LoadedCheckpoint extends CheckpointMeta {
  weights: Float32Array[];
  optimizer: Float32Array[];
  path: string;
}

/** True when `dir` holds a checkpoint written by saveCheckpoint. */
export function hasCheckpoint(dir: string): boolean {
  return fs.existsSync(path.join(dir, "latest.json"));
}

/** The epoch and step of the checkpoint `dir/latest.json` points at (undefined when there is none), without loading it. */
export function checkpointProgress(dir: string): { epoch: number; step: number } | undefined {
  const latest = path.join(dir, "latest.json");
  if (!fs.existsSync(latest)) return undefined;
  try {
    const j = JSON.parse(fs.readFileSync(latest, "utf8")) as { epoch: number; step: number };
    return { epoch: j.epoch, step: j.step };
  } catch (err) {
    throw new CorruptDataError(latest, String(err));
  }
}

/** Load the checkpoint `dir/latest.json` points at. */
export function loadCheckpoint(dir: string): LoadedCheckpoint {
  const latest = path.join(dir, "latest.json");
  if (!fs.existsSync(latest))
    throw new EmbedlabError(
      `no checkpoint in ${dir} (latest.json missing)`,
      "train with { checkpointDir } first, or point at the right folder",
    );
  let name: string;
  try {
    name = (JSON.parse(fs.readFileSync(latest, "utf8")) as { checkpoint: string }).checkpoint;
  } catch (err) {
    throw new CorruptDataError(latest, String(err));
  }
  const folder = path.join(dir, name);
  const metaFile = path.join(folder, "meta.json");
  let meta: StoredMeta;
  try {
    meta = JSON.parse(fs.readFileSync(metaFile, "utf8")) as StoredMeta;
  } catch (err) {
    throw new CorruptDataError(metaFile, String(err));
  }
  if (meta.format !== "embedlab-checkpoint-1")
    throw new CorruptDataError(metaFile, `unknown format ${String(meta.format)}`);
  const wFile = path.join(folder, "weights.bin");
  const oFile = path.join(folder, "optimizer.bin");
  return {
    epoch: meta.epoch,
    step: meta.step,
    history: meta.history,
    extra: meta.extra,
    weights: split(fs.readFileSync(wFile), meta.weights, wFile),
    optimizer: split(fs.readFileSync(oFile), meta.optimizer, oFile),
    path: folder,
  };
}
