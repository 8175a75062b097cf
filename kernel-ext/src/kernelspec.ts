import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EmbedlabError, repoRoot, writeJsonAtomic } from "@embedlab/lib";

export const KERNEL_NAME = "embedlab";

/** The content of a Jupyter `kernel.json`. */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal";
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}
export interface KernelSpecOptions {
  /** Repository root (default: `repoRoot()`): sets `EMBEDLAB_ROOT` and where tslab is found. */
  root?: string;
  /** Node binary (default: the one running now, `process.execPath`). */
  node?: string;
  /** Data dir for `EMBEDLAB_DATA_DIR` (default: the current `EMBEDLAB_DATA_DIR`, if set). */
  dataDir?: string;
  /** Extra environment for the kernel. */
  env?: Record<string, string>;
  displayName?: string;
}

/** The tslab launcher inside the repo; throws if it is not installed. */
export function tslabBin(root: string): string {
  const bin = path.join(root, "node_modules", "tslab", "bin", "tslab");
  if (!fs.existsSync(bin)) {
    throw new EmbedlabError(`tslab is not installed: ${bin} does not exist`, `run \`npm install\` in ${root} first`);
  }
  return bin;
}

/** The file every embedlab kernel preloads (`node --require`): guards tslab's zeromq sockets. */
export const KERNEL_PRELOAD = path.join(__dirname, "kernel-preload.js");

/**
 * The kernelspec JSON: Node preloads KERNEL_PRELOAD and runs the repo's tslab, with EMBEDLAB_ROOT
 * (and EMBEDLAB_DATA_DIR) set. `NODE_PATH=<root>/node_modules` lets a notebook in any folder `require` our
 * packages (the preload does the same for TypeScript's resolver); `--enable-source-maps` makes stacks of
 * errors thrown inside lib point at its TypeScript sources (`lib/src/...ts`, not `lib/dist/...js`).
 */
export function kernelSpec(opts: KernelSpecOptions = {}): KernelSpec {
  const root = path.resolve(opts.root ?? repoRoot());
  const env: Record<string, string> = { EMBEDLAB_ROOT: root, NODE_PATH: path.join(root, "node_modules") };
  const dataDir = opts.dataDir ?? process.env.EMBEDLAB_DATA_DIR;
  if (dataDir) env.EMBEDLAB_DATA_DIR = path.resolve(dataDir);
  Object.assign(env, opts.env ?? {});
  return {
    argv: [
      opts.node ?? process.execPath,
      "--enable-source-maps",
      "--require",
      KERNEL_PRELOAD,
      tslabBin(root),
      "kernel",
      "--config-path",
      "{connection_file}",
    ],
    display_name: opts.displayName ?? "TypeScript (embedlab)",
    language: "typescript",
    interrupt_mode: "signal",
    env,
    metadata: { embedlab: { root } },
  };
}

/** Jupyter's per-user data dir: `$JUPYTER_DATA_DIR`, else the platform default (as `jupyter --data-dir`). */
export function jupyterDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return path.resolve(process.env.JUPYTER_DATA_DIR);
  const home = os.homedir();
  if (process.platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (process.platform === "win32")
    return path.join(process.env.APPDATA ?? path.join(home, "AppData", "Roaming"), "jupyter");
  const xdg = process.env.XDG_DATA_HOME;
  return path.join(xdg ? path.resolve(xdg) : path.join(home, ".local", "share"), "jupyter");
}

export interface InstallOptions extends KernelSpecOptions {
  /** Install into `<prefix>/share/jupyter/kernels/` (like `jupyter kernelspec install --prefix`). */
  prefix?: string;
  /** Kernel directory name (default "embedlab"). */
  name?: string;
}

/** Write `<kernels dir>/<name>/kernel.json` atomically; returns the kernel directory. */
export function installKernelSpec(opts: InstallOptions = {}): string {
  const name = opts.name ?? KERNEL_NAME;
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    throw new EmbedlabError(`bad kernel name "${name}"`, "use letters, digits, '.', '_' or '-'");
  const spec = kernelSpec(opts); // validates tslab before anything is written
  const kernels = opts.prefix
    ? path.join(path.resolve(opts.prefix), "share", "jupyter", "kernels")
    : path.join(jupyterDataDir(), "kernels");
  const dir = path.join(kernels, name);
  writeJsonAtomic(path.join(dir, "kernel.json"), spec);
  return dir;
}
