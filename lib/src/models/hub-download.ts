/**
 * Download a hub model's files into its folder atomically: every missing file is fetched from
 * `HF_ENDPOINT` into `<hf root>/.partial/` first, and only when all arrived are they renamed into place, so a
 * failure (connection refused, 404, broken off) leaves no partial file and no new (empty) model folder.
 * A failure names the model id, the URL, the cause and the fix.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { noteModel } from "../core";
import { commitOf, describeCause, hubDownloadError, hubFileUrl, writeCommitNote } from "./hub";

export interface HubDownload {
  /** Files fetched (those already in `dir` are skipped). */
  fetched: string[];
  /** Commit the hub reported (`X-Repo-Commit`), if it did. */
  commit?: string;
}

/** Remove a staging folder once nothing is in it (another download may still be using it). */
export function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    /* not empty, or already gone */
  }
}

export async function downloadHubFiles(
  modelId: string,
  files: readonly string[],
  dir: string,
  opts: { revision?: string; partialDir: string },
): Promise<HubDownload> {
  const revision = opts.revision ?? "main";
  const todo = files.filter((f) => !fs.existsSync(path.join(dir, f)));
  if (todo.length === 0) return { fetched: [] };
  fs.mkdirSync(opts.partialDir, { recursive: true });
  const staged = fs.mkdtempSync(path.join(opts.partialDir, `${modelId.replace(/\//g, "--")}.`));
  let commit: string | undefined;
  try {
    for (const f of todo) {
      const url = hubFileUrl(modelId, f, revision);
      let res: Response;
      try {
        res = await fetch(url, { redirect: "follow" });
      } catch (err) {
        throw hubDownloadError(modelId, url, describeCause(err));
      }
      if (!res.ok || !res.body) {
        const what = res.status === 404 ? " (no such file: check the model id and revision)" : "";
        throw hubDownloadError(modelId, url, `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}${what}`);
      }
      commit = commitOf(res.headers) ?? commit;
      const dest = path.join(staged, ...f.split("/"));
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      try {
        await pipeline(
          Readable.fromWeb(res.body as import("node:stream/web").ReadableStream),
          fs.createWriteStream(dest),
        );
      } catch (err) {
        throw hubDownloadError(modelId, url, `download broke off: ${describeCause(err)}`);
      }
    }
    for (const f of todo) {
      const dest = path.join(dir, ...f.split("/"));
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.renameSync(path.join(staged, ...f.split("/")), dest);
    }
  } finally {
    fs.rmSync(staged, { recursive: true, force: true });
    removeIfEmpty(opts.partialDir);
  }
  if (commit) writeCommitNote(dir, commit);
  noteModel({ id: modelId, revision, commit, source: hubFileUrl(modelId, "", revision).replace(/\/resolve\/.*$/, "") });
  return { fetched: todo, commit };
}
