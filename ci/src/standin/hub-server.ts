/**
 * A loopback stand-in for the Hugging Face hub: serves a generated stand-in dir (see `generate.ts`) under the
 * hub's URL scheme `/<org>/<name>/resolve/<revision>/<file>` (revision: a branch or the repository's commit),
 * with `X-Repo-Commit`, `ETag` and `Content-Length` like the hub, GET and HEAD, and 404s with the hub's
 * `X-Error-Code` (RepoNotFound, RevisionNotFound, EntryNotFound) for anything else. `/api/models/<id>[/revision/<rev>]`
 * answers the hub API's model info (id, sha, siblings); `/` a one-line banner.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { EmbedlabError } from "@embedlab/lib";
import { readManifest, type StandinRepo } from "./generate";

export interface HubServer {
  /** `http://127.0.0.1:<port>`: what HF_ENDPOINT should be. */
  endpoint: string;
  port: number;
  /** Every request served, as "METHOD /path STATUS". */
  log: string[];
  close(): Promise<void>;
}

const URL_RE = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/;
/** The hub API's model info: `/api/models/<id>` or `/api/models/<id>/revision/<rev>` → { id, sha, siblings }. */
const API_RE = /^\/api\/models\/([^/]+\/[^/]+)(?:\/revision\/([^/]+))?$/;

export async function startHubServer(opts: { dir: string; port?: number; host?: string }): Promise<HubServer> {
  const manifest = readManifest(opts.dir);
  if (!manifest)
    throw new EmbedlabError(
      `${opts.dir} holds no stand-in hub (no standin-hub.json)`,
      "generate one first: node ci/dist/standin/serve-hub.js --dir <dir> (generates when absent)",
    );
  const log: string[] = [];
  const find = (id: string, rev: string): StandinRepo | undefined =>
    manifest.repos.find((r) => r.id === id && (r.revision === rev || r.commit === rev));
  const server = http.createServer((req, res) => {
    const done = (status: number, headers: http.OutgoingHttpHeaders, body?: string | { file: string }) => {
      log.push(`${req.method} ${req.url} ${status}`);
      res.writeHead(status, headers);
      if (req.method === "HEAD" || body === undefined) res.end();
      else if (typeof body === "string") res.end(body);
      else
        fs.createReadStream(body.file)
          .on("error", () => res.destroy())
          .pipe(res);
    };
    const notFound = (code: string, message: string) =>
      done(
        404,
        { "content-type": "text/plain; charset=utf-8", "x-error-code": code, "x-error-message": message },
        message,
      );
    if (req.method !== "GET" && req.method !== "HEAD")
      return done(405, { allow: "GET, HEAD", "content-type": "text/plain" }, "method not allowed");
    let p: string;
    try {
      p = decodeURIComponent(new URL(req.url ?? "/", "http://standin").pathname);
    } catch {
      return notFound("EntryNotFound", "bad URL");
    }
    if (p === "/")
      return done(
        200,
        { "content-type": "text/plain; charset=utf-8" },
        `embedlab stand-in hub: ${manifest.repos.length} repositories\n`,
      );
    const api = API_RE.exec(p);
    if (api) {
      const repo = find(api[1], api[2] ?? "main");
      if (!repo)
        return notFound(
          manifest.repos.some((r) => r.id === api[1]) ? "RevisionNotFound" : "RepoNotFound",
          "Repository not found",
        );
      const body = JSON.stringify({
        id: repo.id,
        sha: repo.commit,
        siblings: repo.files.map((rfilename) => ({ rfilename })),
      });
      return done(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }, body);
    }
    const m = URL_RE.exec(p);
    if (!m) return notFound("RepoNotFound", "Repository not found");
    const [, id, rev, file] = m;
    if (!manifest.repos.some((r) => r.id === id)) return notFound("RepoNotFound", "Repository not found");
    const repo = find(id, rev);
    if (!repo) return notFound("RevisionNotFound", "Invalid rev id: " + rev);
    if (file.split("/").includes("..") || !repo.files.includes(file))
      return notFound("EntryNotFound", "Entry not found");
    const full = path.join(opts.dir, ...repo.dir.split("/"), ...file.split("/"));
    let st: fs.Stats;
    try {
      st = fs.statSync(full);
    } catch {
      return notFound("EntryNotFound", "Entry not found");
    }
    done(
      200,
      {
        "content-type": file.endsWith(".json") ? "application/json" : "application/octet-stream",
        "content-length": st.size,
        etag: `"${repo.commit.slice(0, 8)}-${st.size}-${Math.floor(st.mtimeMs)}"`,
        "x-repo-commit": repo.commit,
        "accept-ranges": "bytes",
      },
      { file: full },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${opts.host ?? "127.0.0.1"}:${port}`,
    port,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
