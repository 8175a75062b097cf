/** transformers.js's device here: onnxruntime-node's CUDA provider, the GPU, and EMBEDLAB_DEVICE/EMBEDLAB_DTYPE. */
import { backend } from "@embedlab/lib";
import type { CheckResult } from "./check";

export function checkOnnxruntime(): CheckResult<{
  version?: string;
  cudaProvider?: string;
  device?: string;
  reason: string;
  dtype?: string;
}> {
  const ort = backend.ortCudaProvider();
  let device: string | undefined;
  let reason: string;
  let dtype: string | undefined;
  try {
    const c = backend.resolveDevice();
    device = c.device;
    reason = c.reason;
    dtype = c.dtype;
  } catch (err) {
    const e = err as Error & { hint?: string };
    return {
      id: "onnxruntime",
      name: "transformers.js device",
      summary: e.message.split("\n")[0],
      data: { version: ort.version, cudaProvider: ort.provider, reason: e.message },
      problems: [
        {
          message: e.message.split("\n")[0],
          fix: e.hint ?? "fix EMBEDLAB_DEVICE / EMBEDLAB_DTYPE",
          blocks: ["quick", "full"],
        },
      ],
    };
  }
  return {
    id: "onnxruntime",
    name: "transformers.js device",
    summary: `${reason}${dtype ? ` · dtype ${dtype} (EMBEDLAB_DTYPE)` : ""}`,
    details: [`onnxruntime-node ${ort.version ?? "not installed"}, CUDA provider: ${ort.provider ?? "not installed"}`],
    data: { version: ort.version, cudaProvider: ort.provider, device, reason, dtype },
    problems:
      device === "cuda"
        ? []
        : [
            {
              message: "hub models (NLI, CLIP, BERT, LMs) would run on the CPU",
              fix: backend.ORT_CUDA_FIX,
              blocks: [],
            },
          ],
  };
}
