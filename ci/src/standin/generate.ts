/**
 * The stand-in hub's contents: for every model in `HUB_MODELS`, a tiny seeded random-weight repository in the
 * hub's layout (`<dir>/<org>/<name>/<file>` for "main"; `<dir>/.revisions/<rev>/<org>/<name>/<file>` for another
 * branch), plus a manifest (`standin-hub.json`) naming each repository's fake commit. Same seed, same bytes.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { EmbedlabError, Rng, models } from "@embedlab/lib";
import { causalLmRepo, clipRepo, featureExtractionRepo, gpt2Repo, bertRepo, nliRepo, type RepoFiles } from "./repos";

export const MANIFEST = "standin-hub.json";
export const DEFAULT_SEED = 15;

export interface StandinRepo {
  id: string;
  revision: string;
  /** The fake 40-hex commit the server reports (`X-Repo-Commit`) for this repository and revision. */
  commit: string;
  /** Folder of its files, relative to the hub dir. */
  dir: string;
  files: string[];
}

export interface StandinManifest {
  seed: number;
  repos: StandinRepo[];
}

/** A fixed fake commit per model id and revision (sha1 of both): what results record when loaded from the stand-in. */
export function standinCommit(id: string, revision = "main"): string {
  return createHash("sha1").update(`embedlab-standin:${id}@${revision}`).digest("hex");
}

/** Folder of a repository's revision, relative to the hub dir. */
export function repoDir(id: string, revision = "main"): string {
  return revision === "main" ? id : path.posix.join(".revisions", revision, id);
}

function seedOf(seed: number, id: string, revision: string): number {
  return (createHash("sha1").update(`${seed}:${id}@${revision}`).digest().readUInt32LE(0) ^ seed) >>> 0;
}

/** The repositories (revision → files) one model entry stands in for. */
function reposFor(m: models.HubModel, seed: number): [string, RepoFiles][] {
  const rng = (rev: string) => new Rng(seedOf(seed, m.id, rev));
  const rev = m.revision ?? "main";
  switch (m.kind) {
    case "feature-extraction":
      // a model whose base export is on a branch has its fill-mask export on "main" (Xenova/bert-base-uncased)
      return rev === "main"
        ? [["main", featureExtractionRepo(m, rng("main"))]]
        : [
            ["main", featureExtractionRepo(m, rng("main"), true)],
            [rev, featureExtractionRepo(m, rng(rev))],
          ];
    case "clip":
      return [[rev, clipRepo(m, rng(rev))]];
    case "nli-sequence-classification":
      return [[rev, nliRepo(m, rng(rev))]];
    case "causal-lm-chat":
      return [[rev, causalLmRepo(m, rng(rev))]];
    case "gpt2-safetensors":
      return [[rev, gpt2Repo(m, rng(rev))]];
    case "bert-safetensors":
      return [[rev, bertRepo(m, rng(rev))]];
  }
}

/** Write every stand-in (or those in `ids`) under `dir`; returns (and writes) the manifest. */
export function generateStandins(dir: string, opts: { seed?: number; ids?: readonly string[] } = {}): StandinManifest {
  const seed = opts.seed ?? DEFAULT_SEED;
  const wanted = models.HUB_MODELS.filter((m) => !opts.ids || opts.ids.includes(m.id));
  const repos: StandinRepo[] = [];
  for (const m of wanted) {
    for (const [revision, files] of reposFor(m, seed)) {
      const rel = repoDir(m.id, revision);
      for (const [name, content] of files) {
        const file = path.join(dir, ...rel.split("/"), ...name.split("/"));
        fs.mkdirSync(path.dirname(file), { recursive: true });
        if (typeof content === "string" || content instanceof Uint8Array) fs.writeFileSync(file, content);
        else content.write(file);
      }
      const missing = m.files.filter((f) => !files.has(f));
      if (missing.length) throw new Error(`stand-in ${m.id}@${revision} lacks ${missing.join(", ")}`);
      repos.push({
        id: m.id,
        revision,
        commit: standinCommit(m.id, revision),
        dir: rel,
        files: [...files.keys()].sort(),
      });
    }
  }
  const manifest: StandinManifest = { seed, repos };
  fs.writeFileSync(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

/** The manifest of a generated hub dir, or undefined when `dir` holds none. */
export function readManifest(dir: string): StandinManifest | undefined {
  const file = path.join(dir, MANIFEST);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as StandinManifest;
  } catch (err) {
    throw new EmbedlabError(
      `${file} is not a stand-in hub manifest: ${(err as Error).message}`,
      "delete the folder and let serve-hub generate it again",
    );
  }
}
