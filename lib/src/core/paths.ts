import * as fs from "node:fs";
import * as path from "node:path";

/** The repository root: the nearest ancestor of this package holding the workspace package.json. */
export function repoRoot(): string {
  if (process.env.EMBEDLAB_ROOT) return path.resolve(process.env.EMBEDLAB_ROOT);
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        const json = JSON.parse(fs.readFileSync(pkg, "utf8")) as { workspaces?: unknown };
        if (json.workspaces) return dir;
      } catch {
        /* keep looking */
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** Where datasets live: `EMBEDLAB_DATA_DIR`, else `data/cache/` in the repo (git-ignored). */
export function dataDir(): string {
  return process.env.EMBEDLAB_DATA_DIR
    ? path.resolve(process.env.EMBEDLAB_DATA_DIR)
    : path.join(repoRoot(), "data", "cache");
}

/** Where computed artefacts (embedding cache, downloads in progress) go: `EMBEDLAB_CACHE_DIR` or `data/cache/`. */
export function cacheDir(...sub: string[]): string {
  const base = process.env.EMBEDLAB_CACHE_DIR
    ? path.resolve(process.env.EMBEDLAB_CACHE_DIR)
    : path.join(repoRoot(), "data", "cache");
  return path.join(base, ...sub);
}

/** Where executed notebooks, figures and results go: `EMBEDLAB_OUTPUT_DIR` or `outputs/`. */
export function outputDir(): string {
  return process.env.EMBEDLAB_OUTPUT_DIR
    ? path.resolve(process.env.EMBEDLAB_OUTPUT_DIR)
    : path.join(repoRoot(), "outputs");
}

/** Files the project itself makes and commits (captions, checkpoints, generated datasets). */
export function projectDataDir(...sub: string[]): string {
  return path.join(repoRoot(), "data", ...sub);
}
