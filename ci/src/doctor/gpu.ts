/** The GPU and driver: device files, CUDA_VISIBLE_DEVICES, and `nvidia-smi` when present. */
import { spawnSync } from "node:child_process";
import { backend } from "@embedlab/lib";
import type { CheckResult } from "./check";

export interface GpuInfo {
  visible: boolean;
  reason?: string;
  /** One entry per GPU from nvidia-smi: name, driver, memory. */
  gpus: { name: string; driver: string; memory: string }[];
  nvidiaSmi: "ok" | "not found" | "failed";
}

export function checkGpu(): CheckResult<GpuInfo> {
  const reason = backend.gpuUnavailable();
  const r = spawnSync("nvidia-smi", ["--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"], {
    encoding: "utf8",
    timeout: 15_000,
  });
  const smi: GpuInfo["nvidiaSmi"] = r.error ? "not found" : r.status === 0 ? "ok" : "failed";
  const gpus =
    smi === "ok"
      ? r.stdout
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((l) => {
            const [name, driver, memory] = l.split(",").map((s) => s.trim());
            return { name, driver, memory };
          })
      : [];
  const data: GpuInfo = { visible: !reason, reason, gpus, nvidiaSmi: smi };
  return {
    id: "gpu",
    name: "GPU",
    summary: reason
      ? reason
      : `${gpus.map((g) => `${g.name} (driver ${g.driver}, ${g.memory})`).join("; ") || "visible"}`,
    details: [`nvidia-smi: ${smi}`],
    data,
    problems: reason
      ? [
          {
            message: `no GPU: ${reason}`,
            fix: "run the full profile on a machine with an NVIDIA GPU and driver (nvidia-smi must list it), or use profile quick here",
            blocks: ["full"],
          },
        ]
      : [],
  };
}
