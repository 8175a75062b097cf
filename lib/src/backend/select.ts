/**
 * Picks the fastest tfjs backend that works here, says which and why:
 * tfjs-node-gpu (installed and a GPU visible) → tfjs-node (installed, real native binding)
 * → wasm (SIMD, with embedlab's extra gradient kernels) → cpu.
 * `EMBEDLAB_BACKEND=auto|wasm|cpu|tensorflow` overrides `opts.prefer`.
 */
import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../core/errors";
import { noteRuntime } from "../core/runtime";
import { hfDevice } from "./device";
import { gpuUnavailable, type GpuProbes } from "./gpu";
import { installedPackage, type PackageProbes } from "./packages";
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
      .then(() => {
        hfDevice(); // resolve (and record) the transformers.js device too: a bad EMBEDLAB_DEVICE fails here, early
        return choose(resolvePreference(opts.prefer));
      })
      .then((info) => {
        noteRuntime({ backend: info.name, backend_reason: info.reason });
        return (current = info);
      });
    pending.catch(() => (pending = undefined));
  }
  return pending;
}

/** The preference in force: `EMBEDLAB_BACKEND`, else `prefer`, else "auto" (and where it came from). */
export function resolvePreference(
  prefer: BackendPreference | undefined,
  envVars: NodeJS.ProcessEnv = process.env,
): { pref: BackendPreference; source: string } {
  const env = envVars.EMBEDLAB_BACKEND?.trim();
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

/** What the machine looks like to the backend choice (stand-in package layouts and GPUs in tests). */
export interface BackendProbes extends PackageProbes, GpuProbes {}

/** The native tfjs packages, fastest first. */
export const NATIVE_TFJS_PACKAGES = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const;

/** Why a native tfjs-node package cannot be used here, or undefined if it can (before loading it). */
export function nativeUnavailable(pkg: string, probes: BackendProbes = {}): string | undefined {
  const found = installedPackage(pkg, probes);
  if (!found) return `${pkg} not installed`;
  if (found.name !== pkg)
    return `${pkg} resolves to ${found.name ?? "an unnamed package"} (an npm alias without the native binding)`;
  if (pkg.endsWith("-gpu")) {
    const noGpu = gpuUnavailable(probes);
    if (noGpu) return `${pkg} installed but ${noGpu}`;
  }
  return undefined;
}

/**
 * The backends `initBackend` would try for `pref`, in order, and why each native package before them is out.
 * Pure (no package is loaded): `doctor` and the tests use it; `initBackend` then tries them in order.
 */
export function planBackend(
  pref: BackendPreference,
  probes: BackendProbes = {},
): { tries: { name: "tensorflow" | "wasm" | "cpu"; pkg?: string }[]; skipped: string[] } {
  const tries: { name: "tensorflow" | "wasm" | "cpu"; pkg?: string }[] = [];
  const skipped: string[] = [];
  if (pref === "auto" || pref === "tensorflow") {
    for (const pkg of NATIVE_TFJS_PACKAGES) {
      const problem = nativeUnavailable(pkg, probes);
      if (problem) skipped.push(problem);
      else tries.push({ name: "tensorflow", pkg });
    }
  }
  if (pref === "auto" || pref === "wasm") tries.push({ name: "wasm" });
  if (pref === "auto" || pref === "cpu") tries.push({ name: "cpu" });
  return { tries, skipped };
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
  const plan = planBackend(pref);
  const why: string[] = [...plan.skipped];
  for (const t of plan.tries) {
    if (t.name === "tensorflow") {
      const problem = await tryTensorflow(t.pkg!);
      if (!problem) {
        return {
          name: "tensorflow",
          reason: `tensorflow (${t.pkg}, native)${source === "auto" ? "" : `: requested by ${source}`}`,
        };
      }
      why.push(problem);
    } else if (t.name === "wasm") {
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
    } else {
      await tf.setBackend("cpu");
      await tf.ready();
      const because = pref === "cpu" ? `requested by ${source}` : why.join("; ");
      return { name: "cpu", reason: `cpu (pure JS, slow): ${because}`, threads: 1 };
    }
  }
  throw new EmbedlabError(
    `tensorflow backend requested by ${source} but unavailable: ${why.join("; ")}`,
    "install @tensorflow/tfjs-node (or @tensorflow/tfjs-node-gpu on a GPU machine), or set EMBEDLAB_BACKEND=auto",
  );
}
