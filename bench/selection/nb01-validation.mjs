// Shared set-up of notebook 01's validation selections: the 10k CIFAR-10 train batch split into images
// 0–7,999 (fit) and 8,000–9,999 (validation), and the quick profile's notebook parameters as a base.
import { createRequire } from "node:module";
import { backend, data, experiments, parallel } from "@embedlab/lib";

const { notebookDefaults } = createRequire(import.meta.url)("../../ci/dist/notebooks.js");

export async function nb01ValidationSplit() {
  const root = process.env.EMBEDLAB_DATA_DIR;
  if (!root) {
    console.error("set EMBEDLAB_DATA_DIR to the data root holding cifar-10-batches-bin/ and llm_labels/");
    process.exit(2);
  }
  await backend.initBackend({ prefer: "wasm" });
  const batch = data.loadCifar10("train", { root, batches: [1] });
  const base = notebookDefaults("01_label_embeddings");
  return { root, base, fitPart: data.sliceImages(batch, 0, 8000), valPart: data.sliceImages(batch, 8000, 10000) };
}

/**
 * Train one notebook-01 run per spec ({ runs: "kind[:source][@lr]", seed }) on `fitPart`, score it on
 * `valPart`, all in the worker pool; resolves to one TargetRunResult per spec (same order).
 */
export async function trainSingleRuns(base, specs, fitPart, valPart, sourcesById) {
  const lt = experiments.labelTargets;
  const parts = specs.map((s) => {
    const oneHot = s.runs.startsWith("onehot");
    const cfg = lt.resolveConfig({ ...base, targetRuns: oneHot ? s.runs : `onehot,${s.runs}`, seed: s.seed }); // resolveConfig insists on a one-hot run
    cfg.runs = [cfg.runs[oneHot ? 0 : 1]]; // one run per job, its initial weights from s.seed
    return lt.targetJobs(cfg, fitPart, valPart, sourcesById);
  });
  const done = await parallel.runParallel(parts.map((p) => p.jobs[0]));
  return parts.map((p, i) => p.assemble([done[i]])[0]);
}
