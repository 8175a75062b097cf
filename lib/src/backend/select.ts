/**
 * Picks the fastest tfjs backend that works here, says which and why:
 * tfjs-node-gpu (installed and a GPU visible) → tfjs-node (installed, real native binding)
 * → wasm (SIMD, with embedlab's extra gradient kernels) → cpu.
 * `EMBEDLAB_BACKEND=auto|wasm|cpu|tensorflow` overrides `opts.prefer`.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, readFileSync } from "node:fs";
import { EmbedlabError } from "../core/errors";
import { registerWasmKernels } from "./wasm-kernels";

export type BackendPreference = "auto" | "wasm" | "cpu" | "tensorflow";
export type BackendInfo = { name: string; reason: string; threads?: number };

const PREFS: readonly BackendPreference[] = ["auto", "wasm", "cpu", "tensorflow"];
let pending: Promise<BackendInfo> | undefined;
let current: BackendInfo | undefined;

/** The backend chosen by `initBackend`, or undefined before it has finished. */
export function backendInfo(): BackendInfo | undefined {
  return current;
}

/**
 * Initialises tfjs once per process and returns what was chosen and why. Later calls return the
 * same info (whatever they pass); restart the process to change backend.
 */
export function initBackend(opts: { prefer?: BackendPreference } = {}): Promise<BackendInfo> {
  if (!pending) {
    pending = Promise.resolve()
      .then(() => choose(resolvePreference(opts.prefer)))
      .then((info) => (current = info));
    pending.catch(() => (pending = undefined));
  }
  return pending;
}

function resolvePreference(prefer: BackendPreference | undefined): { pref: BackendPreference; source: string } {
  const env = process.env.EMBEDLAB_BACKEND?.trim();
  if (env) {
    if (!(PREFS as readonly string[]).includes(env)) {
      throw new EmbedlabError(
        `EMBEDLAB_BACKEND="${env}" is not a backend embedlab knows`,
        `use one of: ${PREFS.join(", ")}`,
      );
    }
    return { pref: env as BackendPreference, source: "EMBEDLAB_BACKEND" };
  }
  if (prefer && !PREFS.includes(prefer)) {
    throw new EmbedlabError(
      `prefer="${String(prefer)}" is not a backend embedlab knows`,
      `use one of: ${PREFS.join(", ")}`,
    );
  }
  return { pref: prefer ?? "auto", source: prefer ? "prefer option" : "auto" };
}

/** Why a native tfjs-node package cannot be used here, or undefined if it can. */
function nativeUnavailable(pkg: string): string | undefined {
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${pkg}/package.json`);
  } catch {
    return `${pkg} not installed`;
  }
  const name = (JSON.parse(readFileSync(pkgJson, "utf8")) as { name?: string }).name;
  if (name !== pkg)
    return `${pkg} resolves to ${name ?? "an unnamed package"} (an npm alias without the native binding)`;
  return undefined;
}

function gpuVisible(): boolean {
  return existsSync("/dev/nvidia0") || existsSync("/dev/nvidiactl");
}

async function tryTensorflow(pkg: string): Promise<string | undefined> {
  try {
    require(pkg);
    if (!tf.findBackend("tensorflow")) return `${pkg} loaded but registered no "tensorflow" backend`;
    if (!(await tf.setBackend("tensorflow"))) return `${pkg}: the tensorflow backend failed to start`;
    return undefined;
  } catch (err) {
    return `${pkg} failed to load: ${(err as Error).message.split("\n")[0]}`;
  }
}

async function tryWasm(): Promise<{ simd: boolean; threads: number } | string> {
  try {
    const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
    registerWasmKernels();
    if (!(await tf.setBackend("wasm"))) return "wasm backend failed to start";
    await tf.ready();
    const simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
    return { simd, threads: wasm.getThreadsCount() };
  } catch (err) {
    return `wasm failed: ${(err as Error).message.split("\n")[0]}`;
  }
}

async function choose({ pref, source }: { pref: BackendPreference; source: string }): Promise<BackendInfo> {
  const why: string[] = [];
  if (pref === "auto" || pref === "tensorflow") {
    for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
      let problem = nativeUnavailable(pkg);
      if (!problem && pkg.endsWith("-gpu") && !gpuVisible()) problem = `${pkg} installed but no GPU visible`;
      if (!problem) problem = await tryTensorflow(pkg);
      if (!problem) {
        return {
          name: "tensorflow",
          reason: `tensorflow (${pkg}, native)${source === "auto" ? "" : `: requested by ${source}`}`,
        };
      }
      why.push(problem);
    }
    if (pref === "tensorflow") {
      throw new EmbedlabError(
        `tensorflow backend requested by ${source} but unavailable: ${why.join("; ")}`,
        "install @tensorflow/tfjs-node, or set EMBEDLAB_BACKEND=auto",
      );
    }
  }
  if (pref === "auto" || pref === "wasm") {
    const w = await tryWasm();
    if (typeof w !== "string") {
      const label = `wasm (${w.simd ? "SIMD" : "no SIMD"}, ${w.threads} thread${w.threads === 1 ? "" : "s"})`;
      const because = pref === "wasm" ? `requested by ${source}` : why.join("; ");
      return { name: "wasm", reason: `${label}: ${because}`, threads: w.threads };
    }
    if (pref === "wasm") {
      throw new EmbedlabError(
        `wasm backend requested by ${source} but unavailable: ${w}`,
        "set EMBEDLAB_BACKEND=cpu to use the slow pure-JS backend",
      );
    }
    why.push(w);
  }
  await tf.setBackend("cpu");
  await tf.ready();
  const because = pref === "cpu" ? `requested by ${source}` : why.join("; ");
  return { name: "cpu", reason: `cpu (pure JS, slow): ${because}`, threads: 1 };
}
