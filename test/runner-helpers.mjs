// Shared helpers for the runner tests: fixture notebooks in temp dirs and a way to run ci/dist/run.js.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const RUNNER = path.join(ROOT, "ci", "dist", "run.js");

export function tempDir(prefix = "embedlab-runner-") {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Write `<dir>/<name>.ipynb`; cells are [type, source, tags?]. */
export function writeNb(dir, name, cells) {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "embedlab", display_name: "TypeScript (embedlab)", language: "typescript" } },
    cells: cells.map(([type, source, tags], i) => ({
      cell_type: type,
      id: `c${i}`,
      metadata: tags ? { tags } : {},
      source,
      ...(type === "code" ? { outputs: [], execution_count: null } : {}),
    })),
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.ipynb`), JSON.stringify(nb, null, 1));
}

/** Run the runner; resolves { code, stdout, stderr, ms }. `onSpawn` gets the child (for polling or killing). */
export function runRunner(args, { env = {}, timeoutMs = 240_000, onSpawn } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [RUNNER, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`runner did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
    onSpawn?.(child);
  });
}

export function readNb(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

export function textOf(output) {
  if (output.output_type === "stream") return output.text;
  if (output.output_type === "error") return `${output.ename}: ${output.evalue}`;
  const d = output.data?.["text/plain"];
  return Array.isArray(d) ? d.join("") : String(d ?? "");
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Wait until `pred()` is true or `ms` pass; returns the last value. */
export async function waitFor(pred, ms = 10_000, step = 100) {
  const end = Date.now() + ms;
  for (;;) {
    const v = pred();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, step));
  }
}
