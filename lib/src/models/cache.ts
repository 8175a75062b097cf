import * as fs from "node:fs";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { cacheDir, DataNotFoundError, writeFileAtomic } from "../core";
import type { EmbedOptions, ImageEncoder, ImageInput, TextEncoder } from "./types";

/**
 * On-disk embedding cache: one small binary file per (provider id, model id, sha256 of the input), under
 * `cacheDir("embeddings")/<provider>/<model>/<aa>/<sha256>.f32`. Writes are atomic; a truncated or
 * wrong-length file counts as a miss and is recomputed.
 */
export interface EmbeddingCacheOptions {
  /** Cache root (default `cacheDir("embeddings")`). */
  dir?: string;
  /** Provider namespace (default: the part of the encoder id before ":"). */
  provider?: string;
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 120) || "_";
}

export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Stats of a cached encoder: how many inputs came from disk and how many were computed. */
export interface CacheStats {
  hits: number;
  misses: number;
}

class VectorStore {
  constructor(
    readonly root: string,
    readonly dim: number,
  ) {}
  file(key: string): string {
    return path.join(this.root, key.slice(0, 2), `${key}.f32`);
  }
  get(key: string): Float32Array | undefined {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(this.file(key));
    } catch {
      return undefined;
    }
    if (buf.byteLength !== this.dim * 4) return undefined;
    const v = new Float32Array(this.dim);
    new Uint8Array(v.buffer).set(buf);
    return v;
  }
  put(key: string, v: Float32Array): void {
    writeFileAtomic(this.file(key), new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
}

function storeFor(id: string, provenanceId: string, dim: number, o: EmbeddingCacheOptions): VectorStore {
  const provider = o.provider ?? id.split(":")[0];
  const root = path.join(o.dir ?? cacheDir("embeddings"), safe(provider), safe(`${id}__${provenanceId}`));
  return new VectorStore(root, dim);
}

async function throughCache<T>(
  store: VectorStore,
  inputs: T[],
  keyOf: (x: T) => string,
  compute: (xs: T[]) => Promise<Float32Array[]>,
  stats: CacheStats,
): Promise<Float32Array[]> {
  const keys = inputs.map(keyOf);
  const out: Array<Float32Array | undefined> = keys.map((k) => store.get(k));
  const todo: number[] = [];
  out.forEach((v, i) => (v ? stats.hits++ : todo.push(i)));
  if (todo.length > 0) {
    // Compute each distinct missing input once.
    const firstOf = new Map<string, number>();
    for (const i of todo) if (!firstOf.has(keys[i])) firstOf.set(keys[i], i);
    const uniq = [...firstOf.values()];
    const vecs = await compute(uniq.map((i) => inputs[i]));
    if (vecs.length !== uniq.length)
      throw new Error(`encoder returned ${vecs.length} vectors for ${uniq.length} inputs`);
    const byKey = new Map<string, Float32Array>();
    uniq.forEach((i, j) => {
      store.put(keys[i], vecs[j]);
      byKey.set(keys[i], vecs[j]);
    });
    for (const i of todo) out[i] = Float32Array.from(byKey.get(keys[i])!);
    stats.misses += todo.length;
  }
  return out as Float32Array[];
}

export type CachedTextEncoder = TextEncoder & { readonly cacheStats: CacheStats; readonly cacheRoot: string };
export type CachedImageEncoder = ImageEncoder & { readonly cacheStats: CacheStats; readonly cacheRoot: string };

function imageKey(x: ImageInput): string {
  // A file is keyed by its bytes, so the same image under another name is a hit and an edited one a miss.
  if (typeof x === "string") {
    if (!fs.existsSync(x)) throw new DataNotFoundError(`image ${x}`, [x]);
    return sha256(fs.readFileSync(x));
  }
  if (Buffer.isBuffer(x)) return sha256(x);
  return sha256(
    Buffer.concat([
      Buffer.from(`raw:${x.width}x${x.height}x${x.channels ?? ""}:`),
      Buffer.from(x.data.buffer, x.data.byteOffset, x.data.byteLength),
    ]),
  );
}

function isImageEncoder(e: TextEncoder | ImageEncoder): e is ImageEncoder {
  return typeof (e as ImageEncoder).embedImages === "function";
}

/**
 * Wrap an encoder so results are stored on disk and a re-run skips recomputation. Keys: provider id,
 * model (encoder id + provenance id) and sha256 of the input text (or image bytes).
 */
export function cachedEncoder(enc: TextEncoder, opts?: EmbeddingCacheOptions): CachedTextEncoder;
export function cachedEncoder(enc: ImageEncoder, opts?: EmbeddingCacheOptions): CachedImageEncoder;
export function cachedEncoder(
  enc: TextEncoder | ImageEncoder,
  opts: EmbeddingCacheOptions = {},
): CachedTextEncoder | CachedImageEncoder {
  const store = storeFor(enc.id, enc.provenance.id, enc.dim, opts);
  const cacheStats: CacheStats = { hits: 0, misses: 0 };
  const base = { id: enc.id, dim: enc.dim, provenance: enc.provenance, cacheStats, cacheRoot: store.root };
  if (isImageEncoder(enc)) {
    return {
      ...base,
      embedImages: (images: ImageInput[], eo?: EmbedOptions) =>
        throughCache(store, images, imageKey, (xs) => enc.embedImages(xs, eo), cacheStats),
    };
  }
  return {
    ...base,
    embed: (texts: string[], eo?: EmbedOptions) =>
      throughCache(
        store,
        texts,
        (t) => sha256(t),
        (xs) => enc.embed(xs, eo),
        cacheStats,
      ),
  };
}
