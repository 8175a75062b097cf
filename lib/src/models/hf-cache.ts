/**
 * transformers.js's download cache, made atomic: a hub file is streamed into `<root>/.partial/` and renamed
 * into `<root>/<id>/<file>` only when complete, so an interrupted or failed download leaves neither a
 * half-written file nor an empty model folder (transformers.js's own FileCache writes in place); a revision other
 * than "main" goes to `<root>/.revisions/<rev>/<id>/<file>`. It also
 * remembers, per model id, the commit each response reported (`X-Repo-Commit`) and which hub URLs were tried
 * and are still unanswered (for naming the URL in a failed load's error).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { threadId } from "node:worker_threads";
import { commitOf, revisionRoot, writeCommitNote } from "./hub";
import { removeIfEmpty } from "./hub-download";

/** A model's downloads as the cache saw them. */
export interface HubTraffic {
  /** Commit reported by the hub for this model's files. */
  commit?: string;
  /** Hub URLs asked for and not (yet) stored. */
  pending: string[];
  /** Files stored from the hub. */
  downloaded: string[];
}

/** The Web-Cache-like object transformers.js accepts as `env.customCache` (match + put). */
export interface AtomicHubCache {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<void>;
  /** What happened for one model id. */
  traffic(modelId: string): HubTraffic;
}

/** Puts started in this thread, for unique staging-file names. */
let puts = 0;

export function atomicHubCache(root: string, endpoint: string): AtomicHubCache {
  const byModel = new Map<string, HubTraffic>();
  const traffic = (id: string): HubTraffic => {
    let t = byModel.get(id);
    if (!t) byModel.set(id, (t = { pending: [], downloaded: [] }));
    return t;
  };
  /** remote URL → { id, the revision's model folder, file path in it }, or undefined for keys that are local paths. */
  const fromUrl = (key: string): { id: string; dir: string; file: string } | undefined => {
    const prefix = endpoint.replace(/\/+$/, "") + "/";
    if (!key.startsWith(prefix)) return undefined;
    const m = /^(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(key.slice(prefix.length));
    if (!m) return undefined;
    const [, id, rev, name] = m;
    const dir = path.join(revisionRoot(root, decodeURIComponent(rev)), ...id.split("/"));
    return { id, dir, file: path.join(dir, ...name.split("/")) };
  };
  const open = (file: string): Response | undefined => {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      return undefined;
    }
    if (!st.isFile()) return undefined;
    const body = Readable.toWeb(fs.createReadStream(file)) as unknown as ReadableStream<Uint8Array>;
    return new Response(body, { headers: { "content-length": String(st.size) } });
  };
  return {
    async match(key: string) {
      const remote = fromUrl(key);
      if (!remote) return path.isAbsolute(key) ? open(key) : undefined;
      const hit = open(remote.file);
      if (!hit) {
        const t = traffic(remote.id);
        if (!t.pending.includes(key)) t.pending.push(key);
      }
      return hit;
    },
    async put(key: string, response: Response) {
      const remote = fromUrl(key);
      if (!remote || !response.body) return;
      const partial = path.join(root, ".partial");
      fs.mkdirSync(partial, { recursive: true });
      // unique among processes (pid), their worker threads (threadId) and the puts of this thread
      const tmp = path.join(partial, `${path.basename(remote.file)}.${process.pid}.${threadId}.${++puts}.part`);
      // Opened synchronously, in the same tick as the mkdir: transformers.js stores several files at once, and
      // another put that finishes may remove an empty `.partial/` before an asynchronous open would have run.
      const out = fs.createWriteStream(tmp, { fd: fs.openSync(tmp, "w") });
      try {
        await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), out);
        fs.mkdirSync(path.dirname(remote.file), { recursive: true });
        fs.renameSync(tmp, remote.file);
      } catch (err) {
        out.destroy();
        fs.rmSync(tmp, { force: true });
        throw err;
      } finally {
        removeIfEmpty(partial);
      }
      const t = traffic(remote.id);
      t.commit = commitOf(response.headers) ?? t.commit;
      if (t.commit) writeCommitNote(remote.dir, t.commit);
      t.pending = t.pending.filter((u) => u !== key);
      t.downloaded.push(path.relative(remote.dir, remote.file));
    },
    traffic,
  };
}
