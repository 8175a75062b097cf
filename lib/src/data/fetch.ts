import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { unzipSync } from "fflate";
import * as tar from "tar";
import { CorruptDataError, dataDir, EmbedlabError, progress } from "../core";
import { DatasetEntry, DatasetSource, getDataset } from "./registry";

export interface FetchOptions {
  /** Data dir to install into (default `dataDir()`). */
  root?: string;
  /** Use this local archive instead of downloading (still verified against the registry). */
  file?: string;
  /** Replace an installed copy. */
  force?: boolean;
  /** Allow downloads over 1 GB (Food-101). */
  allowLarge?: boolean;
  /** Progress/status lines (default: stderr). */
  log?: (line: string) => void;
}

export interface FetchResult {
  dataset: string;
  dir: string;
  /** "installed" or "already present". */
  status: "installed" | "already present";
  /** What was checked: e.g. ["sha256", "md5", "size"] or ["extracts"]. */
  verified: string[];
}

const LARGE = 1_000_000_000;

/** True when `<root>/<entry.dir>/<entry.marker>` exists. */
export function isInstalled(entry: DatasetEntry, root: string = dataDir()): boolean {
  return fs.existsSync(path.join(root, entry.dir, entry.marker));
}

function offlineHint(entry: DatasetEntry): string {
  return `download it on a machine with internet and run: npm run data -- fetch ${entry.name} --file <archive>; or set EMBEDLAB_DATA_DIR to a folder that has ${entry.dir}/ (e.g. /work/shared/data)`;
}

/** Stream `url` into `dest`, hashing as it goes. */
async function download(entry: DatasetEntry, src: DatasetSource, dest: string, log: (l: string) => void): Promise<{ sha256: string; md5: string; bytes: number }> {
  let res: Response;
  try {
    res = await fetch(src.url, { redirect: "follow" });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new EmbedlabError(`could not download ${src.url} (${cause?.code ?? cause?.message ?? (err as Error).message}): this machine looks offline`, offlineHint(entry));
  }
  if (!res.ok || !res.body) throw new EmbedlabError(`download of ${src.url} failed: HTTP ${res.status} ${res.statusText}`, offlineHint(entry));
  const total = Number(res.headers.get("content-length")) || src.bytes || entry.approxBytes;
  log(`downloading ${src.url} (${(total / 1e6).toFixed(1)} MB)`);
  const sha = crypto.createHash("sha256");
  const md5 = crypto.createHash("md5");
  let bytes = 0;
  const bar = progress(Math.ceil(total / 1e6), `fetch ${entry.name} (MB)`);
  let reported = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sha.update(chunk);
      md5.update(chunk);
      bytes += chunk.length;
      const mb = Math.floor(bytes / 1e6);
      if (mb > reported) {
        bar.tick(mb - reported);
        reported = mb;
      }
      cb(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), tap, fs.createWriteStream(dest));
  } catch (err) {
    throw new EmbedlabError(`download of ${src.url} broke off after ${bytes} bytes: ${(err as Error).message}`, "run the fetch again");
  } finally {
    bar.done();
  }
  return { sha256: sha.digest("hex"), md5: md5.digest("hex"), bytes };
}

async function hashFile(file: string): Promise<{ sha256: string; md5: string; bytes: number }> {
  const sha = crypto.createHash("sha256");
  const md5 = crypto.createHash("md5");
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file)) {
    sha.update(chunk as Buffer);
    md5.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: sha.digest("hex"), md5: md5.digest("hex"), bytes };
}

function verify(src: DatasetSource, file: string, got: { sha256: string; md5: string; bytes: number }): string[] {
  const checked: string[] = [];
  if (src.bytes !== undefined) {
    if (got.bytes !== src.bytes) throw new CorruptDataError(file, `size ${got.bytes} bytes, expected ${src.bytes}`, Math.min(got.bytes, src.bytes));
    checked.push("size");
  }
  if (src.sha256) {
    if (got.sha256 !== src.sha256.toLowerCase()) throw new CorruptDataError(file, `sha256 ${got.sha256}, expected ${src.sha256}`);
    checked.push("sha256");
  }
  if (src.md5) {
    if (got.md5 !== src.md5.toLowerCase()) throw new CorruptDataError(file, `md5 ${got.md5}, expected ${src.md5}`);
    checked.push("md5");
  }
  return checked;
}

function safeJoin(base: string, name: string): string {
  const out = path.resolve(base, name);
  if (out !== base && !out.startsWith(base + path.sep)) throw new CorruptDataError(name, "archive entry points outside the extraction folder");
  return out;
}

async function extract(src: DatasetSource, archive: string, into: string): Promise<void> {
  fs.mkdirSync(into, { recursive: true });
  if (src.archive === "tar.gz") {
    try {
      await tar.x({ file: archive, cwd: into, strict: true });
    } catch (err) {
      throw new CorruptDataError(archive, `cannot extract tar.gz: ${(err as Error).message}`);
    }
    return;
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(fs.readFileSync(archive));
  } catch (err) {
    throw new CorruptDataError(archive, `cannot extract zip: ${(err as Error).message}`);
  }
  for (const [name, data] of Object.entries(entries)) {
    if (name.startsWith("__MACOSX/")) continue;
    const out = safeJoin(into, name);
    if (name.endsWith("/")) fs.mkdirSync(out, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, data);
    }
  }
}

/**
 * Download (or take `opts.file`), verify against the registry's checksums/size, extract into a temp folder inside the data
 * dir and move `<archiveDir>` into place as `<dataDir>/<entry.dir>` with one rename. Nothing half-done is left behind.
 */
export async function fetchDataset(nameOrEntry: string | DatasetEntry, opts: FetchOptions = {}): Promise<FetchResult> {
  const entry = typeof nameOrEntry === "string" ? getDataset(nameOrEntry) : nameOrEntry;
  const log = opts.log ?? ((l: string) => process.stderr.write(l + "\n"));
  const root = path.resolve(opts.root ?? dataDir());
  const target = path.join(root, entry.dir);
  if (isInstalled(entry, root) && !opts.force) return { dataset: entry.name, dir: target, status: "already present", verified: [] };
  const src = entry.sources[0];
  if (!src) throw new EmbedlabError(`dataset "${entry.name}" has no download source`, entry.note ?? "use a data dir that has it (EMBEDLAB_DATA_DIR)");
  if (!opts.file && entry.approxBytes > LARGE && !opts.allowLarge) {
    throw new EmbedlabError(`dataset "${entry.name}" is a ${(entry.approxBytes / 1e9).toFixed(1)} GB download`, `pass --allow-large to fetch it anyway${entry.note ? `; ${entry.note}` : ""}`);
  }
  try {
    fs.mkdirSync(root, { recursive: true });
    fs.accessSync(root, fs.constants.W_OK);
    // Root passes access checks everywhere: also honour a folder marked read-only (the shared mirror is r-x).
    if ((fs.statSync(root).mode & 0o200) === 0) throw new Error("read-only");
  } catch {
    throw new EmbedlabError(`data dir ${root} is not writable`, "fetch into another folder with --root DIR (or EMBEDLAB_DATA_DIR), then point EMBEDLAB_DATA_DIR at it");
  }
  const tmp = fs.mkdtempSync(path.join(root, `.fetch-${entry.name}-`));
  try {
    let archive: string;
    let sums: { sha256: string; md5: string; bytes: number };
    if (opts.file) {
      archive = path.resolve(opts.file);
      if (!fs.existsSync(archive)) throw new EmbedlabError(`archive ${archive} does not exist`);
      sums = await hashFile(archive);
    } else {
      archive = path.join(tmp, `download.${src.archive}`);
      sums = await download(entry, src, archive, log);
    }
    const verified = verify(src, archive, sums);
    if (!verified.length) log(`note: no published checksum for ${entry.name}; checking only that it extracts to ${src.archiveDir}/${entry.marker}`);
    const unpacked = path.join(tmp, "x");
    await extract(src, archive, unpacked);
    const dir = path.join(unpacked, src.archiveDir);
    if (!fs.existsSync(path.join(dir, entry.marker))) throw new CorruptDataError(archive, `archive has no ${src.archiveDir}/${entry.marker}`);
    verified.push("extracts");
    if (fs.existsSync(target)) {
      if (!opts.force) throw new EmbedlabError(`${target} exists but is incomplete (no ${entry.marker})`, `move it away, or pass --force to replace it`);
      fs.renameSync(target, path.join(tmp, "old"));
    }
    fs.renameSync(dir, target);
    log(`installed ${entry.name} → ${target} (verified: ${verified.join(", ")})`);
    return { dataset: entry.name, dir: target, status: "installed", verified };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
