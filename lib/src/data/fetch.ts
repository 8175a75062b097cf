import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { unzipSync } from "fflate";
import * as tar from "tar";
import { CorruptDataError, dataDir, EmbedlabError, progress } from "../core";
import { NOTEBOOK_DATA } from "./needs";
import { ArchiveSource, Checksums, DatasetEntry, datasetEntries, FileSource, getDataset } from "./registry";
import { transformFile } from "./transforms";

export interface FetchOptions {
  /** Data dir to install into (default `dataDir()`). */
  root?: string;
  /** Use this local archive instead of downloading (datasets with one archive source; still verified). */
  file?: string;
  /** Replace a copy that fetch installed (never a folder it did not install). */
  force?: boolean;
  /** Allow downloads over 1 GB (Food-101, Flickr8k). */
  allowLarge?: boolean;
  /** Progress/status lines (default: stderr). */
  log?: (line: string) => void;
}

export interface FetchResult {
  dataset: string;
  dir: string;
  /** "installed" or "already present". */
  status: "installed" | "already present";
  /** What was checked: e.g. ["sha256", "md5", "size", "extracts"]. */
  verified: string[];
}

/** Written by fetch into every dataset folder it installs: what came from where, and each file's size. */
export const INSTALL_RECORD = ".embedlab-installed";
/** A data root holding this file is a mirror: fetch never writes into it. */
export const MIRROR_MARK = ".embedlab-mirror";
/** A data root holding this file is the user's: fetch may add datasets beside folders it did not install. */
export const ROOT_MARK = ".embedlab-data-root";

export interface InstallRecord {
  dataset: string;
  installedAt: string;
  sources: { url: string; sha256: string; bytes: number }[];
  /** Path inside the dataset folder → size in bytes. */
  files: Record<string, number>;
  /** Declared record counts of CIFAR-style binaries smaller than the official ones (stand-ins only; see registry `records`). */
  records?: Record<string, number>;
}

const LARGE = 1_000_000_000;

/** The install record of a dataset folder, or undefined when fetch did not install it. */
export function readInstallRecord(dir: string): InstallRecord | undefined {
  const file = path.join(dir, INSTALL_RECORD);
  if (!fs.existsSync(file)) return undefined;
  try {
    const r = JSON.parse(fs.readFileSync(file, "utf8")) as InstallRecord;
    if (typeof r.files !== "object" || r.files === null) throw new Error("no files");
    return r;
  } catch (err) {
    throw new CorruptDataError(file, `not an install record (${(err as Error).message})`);
  }
}

/** The files a dataset must have: its marker and every file a notebook reads from it (needs.ts, non-optional). */
export function requiredFiles(entry: DatasetEntry): string[] {
  const files = new Set([entry.marker]);
  for (const profiles of Object.values(NOTEBOOK_DATA)) {
    for (const needs of Object.values(profiles)) for (const n of needs) if (n.dataset === entry.name && !n.optional) n.files.forEach((f) => files.add(f));
  }
  return [...files];
}

export interface InstallState {
  dir: string;
  /** The folder exists. */
  exists: boolean;
  /** fetch installed it (it has an install record). */
  installedByFetch: boolean;
  /** Required files that are not there, and recorded files that are gone or changed size. */
  missing: string[];
}

/** Whether `<root>/<entry.dir>` holds the dataset: the required files, and every file its install record lists. */
export function installState(entry: DatasetEntry, root: string = dataDir()): InstallState {
  const dir = path.join(path.resolve(root), entry.dir);
  const exists = fs.existsSync(dir) && fs.statSync(dir).isDirectory();
  if (!exists) return { dir, exists, installedByFetch: false, missing: requiredFiles(entry) };
  const record = readInstallRecord(dir);
  const missing = requiredFiles(entry).filter((f) => !fs.existsSync(path.join(dir, f)));
  for (const [f, size] of Object.entries(record?.files ?? {})) {
    if (missing.includes(f)) continue;
    const p = path.join(dir, f);
    if (!fs.existsSync(p)) missing.push(f);
    else if (fs.statSync(p).size !== size) missing.push(`${f} (size changed)`);
  }
  return { dir, exists, installedByFetch: record !== undefined, missing };
}

/** True when the dataset's folder has every required and recorded file (not just its marker). */
export function isInstalled(entry: DatasetEntry, root: string = dataDir()): boolean {
  const st = installState(entry, root);
  return st.exists && st.missing.length === 0;
}

/** Registry dataset folders under `root` that fetch did not install (a mirror's, or copied by hand). */
export function foreignDatasets(root: string): string[] {
  return datasetEntries()
    .filter((d) => fs.existsSync(path.join(root, d.dir)) && !fs.existsSync(path.join(root, d.dir, INSTALL_RECORD)))
    .map((d) => d.dir);
}

/**
 * Why `root` is a mirror fetch must not write into, or undefined: it holds `.embedlab-mirror`, or dataset folders fetch
 * did not install (unless it holds `.embedlab-data-root`, or is the project's own `data/cache`). Permissions play no part.
 */
export function mirrorReason(root: string): string | undefined {
  const abs = path.resolve(root);
  if (fs.existsSync(path.join(abs, MIRROR_MARK))) return `it has ${MIRROR_MARK}`;
  const foreign = fs.existsSync(path.join(abs, ROOT_MARK)) || abs === dataDir({}) ? [] : foreignDatasets(abs);
  return foreign.length ? `it holds datasets fetch did not install (${foreign.join(", ")})` : undefined;
}

/** Throw unless fetch may write into `root`: not a mirror (see `mirrorReason`), writable. */
export function checkFetchRoot(root: string): void {
  const abs = path.resolve(root);
  const elsewhere = "fetch into another folder with --root DIR (or EMBEDLAB_DATA_DIR), then point EMBEDLAB_DATA_DIR at it";
  const mirror = mirrorReason(abs);
  if (mirror) {
    throw new EmbedlabError(
      `data dir ${abs} is a mirror (${mirror}): fetch never writes into it`,
      `${elsewhere}; if the folder is yours, create ${path.join(abs, ROOT_MARK)} to let fetch add datasets beside them`,
    );
  }
  try {
    fs.mkdirSync(abs, { recursive: true });
    fs.accessSync(abs, fs.constants.W_OK);
    // Root passes access checks everywhere: also honour a folder marked read-only.
    if ((fs.statSync(abs).mode & 0o200) === 0) throw new Error("read-only");
  } catch {
    throw new EmbedlabError(`data dir ${abs} is not writable`, elsewhere);
  }
}

function offlineHint(entry: DatasetEntry): string {
  return `download it on a machine with internet and run: npm run data -- fetch ${entry.name} --file <archive>; or set EMBEDLAB_DATA_DIR to a folder that has ${entry.dir}/ (e.g. /work/shared/data)`;
}

interface Sums {
  sha256: string;
  md5: string;
  bytes: number;
}

function hasher(onBytes: (n: number) => void): { tap: Transform; sums: () => Sums } {
  const sha = crypto.createHash("sha256");
  const md5 = crypto.createHash("md5");
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sha.update(chunk);
      md5.update(chunk);
      bytes += chunk.length;
      onBytes(chunk.length);
      cb(null, chunk);
    },
  });
  return { tap, sums: () => ({ sha256: sha.digest("hex"), md5: md5.digest("hex"), bytes }) };
}

/** Stream `url` into `dest`, hashing as it goes. */
async function download(entry: DatasetEntry, url: string, dest: string, onBytes: (n: number) => void): Promise<Sums> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: "follow" });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new EmbedlabError(`could not download ${url} for dataset "${entry.name}" (${cause?.code ?? cause?.message ?? (err as Error).message}): this machine looks offline`, offlineHint(entry));
  }
  if (!res.ok || !res.body) throw new EmbedlabError(`download of ${url} for dataset "${entry.name}" failed: HTTP ${res.status} ${res.statusText}`, offlineHint(entry));
  const h = hasher(onBytes);
  try {
    await pipeline(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), h.tap, fs.createWriteStream(dest));
  } catch (err) {
    throw new EmbedlabError(`download of ${url} broke off: ${(err as Error).message}`, "run the fetch again");
  }
  return h.sums();
}

async function hashFile(file: string): Promise<Sums> {
  const h = hasher(() => {});
  await pipeline(fs.createReadStream(file), h.tap, new Writable({ write: (_c, _e, cb) => cb() }));
  return h.sums();
}

function verify(src: Checksums, file: string, got: Sums): string[] {
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

async function extract(src: ArchiveSource, archive: string, into: string): Promise<void> {
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

/** Move `from` to `to`, merging into an existing folder entry by entry. */
function moveInto(from: string, to: string): void {
  if (!fs.existsSync(to)) {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(from, to);
    return;
  }
  if (!fs.statSync(to).isDirectory() || !fs.statSync(from).isDirectory()) throw new CorruptDataError(from, `two sources both provide ${to}`);
  for (const f of fs.readdirSync(from)) moveInto(path.join(from, f), path.join(to, f));
}

function listFiles(dir: string, base = dir, out: Record<string, number> = {}): Record<string, number> {
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) listFiles(p, base, out);
    else if (d.isFile()) out[path.relative(base, p).split(path.sep).join("/")] = fs.statSync(p).size;
  }
  return out;
}

/** Total download size of a dataset: exact when every source says its size, else the registry's estimate. */
export function downloadBytes(entry: DatasetEntry): number {
  return exactSize(entry) ? entry.sources.reduce((a, s) => a + (s.bytes ?? 0), 0) : entry.approxBytes;
}

/** Whether `downloadBytes` is exact (every source states its size). */
export function exactSize(entry: DatasetEntry): boolean {
  return entry.sources.length > 0 && entry.sources.every((s) => s.bytes !== undefined);
}

export function formatBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`;
}

/**
 * Download (or take `opts.file`) every source of a dataset, verify each against the registry's checksums/size, assemble
 * the dataset folder in a temp folder inside the data dir, record what was installed (`.embedlab-installed`) and move it
 * into place as `<dataDir>/<entry.dir>` with one rename. Nothing half-done is left behind. Folders fetch did not install
 * (a mirror's, a hand copy) are never replaced, even with `force`.
 */
export async function fetchDataset(nameOrEntry: string | DatasetEntry, opts: FetchOptions = {}): Promise<FetchResult> {
  const entry = typeof nameOrEntry === "string" ? getDataset(nameOrEntry) : nameOrEntry;
  const log = opts.log ?? ((l: string) => process.stderr.write(l + "\n"));
  const root = path.resolve(opts.root ?? dataDir());
  const target = path.join(root, entry.dir);
  const state = installState(entry, root);
  if (state.exists && !state.missing.length && !opts.force) return { dataset: entry.name, dir: target, status: "already present", verified: [] };
  if (state.exists && !state.installedByFetch) {
    throw new EmbedlabError(
      `${target} was not installed by fetch (no ${INSTALL_RECORD})${state.missing.length ? ` and lacks ${state.missing.join(", ")}` : ""}: fetch never replaces it`,
      `move it away and fetch again, or fetch into another folder with --root DIR`,
    );
  }
  if (!entry.sources.length) {
    throw new EmbedlabError(`dataset "${entry.name}" has no download source${entry.note ? ` (${entry.note})` : ""}`, `set EMBEDLAB_DATA_DIR to a folder that has ${entry.dir}/ (e.g. /work/shared/data)`);
  }
  const total = downloadBytes(entry);
  if (!opts.file && total > LARGE && !opts.allowLarge) {
    throw new EmbedlabError(`dataset "${entry.name}" is a ${(total / 1e9).toFixed(1)} GB download`, `pass --allow-large to fetch it anyway${entry.note ? `; ${entry.note}` : ""}`);
  }
  if (opts.file && (entry.sources.length !== 1 || entry.sources[0].kind === "file")) {
    throw new EmbedlabError(`--file works for datasets downloaded as one archive; "${entry.name}" has ${entry.sources.length} source(s)`, "fetch it without --file, or use a mirror (EMBEDLAB_DATA_DIR)");
  }
  checkFetchRoot(root);
  if (state.exists) log(state.missing.length ? `${entry.name}: ${target} lacks ${state.missing.join(", ")}: reinstalling` : `${entry.name}: replacing ${target} (--force)`);
  const tmp = fs.mkdtempSync(path.join(root, `.fetch-${entry.name}-`));
  const bar = opts.file ? undefined : progress(Math.max(1, Math.ceil(total / 1e6)), `fetch ${entry.name} (MB)`);
  if (!opts.file) log(`fetching ${entry.name}: ${formatBytes(total)}${exactSize(entry) ? "" : " (approx.)"} from ${entry.sources.length === 1 ? entry.sources[0].url : `${entry.sources.length} files at ${new URL(entry.sources[0].url).host}`}`);
  let got = 0;
  let ticked = 0;
  const onBytes = (n: number): void => {
    got += n;
    const mb = Math.min(Math.floor(got / 1e6), Math.ceil(total / 1e6));
    if (mb > ticked) {
      bar?.tick(mb - ticked);
      ticked = mb;
    }
  };
  try {
    const stage = path.join(tmp, "stage");
    fs.mkdirSync(stage);
    const verified = new Set<string>();
    const recorded: InstallRecord["sources"] = [];
    let unchecked = 0;
    for (let i = 0; i < entry.sources.length; i++) {
      const src = entry.sources[i];
      let file: string;
      let sums: Sums;
      if (opts.file) {
        file = path.resolve(opts.file);
        if (!fs.existsSync(file)) throw new EmbedlabError(`archive ${file} does not exist`);
        sums = await hashFile(file);
      } else {
        file = path.join(tmp, `src-${i}${src.kind === "file" ? "" : `.${src.archive}`}`);
        sums = await download(entry, src.url, file, onBytes);
      }
      const checks = verify(src, file, sums);
      if (!checks.length) unchecked++;
      checks.forEach((c) => verified.add(c));
      recorded.push({ url: opts.file ? `file://${file}` : src.url, sha256: sums.sha256, bytes: sums.bytes });
      if (src.kind === "file") {
        installFile(src, file, stage);
        continue;
      }
      const unpacked = path.join(tmp, `x-${i}`);
      await extract(src, file, unpacked);
      const dir = path.join(unpacked, src.archiveDir);
      if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new CorruptDataError(file, `archive has no ${src.archiveDir}/ folder`);
      moveInto(dir, path.join(stage, src.into ?? ""));
    }
    if (unchecked) log(`note: no published checksum for ${unchecked} of ${entry.sources.length} download(s) of ${entry.name}; checking that they hold the expected files`);
    const lacking = requiredFiles(entry).filter((f) => !fs.existsSync(path.join(stage, f)));
    if (lacking.length) {
      const where = entry.sources.length === 1 && entry.sources[0].kind !== "file" ? `archive has no ${entry.sources[0].archiveDir}/` : "downloads lack ";
      throw new CorruptDataError(opts.file ?? entry.sources[0].url, `${where}${lacking.join(", ")}`);
    }
    verified.add(entry.sources.some((s) => s.kind !== "file") ? "extracts" : "files");
    const record: InstallRecord = { dataset: entry.name, installedAt: new Date().toISOString(), sources: recorded, files: listFiles(stage) };
    if (entry.records) record.records = entry.records;
    fs.writeFileSync(path.join(stage, INSTALL_RECORD), JSON.stringify(record, null, 1) + "\n");
    if (fs.existsSync(target)) fs.renameSync(target, path.join(tmp, "old"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(stage, target);
    const list = [...verified];
    bar?.done();
    log(`installed ${entry.name} → ${target} (verified: ${list.join(", ")})`);
    return { dataset: entry.name, dir: target, status: "installed", verified: list };
  } finally {
    bar?.done();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function installFile(src: FileSource, file: string, stage: string): void {
  const out = safeJoin(stage, src.path);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  if (!src.transform) fs.renameSync(file, out);
  else fs.writeFileSync(out, transformFile(src.transform, file, src.url));
}
