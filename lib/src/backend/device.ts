/**
 * The transformers.js device and dtype, chosen in one place (every hub-model load in lib passes them):
 * `EMBEDLAB_DEVICE=auto|cpu|cuda|webgpu` (default auto) and `EMBEDLAB_DTYPE=auto|fp32|fp16|q8|…`.
 * `auto` picks `cuda` when onnxruntime-node has its CUDA provider
 * (`bin/napi-v3/linux/x64/libonnxruntime_providers_cuda.so`, installed by
 * `ONNXRUNTIME_NODE_INSTALL_CUDA=v12 npm rebuild onnxruntime-node --ignore-scripts=false`) and a GPU is visible, else `cpu`.
 * dtype precedence: a loader's explicit option, then `EMBEDLAB_DTYPE`, then the loader's default.
 * The probes (package layout, GPU, env) are injectable so each combination is testable.
 */
import * as path from "node:path";
import { existsSync } from "node:fs";
import { EmbedlabError } from "../core/errors";
import { noteRuntime } from "../core/runtime";
import { gpuUnavailable, type GpuProbes } from "./gpu";
import { installedPackage, type PackageProbes } from "./packages";

export type DevicePreference = "auto" | "cpu" | "cuda" | "webgpu";
/** transformers.js weight variants (its DATA_TYPES). */
export type HfDtype = "auto" | "fp32" | "fp16" | "q8" | "int8" | "uint8" | "q4" | "bnb4" | "q4f16";

export const DEVICE_PREFS: readonly DevicePreference[] = ["auto", "cpu", "cuda", "webgpu"];
export const HF_DTYPES: readonly HfDtype[] = ["auto", "fp32", "fp16", "q8", "int8", "uint8", "q4", "bnb4", "q4f16"];

export interface DeviceChoice {
  /** What transformers.js gets as `device`. */
  device: "cpu" | "cuda";
  /** Why. */
  reason: string;
  /** `EMBEDLAB_DTYPE` when set (overrides every loader's default dtype), else undefined. */
  dtype?: HfDtype;
}

export interface DeviceProbes extends PackageProbes, GpuProbes {
  platform?: string;
  arch?: string;
}

export const ORT_CUDA_FIX =
  "install onnxruntime-node's CUDA provider (CUDA 12 + cuDNN 9): ONNXRUNTIME_NODE_INSTALL_CUDA=v12 npm rebuild onnxruntime-node --ignore-scripts=false";

/** onnxruntime-node as transformers.js resolves it: its version and the CUDA provider library, when installed. */
export function ortCudaProvider(probes: DeviceProbes = {}): {
  version?: string;
  provider?: string;
  problem?: string;
} {
  const transformers = installedPackage("@huggingface/transformers", probes);
  const ort = installedPackage("onnxruntime-node", { resolveFrom: transformers?.dir ?? probes.resolveFrom });
  if (!ort) return { problem: "onnxruntime-node not installed" };
  const platform = probes.platform ?? process.platform;
  const arch = probes.arch ?? process.arch;
  const lib = path.join(ort.dir, "bin", "napi-v3", platform, arch, "libonnxruntime_providers_cuda.so");
  const exists = probes.exists ?? existsSync;
  if (platform !== "linux" || arch !== "x64")
    return { version: ort.version, problem: `onnxruntime-node has no CUDA provider on ${platform}/${arch}` };
  if (!exists(lib))
    return { version: ort.version, problem: `onnxruntime-node ${ort.version} has no CUDA provider (${lib} missing)` };
  return { version: ort.version, provider: lib };
}

function parse<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (!(allowed as readonly string[]).includes(v))
    throw new EmbedlabError(`${name}="${v}" is not one embedlab knows`, `set ${name} to one of: ${allowed.join(", ")}`);
  return v as T;
}

/** The device and dtype for transformers.js here (pure given the probes; throws EmbedlabError on bad settings). */
export function resolveDevice(probes: DeviceProbes = {}): DeviceChoice {
  const env = probes.env ?? process.env;
  const pref = parse("EMBEDLAB_DEVICE", env.EMBEDLAB_DEVICE, DEVICE_PREFS) ?? "auto";
  const dtype = parse("EMBEDLAB_DTYPE", env.EMBEDLAB_DTYPE, HF_DTYPES);
  if (pref === "webgpu")
    throw new EmbedlabError(
      "EMBEDLAB_DEVICE=webgpu: transformers.js under Node runs on onnxruntime-node, which offers cpu and cuda only (webgpu is for browsers)",
      "set EMBEDLAB_DEVICE=cuda (with onnxruntime-node's CUDA provider) or cpu, or unset it (auto)",
    );
  if (pref === "cpu") return { device: "cpu", reason: "cpu: requested by EMBEDLAB_DEVICE", dtype };
  const ort = ortCudaProvider(probes);
  const noGpu = gpuUnavailable(probes);
  if (pref === "cuda") {
    if (ort.problem || noGpu)
      throw new EmbedlabError(
        `EMBEDLAB_DEVICE=cuda but ${[ort.problem, noGpu].filter(Boolean).join(" and ")}`,
        ort.problem ? ORT_CUDA_FIX : "run on a machine with an NVIDIA GPU and driver, or set EMBEDLAB_DEVICE=cpu",
      );
    return { device: "cuda", reason: "cuda: requested by EMBEDLAB_DEVICE", dtype };
  }
  if (!ort.problem && !noGpu) return { device: "cuda", reason: `cuda: ${ort.provider} and a GPU visible`, dtype };
  return { device: "cpu", reason: `cpu: ${[ort.problem, noGpu].filter(Boolean).join("; ")}`, dtype };
}

let chosen: DeviceChoice | undefined;

/** This process's transformers.js device (resolved once, noted for the results' `runtime` block). */
export function hfDevice(): DeviceChoice {
  if (!chosen) {
    chosen = resolveDevice();
    noteRuntime({ device: chosen.device, device_reason: chosen.reason, dtype: chosen.dtype ?? "per-model default" });
  }
  return chosen;
}

/** The dtype one load uses: its explicit option, else `EMBEDLAB_DTYPE`, else the loader's default. */
export function hfDtype(explicit: HfDtype | undefined, loaderDefault: HfDtype): HfDtype {
  return explicit ?? hfDevice().dtype ?? loaderDefault;
}
