// Selection of notebook 04's quick-profile LoRA settings on a VALIDATION split of the training pairs (never
// on the held-out questions the notebook reports). Run: node bench/selection/04_lora_settings.mjs [--only i,j]
// Writes outputs/selection/04_lora_settings.json; the selected values are SELECTED_LORA in
// lib/src/experiments/clip-llm/config.ts (the quick profile's defaults).
// The validation split holds out whole question templates of the train pairs (fraction 0.1, seed 1), as the
// notebook holds out its test templates. Grid fixed in advance (peak lr, steps, batch; rank 8 on every target):
// the earlier 400-step × batch-4 setting, and 800 steps × batch 8 (the notebook's quick time budget allows about
// 4× the earlier fine-tuning) at three peak learning rates. The rule: highest validation fact accuracy at the
// last step, ties → lower validation loss.
import * as fs from "node:fs";
import * as path from "node:path";
import { backend, experiments } from "@embedlab/lib";

const X = experiments.clipLlm;
// The quick profile's GPT (tinygpt-mix); fixed before any row was run with it.
const ALL = ["q", "k", "v", "attn_out", "mlp"];
const GRID = [
  { loraRank: 8, loraTargets: ALL, loraLr: 1e-2, loraSteps: 400, loraBatch: 4 },
  { loraRank: 8, loraTargets: ALL, loraLr: 2e-3, loraSteps: 800, loraBatch: 8 },
  { loraRank: 8, loraTargets: ALL, loraLr: 5e-3, loraSteps: 800, loraBatch: 8 },
  { loraRank: 8, loraTargets: ALL, loraLr: 1e-2, loraSteps: 800, loraBatch: 8 },
];
const onlyArg = process.argv.indexOf("--only");
const only = onlyArg > 0 ? process.argv[onlyArg + 1].split(",").map(Number) : GRID.map((_, i) => i);
const outFile = path.join("outputs", "selection", "04_lora_settings.json");
await backend.initBackend({ prefer: "wasm" });
// the notebook's parameters cell (quick profile; only the Aonomi / LoRA ones matter here)
const cfg = X.resolveConfig({
  ...{ profile: "quick", dataRoot: process.env.EMBEDLAB_DATA_DIR ?? "", photosRoot: "", captionsFile: "" },
  ...{ ratingsFile: "", foodRoot: "", cifarRoot: "", aonomiFile: "", grammarFile: "", probesFile: "" },
  ...{ textModel: "", clipModel: "", imageSize: 128, lpipsSize: 224, cifarPerClass: 0, headDim: 128 },
  ...{ headEpochs: 10, headTemperature: 0.07, headLr: 0.002, retrievalK: 5, freeQueries: [], lmModel: "" },
  ...{ loraRank: 8, loraAlpha: 16, loraTargets: ["q", "k", "v", "attn_out", "mlp"], loraTrainEmbeddings: true },
  ...{ loraLr: 5e-4, loraBatch: 4, loraSteps: 400, loraCkpt1: 0, evalPoints: 1, heldoutFraction: 0.1 },
  ...{ evalPairs: 100, temperatures: [0.05], topPs: [0.5], repetitionPenalties: [1], maxNewTokens: 40, seed: 0 },
});
const ao = X.loadAonomi(cfg);
const val = X.splitByQuestion(ao.split.train, 0.1, 1);
// one file per grid row (rows may run as separate processes), merged into the record after each row
const rowDir = path.join("outputs", "selection", `04_lora_settings.${cfg.lmModel}`);
fs.mkdirSync(rowDir, { recursive: true });
for (const i of only) {
  const g = GRID[i];
  const o = { ...cfg, ...g, loraAlpha: 2 * g.loraRank, evalPoints: 1, ckpt1: g.loraSteps / 2 };
  const t0 = Date.now();
  const ft = await X.loraFinetune(val, o);
  const fa = await X.checkpointFactAccuracy(ft, val, ao.signatures, { ...o, factPerTemplate: 4 });
  const row = {
    index: i,
    ...g,
    loraAlpha: o.loraAlpha,
    valLossCkpt2: ft.ckpt2.heldout,
    valFactAccCkpt1: fa.ckpt1.estimate,
    valFactAccCkpt2: fa.ckpt2.estimate,
    valQuestions: fa.questions,
    valTemplates: fa.templates,
    seconds: (Date.now() - t0) / 1000,
  };
  console.log(JSON.stringify(row));
  fs.writeFileSync(path.join(rowDir, `row-${i}.json`), JSON.stringify(row) + "\n");
  const rows = fs
    .readdirSync(rowDir)
    .filter((f) => /^row-\d+\.json$/.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(rowDir, f), "utf8")))
    .sort((a, b) => a.index - b.index);
  const best = [...rows].sort((a, b) => b.valFactAccCkpt2 - a.valFactAccCkpt2 || a.valLossCkpt2 - b.valLossCkpt2)[0];
  const record = {
    lmModel: cfg.lmModel,
    rule: "max validation fact accuracy at the last step, ties → lower validation loss",
    trainPairs: val.train.length,
    valPairs: val.heldout.length,
    gridSize: GRID.length,
    rows,
    selected: best,
  };
  fs.writeFileSync(outFile, JSON.stringify(record, null, 2) + "\n");
  ft.model.dispose();
}
