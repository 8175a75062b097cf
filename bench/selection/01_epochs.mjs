// Selection of notebook 01 section 2's epoch count for the quick profile, on a VALIDATION split of the 10k
// CIFAR-10 train batch (never on the test batch), after the wasm convolutions got ~2× faster (Winograd).
// Run: node bench/selection/01_epochs.mjs (EMBEDLAB_DATA_DIR set). Writes outputs/selection/01_epochs.json.
// Fixed in advance: train on images 0–7,999 of data_batch_1, validate on 8,000–9,999; the quick profile's
// runs with their selected peak lrs (01_target_lr.json) and settings otherwise; epochs ∈ {5 (the current
// default), 8}; the rule: 8 replaces 5 if it gives the higher validation accuracy for the mean over the
// four runs (one number per profile: the runs share the epoch count). Training time is recorded too: the
// notebook's quick budget is 12 minutes.
import * as path from "node:path";
import { experiments, writeJsonAtomic } from "@embedlab/lib";
import { nb01ValidationSplit } from "./nb01-validation.mjs";

const lt = experiments.labelTargets;
const GRID = [5, 8];
const { root, base, fitPart, valPart } = await nb01ValidationSplit();
const quick = lt.resolveConfig(base);
const sources = await lt.loadLabelSources(
  [...new Set(quick.runs.filter((r) => r.source).map((r) => r.source))],
  "cifar10",
  { root },
);
const byId = new Map(sources.sources.map((s) => [s.id, s]));
const rows = [];
for (const epochs of GRID) {
  const cfg = lt.resolveConfig({ ...base, epochs });
  for (const r of await lt.compareTargets(cfg, fitPart, valPart, byId)) {
    rows.push({ run: r.run, epochs, valAccuracy: r.accuracy.estimate, trainSeconds: r.trainSeconds });
    console.log(
      `${epochs} epochs: ${r.run} validation accuracy ${r.accuracy.estimate.toFixed(4)} (${r.trainSeconds.toFixed(0)} s)`,
    );
  }
}
const mean = (e) => {
  const rs = rows.filter((r) => r.epochs === e);
  return rs.reduce((s, r) => s + r.valAccuracy, 0) / rs.length;
};
const selected = mean(8) > mean(5) ? 8 : 5;
console.log(`mean validation accuracy: 5 epochs ${mean(5).toFixed(4)}, 8 epochs ${mean(8).toFixed(4)} → ${selected}`);
const file = path.join("outputs", "selection", "01_epochs.json");
writeJsonAtomic(file, {
  grid: GRID,
  rule: "8 replaces 5 if the mean validation accuracy over the quick profile's runs is higher",
  split: { fit: fitPart.source.note, validation: valPart.source.note },
  runs: quick.runs.map((r) => r.id ?? r.kind),
  rows,
  meanValAccuracy: Object.fromEntries(GRID.map((e) => [e, mean(e)])),
  selected,
});
console.log(`→ ${file}`);
