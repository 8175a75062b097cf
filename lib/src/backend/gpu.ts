/**
 * Whether an NVIDIA GPU is visible to this process: the driver's device files exist and
 * `CUDA_VISIBLE_DEVICES` does not hide every device ("" or "-1"). The probes are injectable for tests.
 */
import { existsSync } from "node:fs";

export interface GpuProbes {
  exists?: (file: string) => boolean;
  env?: NodeJS.ProcessEnv;
}

/** Device files the NVIDIA driver creates. */
export const NVIDIA_DEVICE_FILES = ["/dev/nvidia0", "/dev/nvidiactl"] as const;

/** Why no GPU is visible, or undefined when one is. */
export function gpuUnavailable(probes: GpuProbes = {}): string | undefined {
  const exists = probes.exists ?? existsSync;
  const env = probes.env ?? process.env;
  if (!NVIDIA_DEVICE_FILES.some((f) => exists(f))) return `no GPU visible (none of ${NVIDIA_DEVICE_FILES.join(", ")})`;
  const visible = env.CUDA_VISIBLE_DEVICES;
  if (visible !== undefined && (visible.trim() === "" || visible.trim() === "-1"))
    return `CUDA_VISIBLE_DEVICES="${visible}" hides every GPU`;
  return undefined;
}

export function gpuVisible(probes: GpuProbes = {}): boolean {
  return gpuUnavailable(probes) === undefined;
}
