// Selection of notebook 03's contrastive fine-tuning steps, on an INNER split of each fold's fine-tune
// questions (never on the questions the fold evaluates on). Run: node bench/selection/03_finetune_steps.mjs
// Needs EMBEDLAB_DATA_DIR (WikiQA dev). Writes outputs/selection/03_finetune_steps.json; the selected counts are
// SELECTED_STEPS in lib/src/experiments/gpt-embeddings/config.ts (the notebook's quick-profile default).
// The grid and the rule are fixed in advance: steps ∈ {100, 200, 300}, pairs qa,title,crop, batch 24, τ 0.1,
// lr 3e-3, mean-hidden pooling; pick the highest inner same-article AUC (ties → fewer steps).
// The GPT is the quick profile's (models.gpt.DEFAULT_TINY_GPT, data/models/tinygpt-mix).
import * as path from "node:path";
import { backend, data, experiments, metrics, models, writeJsonAtomic } from "@embedlab/lib";

const C = experiments.gptEmbeddings;
const eq = metrics.embeddingQuality;
const GRID = [100, 200, 300];
const root = process.env.EMBEDLAB_DATA_DIR;
if (!root) {
  console.error("set EMBEDLAB_DATA_DIR to the data root holding WikiQA/");
  process.exit(2);
}
await backend.initBackend({ prefer: "wasm" });
const dev = data.loadWikiQA("dev", { root });
const split = C.splitQuestionsById(dev, 0.5, 0); // the notebook's split (evalFraction 0.5, seed 0)
const folds = [
  { fold: 1, tune: split.tune },
  { fold: 2, tune: split.evaluate },
]; // fold 2 fine-tunes on fold 1's evaluation half
const unrelated = C.brownSentenceDocs()
  .filter((d) => d.length > 0)
  .slice(0, 20)
  .map((d) => d[0]); // anisotropy needs some texts; unused here
const out = [];
for (const f of folds) {
  const inner = C.splitQuestionsById(f.tune, 0.5, 1);
  const set = eq.qaEvalSet(inner.evaluate);
  const evalTexts = new Set([...set.questions, ...set.pairs.map((p) => p.sentence)]);
  const sentences = [...new Set(C.wikiqaArticles(inner.tune).flat())];
  const pairs = [
    ...C.questionAnswerPairs(inner.tune),
    ...C.questionTitlePairs(inner.tune),
    ...C.cropPairs(sentences, 0, { source: "wikiqa-crop" }),
  ].filter((p) => !evalTexts.has(p.a) && !evalTexts.has(p.b));
  const row = {
    fold: f.fold,
    innerTuneQuestions: inner.tune.length,
    innerEvalQuestions: set.questions.length,
    innerEvalPairs: set.pairs.length,
    innerEvalCorrect: set.pairs.filter((p) => p.label === 1).length,
    pairs: pairs.length,
    auc: {},
  };
  for (const steps of [0, ...GRID]) {
    const { model, tokenizer } = await models.gpt.loadTinyGpt(models.gpt.defaultCheckpointDir());
    await C.contrastiveFinetune(model, tokenizer, pairs, {
      steps,
      batch: 24,
      temperature: 0.1,
      lr: 3e-3,
      pooling: "mean-hidden",
      seed: 0,
      label: `fold ${f.fold}: ${steps} steps`,
    });
    const r = await eq.evaluateOnQa(
      `${steps}`,
      (x) => models.gpt.embed(model, tokenizer, x, { pooling: "mean-hidden", batchSize: 32, warn: () => {} }),
      set,
      unrelated,
      [],
      {},
    );
    row.auc[steps] = { sameArticle: r.sameArticle.auc, crossQuestion: r.crossQuestion.auc };
    console.log(
      `fold ${f.fold} steps ${steps}: inner same-article AUC ${r.sameArticle.auc.toFixed(3)}, cross-question ${r.crossQuestion.auc.toFixed(3)}`,
    );
    model.dispose();
  }
  const best = GRID.reduce((b, s) => (row.auc[s].sameArticle > row.auc[b].sameArticle ? s : b), GRID[0]);
  row.selected = best;
  out.push(row);
}
const file = path.join("outputs", "selection", "03_finetune_steps.json");
writeJsonAtomic(file, {
  gpt: models.gpt.DEFAULT_TINY_GPT,
  grid: GRID,
  rule: "max inner same-article AUC, ties → fewer steps",
  recipe: { pairs: "qa,title,crop", batch: 24, temperature: 0.1, lr: 3e-3, pooling: "mean-hidden", seed: 0 },
  folds: out,
});
console.log(`→ ${file}`);
