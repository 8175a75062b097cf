/**
 * Where notebook 01's runs keep their checkpoints: one folder per run under `<cache>/runs/01_label_embeddings/`
 * (git-ignored data/cache, or EMBEDLAB_CACHE_DIR), named by the run and a hash of everything that determines
 * its training — so a rerun with the same settings finds its checkpoint, and a run with other settings
 * (profile, epochs, lr, seed, images, targets, …) never picks up a stale one.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { cacheDir } from "../../core";
import type { TrainTargetOptions } from "./model";

/** Bumped when what a checkpoint means changes (so older folders are not reused). */
const RUN_FORMAT = 1;

/** The runs folder the notebook's `runDir` parameter names ("" = `<cache>/runs/01_label_embeddings`). */
export function runRoot(runDir = ""): string {
  return runDir ? path.resolve(runDir) : cacheDir("runs", "01_label_embeddings");
}

const imageHashes = new WeakMap<object, string>();

function bytes(
  a: ArrayLike<number> & { buffer?: ArrayBufferLike; byteOffset?: number; byteLength?: number },
): Uint8Array {
  if (ArrayBuffer.isView(a)) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return new Uint8Array(Float64Array.from(a as ArrayLike<number>).buffer);
}

/** A hash of the training images and labels (cached per image array: hashing 30 MB takes ~0.1 s). */
function datasetHash(ds: TrainTargetOptions["train"]): string {
  const key = ds.images as object;
  let h = imageHashes.get(key);
  if (!h) {
    h = createHash("sha256")
      .update(JSON.stringify([ds.n, ds.height, ds.width, ds.channels]))
      .update(bytes(ds.images))
      .digest("hex");
    imageHashes.set(key, h);
  }
  return createHash("sha256").update(h).update(bytes(ds.labels)).digest("hex");
}

/** A hash of everything that determines a run's training (not its progress label or checkpoint folder). */
export function runKey(o: TrainTargetOptions): string {
  const settings = {
    format: RUN_FORMAT,
    kind: o.kind,
    arch: o.arch,
    classes: o.classes,
    epochs: o.epochs,
    batchSize: o.batchSize,
    schedule: o.schedule,
    peakLr: o.peakLr ?? null,
    warmup: o.warmup ?? null,
    augment: o.augment ?? null,
    temperature: o.temperature ?? null,
    projectionInput: o.projectionInput ?? null,
    seed: o.seed ?? null,
    maxStepsPerEpoch: o.maxStepsPerEpoch ?? null,
  };
  const h = createHash("sha256").update(JSON.stringify(settings)).update(datasetHash(o.train));
  for (const c of o.classes) if (o.targets?.[c]) h.update(bytes(o.targets[c]));
  return h.digest("hex").slice(0, 16);
}

/** The run's checkpoint folder under `root`: `<label as a file name>-<runKey>`. */
export function runCheckpointDir(root: string, o: TrainTargetOptions): string {
  const name = (o.label ?? o.kind).replace(/[^A-Za-z0-9.]+/g, "_").replace(/^_|_$/g, "");
  return path.join(root, `${name}-${runKey(o)}`);
}
