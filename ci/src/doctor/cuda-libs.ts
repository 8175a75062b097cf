/**
 * CUDA and cuDNN runtime libraries found (the linker cache `ldconfig -p`, then `LD_LIBRARY_PATH`), and the
 * versions each installed native package needs: tfjs-node-gpu 4.x (libtensorflow 2.9) CUDA 11.2+ / cuDNN 8;
 * onnxruntime-node 1.2x's CUDA provider CUDA 12 / cuDNN 9.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { backend } from "@embedlab/lib";
import type { CheckResult, Problem } from "./check";

export interface FoundLib {
  lib: "libcudart" | "libcudnn";
  /** The soname's major version, e.g. "12". */
  major: string;
  file: string;
}

export interface Requirement {
  package: string;
  installed: boolean;
  cuda: string;
  cudnn: string;
  /** Major versions of libcudart / libcudnn that satisfy it. */
  cudartMajors: string[];
  cudnnMajors: string[];
}

const SONAME = /^(libcudart|libcudnn)\.so\.(\d+)/;

/** Parse `ldconfig -p` output and list LD_LIBRARY_PATH folders for libcudart/libcudnn with a major version. */
export function findCudaLibs(ldconfigOut: string, ldLibraryPath: string | undefined): FoundLib[] {
  const out: FoundLib[] = [];
  const add = (name: string, file: string) => {
    const m = SONAME.exec(name);
    if (m && !out.some((f) => f.file === file)) out.push({ lib: m[1] as FoundLib["lib"], major: m[2], file });
  };
  for (const line of ldconfigOut.split("\n")) {
    const m = /^\s*(\S+)\s.*=>\s*(\S+)/.exec(line);
    if (m) add(m[1], m[2]);
  }
  for (const dir of (ldLibraryPath ?? "").split(":").filter(Boolean)) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) add(n, path.join(dir, n));
  }
  return out;
}

/** What each native package needs (only installed ones block anything). */
export function requirements(): Requirement[] {
  const tfGpu = backend.nativeUnavailable("@tensorflow/tfjs-node-gpu");
  const ort = backend.ortCudaProvider();
  const ortMinor = Number((ort.version ?? "1.21.0").split(".")[1]);
  return [
    {
      package: "@tensorflow/tfjs-node-gpu 4.x (libtensorflow 2.9)",
      installed: !tfGpu || !/not installed|npm alias/.test(tfGpu),
      cuda: "11.2+ (libcudart.so.11.0)",
      cudnn: "8 (libcudnn.so.8)",
      cudartMajors: ["11"],
      cudnnMajors: ["8"],
    },
    {
      package: `onnxruntime-node ${ort.version ?? "(not installed)"} CUDA provider`,
      installed: Boolean(ort.provider),
      cuda: ortMinor >= 19 ? "12.x (libcudart.so.12)" : "11.8 (libcudart.so.11.0)",
      cudnn: ortMinor >= 19 ? "9 (libcudnn.so.9)" : "8 (libcudnn.so.8)",
      cudartMajors: ortMinor >= 19 ? ["12"] : ["11"],
      cudnnMajors: ortMinor >= 19 ? ["9"] : ["8"],
    },
  ];
}

export function checkCudaLibs(): CheckResult<{ found: FoundLib[]; needs: (Requirement & { satisfied: boolean })[] }> {
  const r = spawnSync("ldconfig", ["-p"], { encoding: "utf8", timeout: 15_000 });
  const found = findCudaLibs(r.status === 0 ? r.stdout : "", process.env.LD_LIBRARY_PATH);
  const has = (lib: FoundLib["lib"], majors: string[]) => found.some((f) => f.lib === lib && majors.includes(f.major));
  const needs = requirements().map((q) => ({
    ...q,
    satisfied: has("libcudart", q.cudartMajors) && has("libcudnn", q.cudnnMajors),
  }));
  const problems: Problem[] = needs
    .filter((q) => q.installed && !q.satisfied)
    .map((q) => ({
      message: `${q.package} is installed but CUDA ${q.cuda} and cuDNN ${q.cudnn} are not both found`,
      fix: `install CUDA ${q.cuda} and cuDNN ${q.cudnn} runtime libraries (or add their folder to LD_LIBRARY_PATH)`,
      blocks: ["full"],
    }));
  const list = (lib: FoundLib["lib"]) =>
    [...new Set(found.filter((f) => f.lib === lib).map((f) => f.major))].map((m) => `${lib}.so.${m}`).join(", ") ||
    "none";
  return {
    id: "cuda",
    name: "CUDA/cuDNN",
    summary: `found ${list("libcudart")}; ${list("libcudnn")}`,
    details: needs.map(
      (q) =>
        `${q.package}${q.installed ? "" : " (not installed)"} needs CUDA ${q.cuda}, cuDNN ${q.cudnn}: ${q.satisfied ? "found" : "not found"}`,
    ),
    data: { found, needs },
    problems,
  };
}
