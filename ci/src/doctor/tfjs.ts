/** The tfjs backend `initBackend()` would pick here, and why (without loading any native package). */
import { backend } from "@embedlab/lib";
import type { CheckResult } from "./check";

export function checkTfjs(): CheckResult<{
  wouldPick: string;
  package?: string;
  preference: string;
  source: string;
  skipped: string[];
}> {
  const { pref, source } = backend.resolvePreference(undefined);
  const plan = backend.planBackend(pref);
  const first = plan.tries[0];
  const pick = first.pkg ? `${first.name} (${first.pkg})` : first.name;
  const gpuBackend = first.pkg === "@tensorflow/tfjs-node-gpu";
  return {
    id: "tfjs",
    name: "tfjs backend",
    summary: `would pick ${pick}${source === "auto" ? "" : ` (${source}=${pref})`}`,
    details: plan.skipped.map((s) => `not used: ${s}`),
    data: { wouldPick: first.name, package: first.pkg, preference: pref, source, skipped: plan.skipped },
    problems: gpuBackend
      ? []
      : [
          {
            message: `training runs on ${pick}, not on a GPU (the full profile's schedules take days to months on a CPU)`,
            fix: "on a machine with an NVIDIA GPU: npm install --no-save @tensorflow/tfjs-node-gpu@4.22.0 (needs CUDA 11.2+ and cuDNN 8)",
            // with no GPU at all the GPU check is what blocks the full profile; here it is only the consequence
            blocks: backend.gpuVisible() ? ["full"] : [],
          },
        ],
  };
}
