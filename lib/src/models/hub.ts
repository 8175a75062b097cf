/**
 * Hub access the way the Hugging Face tools do it. Endpoint: `HF_ENDPOINT` (a mirror), default
 * https://huggingface.co. Where downloads go: `hfModelRoot()` (`EMBEDLAB_CACHE_DIR/hf`, default
 * `data/cache/hf`, layout `<id>/<file>`, shared with transformers.js). Python hub caches
 * (`HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`; layout `models--<org>--<name>/snapshots/`)
 * are read, never written.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EmbedlabError, writeFileAtomic } from "../core";

export const DEFAULT_HF_ENDPOINT = "https://huggingface.co";

/** The hub's base URL: `HF_ENDPOINT` without a trailing slash, default https://huggingface.co. */
export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.HF_ENDPOINT?.trim();
  if (!raw) return DEFAULT_HF_ENDPOINT;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EmbedlabError(
      `HF_ENDPOINT="${raw}" is not a URL`,
      "set it to a hub mirror's base URL, e.g. https://hf-mirror.com, or unset it",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new EmbedlabError(
      `HF_ENDPOINT="${raw}" is not an http(s) URL`,
      "set it to a hub mirror's base URL, or unset it",
    );
  return raw.replace(/\/+$/, "");
}

/** `<endpoint>/<id>/resolve/<revision>/<file>`, the hub's file URL scheme. */
export function hubFileUrl(
  modelId: string,
  file: string,
  revision = "main",
  env: NodeJS.ProcessEnv = process.env,
): string {
  return `${hubEndpoint(env)}/${modelId}/resolve/${encodeURIComponent(revision)}/${file}`;
}

/** Under a model root, the folder of one revision's model folders: `root` for "main", else `<root>/.revisions/<rev>`. */
export function revisionRoot(root: string, revision: string): string {
  return revision === "main" ? root : path.join(root, ".revisions", encodeURIComponent(revision));
}

/** The Python hub cache: `HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`. */
export function pythonHubCache(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return path.resolve(env.HF_HUB_CACHE);
  return path.join(env.HF_HOME ? path.resolve(env.HF_HOME) : path.join(os.homedir(), ".cache", "huggingface"), "hub");
}

/** Snapshot folders of `repo` in the Python hub cache (`<pythonHubCache()>/models--org--name/snapshots/*`; the bare folder when none). */
export function pythonHubSnapshots(repo: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const root = path.join(pythonHubCache(env), `models--${repo.replace("/", "--")}`, "snapshots");
  try {
    return fs.readdirSync(root).map((s) => path.join(root, s));
  } catch {
    return [root];
  }
}

/** A network error's cause in a word or two: ECONNREFUSED, ENOTFOUND, a timeout, or the message. */
export function describeCause(err: unknown): string {
  const e = err as {
    name?: string;
    message?: string;
    code?: string;
    cause?: { code?: string; message?: string; errors?: { code?: string }[] };
  };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return "timed out";
  const code = e?.cause?.code ?? e?.cause?.errors?.[0]?.code ?? e?.code;
  if (code) return code;
  return e?.cause?.message ?? e?.message ?? String(err);
}

/** What to do about a failed hub download. */
export function hubFix(env: NodeJS.ProcessEnv = process.env): string {
  const ep = hubEndpoint(env);
  return (
    `check the network and that ${ep} is reachable (npm run doctor checks it); behind a firewall set HF_ENDPOINT to a hub mirror` +
    `${env.HF_ENDPOINT ? ` (now HF_ENDPOINT=${env.HF_ENDPOINT})` : ""}; or run the offline profile: profile "quick"`
  );
}

/** The error for a hub model whose download failed: names the model, the URL, the cause and the fix. */
export function hubDownloadError(
  modelId: string,
  url: string,
  cause: string,
  env: NodeJS.ProcessEnv = process.env,
): EmbedlabError {
  return new EmbedlabError(`could not download hub model "${modelId}" from ${url}: ${cause}`, hubFix(env));
}

/** The commit hash a hub response carries (`X-Repo-Commit`), if any. */
export function commitOf(headers: Headers): string | undefined {
  return headers.get("x-repo-commit") ?? undefined;
}

/** File in a model's folder recording the commit its downloaded files came from (so later offline loads can report it). */
export const COMMIT_NOTE = ".embedlab-commit";

/** Record `commit` for the model folder `dir` (atomically). */
export function writeCommitNote(dir: string, commit: string): void {
  writeFileAtomic(path.join(dir, COMMIT_NOTE), commit + "\n");
}

/** The commit recorded for the model folder `dir`, if any. */
export function readCommitNote(dir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, COMMIT_NOTE), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
