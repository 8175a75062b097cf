// Helpers for tests that drive the embedlab kernel with Jupyter's own (Python) tools.
import assert from "node:assert/strict";
import * as path from "node:path";
import { spawn, spawnSync } from "node:child_process";

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

/** The first Python that imports all `modules` (EMBEDLAB_PYTHON, python3, /usr/bin/python3), or null. */
export function pythonWith(modules) {
  for (const py of [process.env.EMBEDLAB_PYTHON, "python3", "/usr/bin/python3"].filter(Boolean)) {
    const r = spawnSync(py, ["-c", modules.map((m) => `import ${m}`).join("; ")], { encoding: "utf8" });
    if (r.status === 0) return py;
  }
  return null;
}

export const NO_NBCONVERT =
  "nbconvert/nbclient not importable: apt-get install jupyter-nbconvert python3-nbclient jupyter-client (or pip install nbconvert)";

/** Run a command; resolves { code, stdout, stderr }. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Register the embedlab kernel as `name` under `<tmp>/share/jupyter` (never the user's Jupyter dirs) and
 * return the environment that makes Jupyter's tools find it (and only it).
 */
export function jupyterEnv(tmp, name) {
  const inst = spawnSync(
    process.execPath,
    [path.join(root, "kernel-ext", "dist", "install.js"), "--prefix", tmp, "--name", name],
    { encoding: "utf8" },
  );
  assert.equal(inst.status, 0, inst.stderr);
  return {
    ...process.env,
    JUPYTER_PATH: path.join(tmp, "share", "jupyter"),
    JUPYTER_DATA_DIR: path.join(tmp, "data"),
    JUPYTER_RUNTIME_DIR: path.join(tmp, "runtime"),
    JUPYTER_CONFIG_DIR: path.join(tmp, "config"),
  };
}

/** `jupyter nbconvert ARGS` (or `python -m nbconvert` when there is no `jupyter` command). */
export function nbconvert(python, args, opts) {
  const jupyter = spawnSync("jupyter", ["nbconvert", "--version"], { env: opts.env, encoding: "utf8" }).status === 0;
  return run(jupyter ? "jupyter" : python, [...(jupyter ? ["nbconvert"] : ["-m", "nbconvert"]), ...args], opts);
}

/** A notebook (nbformat 4.5) of code cells for the kernel `name`. */
export function codeNotebook(cells, name) {
  return {
    cells: cells.map((src, i) => ({
      cell_type: "code",
      id: `c${i}`,
      metadata: {},
      source: src,
      outputs: [],
      execution_count: null,
    })),
    metadata: { kernelspec: { name, display_name: "TypeScript (embedlab)", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}
