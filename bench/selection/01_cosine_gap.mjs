// Where does cosine regression's gap to one-hot come from? A diagnostic on the VALIDATION split of the 10k
// CIFAR-10 train batch (images 0–7,999 fit, 8,000–9,999 validate; never the test batch). It selects nothing:
// it splits the gap into (a) the loss — cosine regression onto targets with no language-model structure
// (the "onehot-vectors" control: unit vectors, centred = a regular simplex) vs one-hot cross-entropy — and
// (b) the targets — GPT-3 davinci vs that control under the same cosine loss.
// Fixed in advance: the quick profile's settings (5 epochs, span coordinates, each run at its notebook lr:
// one-hot 4e-3, both cosine runs 2e-3), two seeds, every kind trained from the same seed's initial weights.
// Run: node bench/selection/01_cosine_gap.mjs (needs EMBEDLAB_DATA_DIR). Writes outputs/selection/01_cosine_gap.json.
import * as path from "node:path";
import { experiments, writeJsonAtomic } from "@embedlab/lib";
import { nb01ValidationSplit, trainSingleRuns } from "./nb01-validation.mjs";

const lt = experiments.labelTargets;
const { root, base, fitPart, valPart } = await nb01ValidationSplit();
const kinds = ["onehot@0.004", "cosine:onehot-vectors@0.002", "cosine:gpt3-davinci@0.002"];
const seeds = [11, 12];
const specs = seeds.flatMap((seed) => kinds.map((runs) => ({ runs, seed })));
const sources = await lt.loadLabelSources(["gpt3-davinci", "onehot-vectors"], "cifar10", { root });
const byId = new Map(sources.sources.map((s) => [s.id, s]));
const results = await trainSingleRuns(base, specs, fitPart, valPart, byId);
const rows = results.map((r, i) => {
  console.log(`seed ${specs[i].seed} ${specs[i].runs}: validation accuracy ${r.accuracy.estimate.toFixed(4)}`);
  return {
    run: specs[i].runs,
    seed: specs[i].seed,
    valAccuracy: r.accuracy.estimate,
    lo: r.accuracy.lo,
    hi: r.accuracy.hi,
    finalLoss: r.history[r.history.length - 1].loss,
  };
});
const mean = (run) => rows.filter((r) => r.run === run).reduce((s, r) => s + r.valAccuracy, 0) / seeds.length;
const [oh, ctl, dav] = kinds.map(mean);
const summary = {
  meanValAccuracy: Object.fromEntries(kinds.map((k) => [k, mean(k)])),
  lossCost: oh - ctl,
  targetCost: ctl - dav,
  totalGap: oh - dav,
};
console.log(JSON.stringify(summary, null, 2));
const file = path.join("outputs", "selection", "01_cosine_gap.json");
writeJsonAtomic(file, {
  question: "cosine regression's gap to one-hot: the loss or the language-model targets?",
  split: { fit: fitPart.source.note, validation: valPart.source.note },
  epochs: 5,
  seeds,
  rows,
  summary,
});
console.log(`→ ${file}`);
