// Diagnostic for notebook 01 section 2 (validation images only, never the test batch): is cosine regression's
// gap to one-hot a matter of the 4-epoch budget? Trains one-hot (lr 4e-3) and cosine on davinci span targets
// (lr 2e-3) — the quick profile's selected settings — for 8 epochs (4-epoch numbers: 01_target_lr.json) on images 0–7,999 of the train batch
// and scores images 8,000–9,999. Run: node bench/selection/01_cosine_convergence.mjs (EMBEDLAB_DATA_DIR set).
// Writes outputs/selection/01_cosine_convergence.json.
import * as path from "node:path";
import { experiments, writeJsonAtomic } from "@embedlab/lib";
import { nb01ValidationSplit } from "./nb01-validation.mjs";

const lt = experiments.labelTargets;
const { root, base, fitPart, valPart } = await nb01ValidationSplit();
const sources = await lt.loadLabelSources(["gpt3-davinci"], "cifar10", { root });
const byId = new Map(sources.sources.map((s) => [s.id, s]));
const rows = [];
for (const epochs of [8]) {
  const cfg = lt.resolveConfig({ ...base, epochs, targetRuns: "onehot@0.004,cosine:gpt3-davinci@0.002" });
  for (const r of await lt.compareTargets(cfg, fitPart, valPart, byId)) {
    rows.push({ run: r.run, epochs, valAccuracy: r.accuracy.estimate, trainSeconds: r.trainSeconds });
    console.log(
      `${epochs} epochs: ${r.run} validation accuracy ${r.accuracy.estimate.toFixed(4)} (${r.trainSeconds.toFixed(0)} s)`,
    );
  }
}
const file = path.join("outputs", "selection", "01_cosine_convergence.json");
writeJsonAtomic(file, {
  note: "4-epoch numbers are in 01_target_lr.json (one-hot 4e-3: 0.5475; cosine span 2e-3: 0.5005)",
  split: { fit: fitPart.source.note, validation: valPart.source.note },
  rows,
});
console.log(`→ ${file}`);
