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
  let resolved: { pref: string; source: string };
  try {
    resolved = backend.resolvePreference(undefined);
  } catch (err) {
    return unusable((err as Error).message.split("\n")[0], (err as { hint?: string }).hint ?? "unset EMBEDLAB_BACKEND");
  }
  const { pref, source } = resolved;
  const plan = backend.planBackend(pref as Parameters<typeof backend.planBackend>[0]);
  const first = plan.tries[0];
  if (!first)
    return unusable(
      `EMBEDLAB_BACKEND=${pref} but ${plan.skipped.join("; ")}`,
      "install @tensorflow/tfjs-node (or -gpu), or set EMBEDLAB_BACKEND=auto",
    );
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
            fix: "on a machine with an NVIDIA GPU: npm install --no-save --ignore-scripts=false @tensorflow/tfjs-node-gpu@4.22.0 (needs CUDA 11.2+ and cuDNN 8)",
            // with no GPU at all the GPU check is what blocks the full profile; here it is only the consequence
            blocks: backend.gpuVisible() ? ["full"] : [],
          },
        ],
  };
}

/** A backend setting that makes every notebook fail at its first cell. */
function unusable(message: string, fix: string): ReturnType<typeof checkTfjs> {
  return {
    id: "tfjs",
    name: "tfjs backend",
    summary: message,
    data: {
      wouldPick: "none",
      preference: process.env.EMBEDLAB_BACKEND ?? "",
      source: "EMBEDLAB_BACKEND",
      skipped: [],
    },
    problems: [{ message, fix, blocks: ["quick", "full"] }],
  };
}
