import * as fs from "node:fs";
import * as path from "node:path";
import { CorruptDataError, EmbedlabError } from "../core";
import { CIFAR100_CLASSES, CIFAR10_CLASSES, CIFAR100_SUPERCLASS_NAMES } from "./cifar-classes";
import { INSTALL_RECORD, readInstallRecord } from "./fetch";
import { fetchCommand, locateDataset } from "./locate";
import type { ImageDataset } from "./types";

const PIXELS = 32 * 32;
const IMAGE_BYTES = 3 * PIXELS;

export interface CifarOptions {
  /** Data root holding `cifar-10-batches-bin/` or `cifar-100-binary/` (default: `dataDir()`). */
  root?: string;
  /** CIFAR-10 train only: which of data_batch_1..5 to read (default: every one present). */
  batches?: number[];
  /** Read at most this many images (from the start of the first file). */
  limit?: number;
}

interface RecordFormat {
  dataset: string;
  labelBytes: 1 | 2;
  numClasses: number;
  numCoarse: number;
}

/** Records in each official file: CIFAR-10's five train batches and test batch hold 10,000 each; CIFAR-100's train.bin 50,000, test.bin 10,000. */
export function officialRecordCount(dataset: "cifar10" | "cifar100", file: string): number | undefined {
  const name = path.basename(file);
  if (dataset === "cifar10") return /^(data_batch_[1-5]|test_batch)\.bin$/.test(name) ? 10_000 : undefined;
  return name === "train.bin" ? 50_000 : name === "test.bin" ? 10_000 : undefined;
}

/**
 * Check a CIFAR binary file's size and return its record count (without reading it). The count must be the official
 * file's, unless the folder's install record (`.embedlab-installed`, written by fetch from a registry that declares
 * `records`, e.g. CI's stand-ins) declares another count for that file: a file cut at a record boundary fails loudly.
 */
function recordCount(file: string, fmt: RecordFormat): number {
  const n = wholeRecords(file, fmt);
  const declared = readInstallRecord(path.dirname(file))?.records?.[path.basename(file)];
  const expected = declared ?? officialRecordCount(fmt.dataset as "cifar10" | "cifar100", file);
  if (expected !== undefined && n !== expected) {
    throw new CorruptDataError(
      file,
      `${n.toLocaleString("en-US")} records, but ${declared !== undefined ? `its install record (${INSTALL_RECORD}) declares` : `the official ${fmt.dataset} file has`} ${expected.toLocaleString("en-US")}: truncated or not the ${fmt.dataset} file`,
      n < expected ? n * (fmt.labelBytes + IMAGE_BYTES) : undefined,
    );
  }
  return n;
}

function wholeRecords(file: string, fmt: RecordFormat): number {
  const size = fs.statSync(file).size;
  const rec = fmt.labelBytes + IMAGE_BYTES;
  if (size === 0 || size % rec !== 0) {
    const whole = Math.floor(size / rec);
    throw new CorruptDataError(
      file,
      `size ${size} bytes is not a whole number of ${rec}-byte ${fmt.dataset} records (${whole} whole records, then ${size - whole * rec} stray bytes): truncated or not a ${fmt.dataset} binary`,
      whole * rec,
    );
  }
  return size / rec;
}

/** Decode `count` records of `file` into `out` starting at image `at` (planar RGB → NHWC). */
function decodeInto(file: string, count: number, fmt: RecordFormat, out: ImageDataset, at: number): void {
  const rec = fmt.labelBytes + IMAGE_BYTES;
  const buf = Buffer.alloc(count * rec);
  const fd = fs.openSync(file, "r");
  try {
    const got = fs.readSync(fd, buf, 0, buf.length, 0);
    if (got !== buf.length) throw new CorruptDataError(file, `short read: wanted ${buf.length} bytes, got ${got}`, got);
  } finally {
    fs.closeSync(fd);
  }
  const { images, labels, coarseLabels } = out;
  for (let r = 0; r < count; r++) {
    const off = r * rec;
    const fine = buf[off + fmt.labelBytes - 1];
    if (fine >= fmt.numClasses) throw new CorruptDataError(file, `record ${r}: label ${fine} is not a class index (0..${fmt.numClasses - 1})`, off + fmt.labelBytes - 1);
    if (fmt.labelBytes === 2) {
      const coarse = buf[off];
      if (coarse >= fmt.numCoarse) throw new CorruptDataError(file, `record ${r}: coarse label ${coarse} is not a superclass index (0..${fmt.numCoarse - 1})`, off);
      coarseLabels![at + r] = coarse;
    }
    labels[at + r] = fine;
    const src = off + fmt.labelBytes;
    const dst = (at + r) * IMAGE_BYTES;
    for (let p = 0; p < PIXELS; p++) {
      images[dst + 3 * p] = buf[src + p];
      images[dst + 3 * p + 1] = buf[src + PIXELS + p];
      images[dst + 3 * p + 2] = buf[src + 2 * PIXELS + p];
    }
  }
}

function readCifarFiles(files: string[], fmt: RecordFormat, classNames: string[], root: string, limit: number | undefined, note: string): ImageDataset {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new EmbedlabError(`limit must be a non-negative integer, got ${limit}`);
  const counts = files.map((f) => recordCount(f, fmt)); // validate every file before reading any
  const total = counts.reduce((a, b) => a + b, 0);
  const n = limit === undefined ? total : Math.min(limit, total);
  const ds: ImageDataset = {
    images: new Uint8Array(n * IMAGE_BYTES),
    labels: new Int32Array(n),
    coarseLabels: fmt.labelBytes === 2 ? new Int32Array(n) : undefined,
    classNames,
    n,
    height: 32,
    width: 32,
    channels: 3,
    source: { dataset: fmt.dataset, files: [], root, note },
  };
  if (!ds.coarseLabels) delete ds.coarseLabels;
  let at = 0;
  for (let i = 0; i < files.length && at < n; i++) {
    const take = Math.min(counts[i], n - at);
    decodeInto(files[i], take, fmt, ds, at);
    ds.source.files.push(files[i]);
    at += take;
  }
  if (limit !== undefined && limit < total) ds.source.note = `${note}; first ${n} of ${total} images (limit)`;
  return ds;
}

/** CIFAR-10 from the official binary layout `cifar-10-batches-bin/`. Train uses the batches present (or `opts.batches`). */
export function loadCifar10(split: "train" | "test", opts: CifarOptions = {}): ImageDataset {
  const fmt: RecordFormat = { dataset: "cifar10", labelBytes: 1, numClasses: 10, numCoarse: 0 };
  const dirs = ["cifar-10-batches-bin"];
  if (split === "test") {
    const { dir, root } = locateDataset("cifar10", dirs, ["test_batch.bin"], opts.root);
    return readCifarFiles([path.join(dir, "test_batch.bin")], fmt, [...CIFAR10_CLASSES], root, opts.limit, "test_batch (10,000 test images)");
  }
  if (split !== "train") throw new EmbedlabError(`unknown CIFAR-10 split "${split}"`, 'use "train" or "test"');
  const wanted = opts.batches ?? [1, 2, 3, 4, 5];
  for (const b of wanted) if (!Number.isInteger(b) || b < 1 || b > 5) throw new EmbedlabError(`CIFAR-10 has train batches 1..5, not ${b}`);
  const { dir, root } = locateDataset("cifar10", dirs, [`data_batch_${wanted[0]}.bin`], opts.root);
  const present = wanted.filter((b) => fs.existsSync(path.join(dir, `data_batch_${b}.bin`)));
  if (opts.batches) {
    const missing = wanted.filter((b) => !present.includes(b));
    if (missing.length) throw new EmbedlabError(`CIFAR-10 train batches ${missing.join(", ")} are not in ${dir}`, `present: ${present.join(", ") || "none"}; ask for those, or run ${fetchCommand("cifar10")}`);
  }
  const note = `train batches used: ${present.map((b) => `data_batch_${b}`).join(", ")} (${present.length} of 5${opts.batches ? ", as asked" : " present"})`;
  return readCifarFiles(present.map((b) => path.join(dir, `data_batch_${b}.bin`)), fmt, [...CIFAR10_CLASSES], root, opts.limit, note);
}

/** CIFAR-100 from the official binary layout `cifar-100-binary/{train,test}.bin` (coarse byte, fine byte, 3,072 pixels). */
export function loadCifar100(split: "train" | "test", opts: Omit<CifarOptions, "batches"> = {}): ImageDataset {
  if (split !== "train" && split !== "test") throw new EmbedlabError(`unknown CIFAR-100 split "${split}"`, 'use "train" or "test"');
  const fmt: RecordFormat = { dataset: "cifar100", labelBytes: 2, numClasses: 100, numCoarse: 20 };
  const { dir, root } = locateDataset("cifar100", ["cifar-100-binary"], [`${split}.bin`], opts.root);
  return readCifarFiles([path.join(dir, `${split}.bin`)], fmt, [...CIFAR100_CLASSES], root, opts.limit, `${split}.bin (superclasses: ${CIFAR100_SUPERCLASS_NAMES.length})`);
}
