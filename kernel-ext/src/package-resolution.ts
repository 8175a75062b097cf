/**
 * Lets a notebook anywhere (e.g. /tmp/x/nb.ipynb) `import ... from "@embedlab/lib"`. Jupyter starts the kernel in
 * the notebook's folder, so both of tslab's module lookups start there and never reach the repository:
 * - at run time, Node's `require`: the kernelspec sets `NODE_PATH=<repo>/node_modules` (see kernelspec.ts);
 * - at compile time, TypeScript's resolver (which ignores NODE_PATH): `forwardPackages` makes the missing
 *   `<cwd>/node_modules/<package>` read as `<repo>/node_modules/<package>`, the way tslab itself forwards
 *   `<cwd>/node_modules/tslab`. A package the notebook's folder has itself still wins.
 */
import * as path from "node:path";

/** The node_modules folder that holds tslab and our packages (the repository's). */
export function packagesDir(): string {
  return path.dirname(path.dirname(require.resolve("tslab/package.json")));
}

/** The file functions of `ts.sys` that module and type resolution go through. */
interface TsSys {
  fileExists(p: string): boolean;
  directoryExists(p: string): boolean;
  readFile(p: string, encoding?: string): string | undefined;
  readDirectory(p: string, ...rest: unknown[]): string[];
  getDirectories(p: string): string[];
  realpath?(p: string): string;
  getModifiedTime?(p: string): Date | undefined;
}
const FORWARDED = ["fileExists", "directoryExists", "readFile", "readDirectory", "getDirectories", "realpath"] as const;
const PATCHED = Symbol.for("embedlab.forwardPackages");

/** A path under `<cwd>/node_modules/` mapped into `packages` when the notebook's folder lacks that package. */
export function forwardedPath(p: string, cwd: string, packages: string, exists: (p: string) => boolean): string {
  const local = path.join(cwd, "node_modules");
  const rel = path.relative(local, p);
  if (!rel || rel.startsWith("..") || path.isAbsolute(rel)) return p;
  const parts = rel.split(path.sep);
  const top = parts[0].startsWith("@") && parts.length > 1 ? path.join(parts[0], parts[1]) : parts[0];
  if (exists(path.join(local, top))) return p;
  return path.join(packages, rel);
}

/**
 * Patch tslab's TypeScript (`@tslab/typescript-for-tslab`) so its resolver finds `packages` from `cwd`. Does
 * nothing when `cwd` is inside the folder that holds `packages` (the usual lookup already finds them).
 * Returns whether it patched.
 */
export function forwardPackages(cwd = process.cwd(), packages = packagesDir()): boolean {
  const rel = path.relative(path.dirname(packages), cwd);
  if (!rel.startsWith("..") && !path.isAbsolute(rel)) return false;
  const tsPath = require.resolve("@tslab/typescript-for-tslab", { paths: [path.join(packages, "tslab")] });
  const sys = (require(tsPath) as { sys: TsSys & { [PATCHED]?: boolean } }).sys;
  if (sys[PATCHED]) return false;
  const orig = { ...sys };
  const exists = (p: string) => orig.directoryExists.call(sys, p) || orig.fileExists.call(sys, p);
  for (const name of FORWARDED) {
    const fn = orig[name] as ((p: string, ...rest: unknown[]) => unknown) | undefined;
    if (typeof fn !== "function") continue;
    (sys as unknown as Record<string, unknown>)[name] = (p: string, ...rest: unknown[]) =>
      fn.call(sys, typeof p === "string" ? forwardedPath(p, cwd, packages, exists) : p, ...rest);
  }
  sys[PATCHED] = true;
  return true;
}
