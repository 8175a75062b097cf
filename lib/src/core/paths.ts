import * as fs from "node:fs";
import * as path from "node:path";

/** The repository root: the nearest ancestor of this package holding the workspace package.json. */
export function repoRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EMBEDLAB_ROOT) return path.resolve(env.EMBEDLAB_ROOT);
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
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.EMBEDLAB_DATA_DIR ? path.resolve(env.EMBEDLAB_DATA_DIR) : path.join(repoRoot(env), "data", "cache");
}

/** Where computed artefacts (embedding cache, downloads in progress) go: `EMBEDLAB_CACHE_DIR` or `data/cache/`. */
export function cacheDir(...sub: string[]): string {
  return path.join(cacheRoot(process.env), ...sub);
}

function cacheRoot(env: NodeJS.ProcessEnv): string {
  return env.EMBEDLAB_CACHE_DIR ? path.resolve(env.EMBEDLAB_CACHE_DIR) : path.join(repoRoot(env), "data", "cache");
}

/** Where executed notebooks, figures and results go: `EMBEDLAB_OUTPUT_DIR` or `outputs/`. */
export function outputDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.EMBEDLAB_OUTPUT_DIR ? path.resolve(env.EMBEDLAB_OUTPUT_DIR) : path.join(repoRoot(env), "outputs");
}

/** Files the project itself makes and commits (captions, checkpoints, generated datasets). */
export function projectDataDir(...sub: string[]): string {
  return path.join(repoRoot(), "data", ...sub);
}

/**
 * `value` with this machine's paths written portably, for files that get committed (results, executed
 * notebooks): the repo root becomes repo-relative ("outputs/x.json", "." for the root itself), and the
 * data, cache and output folders outside the repo become `$EMBEDLAB_DATA_DIR`, `$EMBEDLAB_CACHE_DIR`,
 * `$EMBEDLAB_OUTPUT_DIR` (as `env` sets them). Strings anywhere inside objects and arrays are rewritten; nothing
 * else changes.
 */
export function portablePaths<T>(value: T, env: NodeJS.ProcessEnv = process.env): T {
  const root = repoRoot(env);
  const inRepo = (dir: string) => dir === root || dir.startsWith(root + path.sep);
  const prefixes: [string, string][] = [];
  for (const [name, dir] of [
    ["$EMBEDLAB_DATA_DIR", dataDir(env)],
    ["$EMBEDLAB_CACHE_DIR", cacheRoot(env)],
    ["$EMBEDLAB_OUTPUT_DIR", outputDir(env)],
  ] as const) {
    if (!inRepo(dir) && dir !== path.parse(dir).root) prefixes.push([dir, name]);
  }
  // Longest first, so a folder inside another is named by the nearer variable.
  prefixes.sort((a, b) => b[0].length - a[0].length);
  const esc = (dir: string) => dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // A folder's path, not a longer name that starts with it ("/repo" in "/repo2" stays).
  const whole = (dir: string) => new RegExp(`${esc(dir)}(?![\\w.-])`, "g");
  const rules: [RegExp, string][] = [
    ...prefixes.map(([dir, name]): [RegExp, string] => [whole(dir), name]),
    [new RegExp(`${esc(root + path.sep)}`, "g"), ""],
    [whole(root), "."],
  ];
  const rewrite = (s: string): string => rules.reduce((out, [re, to]) => out.replace(re, to), s);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return rewrite(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
