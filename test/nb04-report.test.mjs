import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
const __dirname = path.dirname(fileURLToPath(import.meta.url));

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const X = lib.experiments.clipLlm;

const params = {
  profile: "quick",
  dataRoot: "/data",
  photosRoot: "",
  captionsFile: "",
  ratingsFile: "",
  foodRoot: "",
  cifarRoot: "",
  flickrRoot: "",
  aonomiFile: "",
  grammarFile: "",
  probesFile: "",
  textModel: "",
  clipModel: "",
  imageSize: 128,
  imageLayer: "block_14_expand_relu",
  lpipsSize: 224,
  cifarPerClass: 0,
  headDim: 128,
  headEpochs: 10,
  headTemperature: 0.07,
  headLr: 0.002,
  flickrTrainCaptions: 2,
  ridgeLambdas: [0.3, 1],
  classCaptionWeights: [0, 1],
  foodValEvery: 5,
  retrievalK: 5,
  gallerySize: 0,
  freeQueries: ["italian food"],
  lmModel: "",
  loraRank: 8,
  loraAlpha: 16,
  loraTargets: ["q"],
  loraTrainEmbeddings: true,
  loraLr: 0,
  loraBatch: 0,
  loraSteps: 0,
  loraCkpt1: 0,
  evalPoints: 4,
  heldoutFraction: 0.1,
  evalPairs: 100,
  factPerTemplate: 0,
  qloraSteps: 0,
  temperatures: [0.05],
  topPs: [0.5],
  repetitionPenalties: [1],
  maxNewTokens: 40,
  seed: 0,
};

test("resolveConfig: every quick and full default, explicit values win, checkpoint 1 at half the steps", () => {
  const q = X.resolveConfig(params);
  assert.equal(q.root, "/data");
  assert.equal(q.photosRoot, "/data");
  assert.equal(q.foodRoot, "/data");
  assert.equal(q.flickrRoot, "/data");
  assert.equal(q.cifarRoot, "/data");
  assert.match(q.captionsFile, /data\/photos\/captions\.json$/);
  assert.match(q.probesFile, /data\/aonomi\/probes\.json$/);
  assert.deepEqual(
    [q.textModel, q.clipModel, q.cifarPerClass, q.lmModel, q.loraSteps, q.ckpt1],
    ["use-lite", "clip-lite", 50, "tinygpt-mix", X.SELECTED_LORA.loraSteps, X.SELECTED_LORA.loraSteps / 2],
  );
  assert.deepEqual(
    [q.loraLr, q.loraBatch, q.factPerTemplate, q.qloraSteps],
    [X.SELECTED_LORA.loraLr, X.SELECTED_LORA.loraBatch, 3, 50],
  );
  assert.ok(!("loraCkpt1" in q));
  const f = X.resolveConfig({ ...params, profile: "full" });
  assert.deepEqual(
    [f.textModel, f.clipModel, f.cifarPerClass, f.lmModel, f.loraSteps, f.ckpt1],
    ["hf:Xenova/bert-base-uncased", "hf:Xenova/clip-vit-base-patch32", 1000, "gpt2", 1000, 500],
  );
  // the original's schedule under full: batch 3, lr 5e-4, checkpoints 500 / 1,000; QLoRA over the same steps
  assert.deepEqual([f.loraBatch, f.loraLr, f.qloraSteps], [3, 5e-4, 1000]);
  const o = X.resolveConfig({ ...params, foodRoot: "/food", clipModel: "hf:x", loraSteps: 30, loraCkpt1: 7 });
  assert.deepEqual([o.foodRoot, o.photosRoot, o.clipModel, o.loraSteps, o.ckpt1], ["/food", "/data", "hf:x", 30, 7]);
  assert.equal(o.qloraSteps, 30, "QLoRA never runs longer than the main run");
  assert.equal(
    X.resolveConfig({ ...params, loraSteps: 60 }).ckpt1,
    30,
    "an explicit step count puts checkpoint 1 at half",
  );
  const saved = X.savedParams(q);
  assert.equal(Object.keys(saved)[0], "profile");
  assert.equal(saved.ckpt1, X.SELECTED_LORA.loraSteps / 2);
  assert.equal(Object.keys(saved).length, 46);
  assert.deepEqual([saved.flickrRoot, saved.ridgeLambdas, saved.classCaptionWeights], ["/data", [0.3, 1], [0, 1]]);
  assert.equal(saved.imageLayer, "block_14_expand_relu");
});

test("evaluationSteps: evenly spaced plus both checkpoints, sorted, deduplicated, within 1..steps", () => {
  assert.deepEqual(X.evaluationSteps(400, 4, 200), [100, 200, 300, 400]);
  assert.deepEqual(X.evaluationSteps(400, 4, 150), [100, 150, 200, 300, 400]);
  assert.deepEqual(X.evaluationSteps(10, 0, 5), [5, 10]);
});

const sources = {
  text: { comparison: { spearman: { estimate: 0.7, lo: 0.5, hi: 0.8 } } },
  match: { diagTop1: 0.4 },
  lpips: {
    sanity: {
      identical: 0,
      smallNoise: 0.01,
      differentMin: 0.2,
      differentMean: 0.5,
      noiseToDifferentRatio: 0.05,
      orderingHolds: true,
    },
  },
  retrieval: { metrics: { recallAt1: 0.6, recallAt5: 0.9, precisionAt5: 0.5 } },
  lora: { start: { train: 6, heldout: 6.2 }, ckpt1: { train: 3, heldout: 3.5 }, ckpt2: { train: 2, heldout: 3.25 } },
  samples: { hallucinationRate: { "checkpoint 1": 0.75, "checkpoint 2": 0.5 } },
  aonomi: { pairs: new Array(3428), sameAsGrammar: true },
};

test("metrics: the 25 flat keys in the saved order, differences and 0/1 flags", () => {
  const m = X.metrics(sources);
  assert.deepEqual(Object.keys(m), [
    "text_human_spearman",
    "text_human_spearman_lo",
    "text_human_spearman_hi",
    "image_text_diag_top1",
    "lpips_identical",
    "lpips_small_noise",
    "lpips_different_min",
    "lpips_different_mean",
    "lpips_noise_to_different_ratio",
    "lpips_ordering_holds",
    "retrieval_recall_at_1",
    "retrieval_recall_at_5",
    "retrieval_precision_at_5",
    "lora_train_loss_start",
    "lora_train_loss_ckpt1",
    "lora_train_loss_ckpt2",
    "lora_heldout_loss_start",
    "lora_heldout_loss_ckpt1",
    "lora_heldout_loss_ckpt2",
    "heldout_loss_drop_ckpt1_vs_start",
    "heldout_loss_drop_ckpt2_vs_ckpt1",
    "hallucination_rate",
    "hallucination_rate_ckpt1",
    "aonomi_pairs",
    "aonomi_matches_grammar",
  ]);
  assert.equal(m.heldout_loss_drop_ckpt1_vs_start, 6.2 - 3.5);
  assert.equal(m.heldout_loss_drop_ckpt2_vs_ckpt1, 0.25);
  assert.equal(m.hallucination_rate, 0.5);
  assert.equal(m.hallucination_rate_ckpt1, 0.75);
  assert.equal(m.lpips_ordering_holds, 1);
  assert.equal(m.aonomi_pairs, 3428);
  assert.equal(m.aonomi_matches_grammar, 1);
  const m0 = X.metrics({
    ...sources,
    aonomi: { pairs: [], sameAsGrammar: false },
    lpips: { sanity: { ...sources.lpips.sanity, orderingHolds: false } },
  });
  assert.equal(m0.aonomi_matches_grammar, 0);
  assert.equal(m0.lpips_ordering_holds, 0);
  assert.deepEqual(X.metricsTable({ a: 1 / 3 }), [{ metric: "a", value: 0.3333 }]);
});

test("agreementStrength: the named thresholds decide strong / moderate / weak / little", () => {
  assert.equal(X.agreementStrength(X.STRONG_AGREEMENT), "strong");
  assert.equal(X.agreementStrength(0.59), "moderate");
  assert.equal(X.agreementStrength(X.MODERATE_AGREEMENT), "moderate");
  assert.equal(X.agreementStrength(0.3), "weak");
  assert.equal(X.agreementStrength(0.1), "little");
});

test("textConclusion: ρ with CI, strength, and both disagreement directions with shared words", () => {
  const comparison = {
    spearman: { estimate: 0.45, lo: 0.3, hi: 0.6 },
    pairs: new Array(3),
    agreements: [],
    disagreements: [
      { a: "dog", b: "cat", human: 0.1, model: 0.9, rankGap: 0.5 },
      { a: "sea", b: "boat", human: 0.9, model: 0.1, rankGap: -0.4 },
    ],
  };
  const set = {
    names: ["dog", "cat", "sea", "boat"],
    captions: ["a brown dog on grass", "a grey cat on grass", "waves at sunset", "a sailing ship"],
  };
  const s = X.textConclusion({ encoderId: "use-lite", comparison }, set);
  assert.match(
    s,
    /^\*\*Result\.\*\* use-lite and our ratings agree with Spearman ρ = 0\.450 \(95 % CI 0\.300–0\.600\) over 3 pairs: moderate agreement\./,
  );
  assert.match(s, /ranks much higher than we do: dog–cat \(shared words: grass\)\. 1 of these 1 share content words/);
  assert.match(s, /Pairs we rank much higher than the encoder: sea–boat \(no shared content words\)\./);
  const none = X.textConclusion({ encoderId: "e", comparison: { ...comparison, disagreements: [] } }, set);
  assert.equal(none.split("\n\n").length, 1);
});

test("imageTextConclusion: hits listed, CI, the bar, and the CLIP comparison only for clip-lite", () => {
  const match = {
    bestCaption: [
      { photo: "a", "best caption": "a" },
      { photo: "b", "best caption": "a" },
    ],
    diagTop1: 0.5,
    diagTop1CI: { lo: 0, hi: 1 },
  };
  const lite = X.imageTextConclusion(match, {
    clipModel: "clip-lite",
    names: ["a", "b"],
    flickrImages: 753,
    ownCaptionBar: 1,
  });
  assert.match(
    lite,
    /clip-lite puts a photo's own caption first for 1 of 2 photos \(diagonal top-1 = 0\.500, 95 % CI 0\.000–1\.000 over photos; chance 0\.500\): a\. That meets the bar of 1 of 2/,
  );
  assert.match(lite, /from 753 Flickr8k photos/);
  assert.match(lite, /The photos it misses here, with the caption it prefers: b → a\./);
  const all = X.imageTextConclusion(
    { ...match, bestCaption: [match.bestCaption[0]] },
    { clipModel: "clip-lite", names: ["a"] },
  );
  assert.match(all, /misses none of the photos/);
  assert.match(
    X.imageTextConclusion(match, { clipModel: "clip-lite", names: ["a", "b"], ownCaptionBar: 2 }),
    /below the bar of 2 of 2/,
  );
  const clip = X.imageTextConclusion(
    { ...match, diagTop1CI: undefined, bestCaption: [{ photo: "a", "best caption": "b" }] },
    { clipModel: "hf:clip", names: ["a", "b"] },
  );
  assert.match(clip, /first for 0 of 2 photos \(diagonal top-1 = 0\.500; chance 0\.500\)\.$/);
  assert.doesNotMatch(clip, /How this differs/);
});

const row = (lambda, w, r5, acc) => ({
  lambda,
  "class-caption weight": w,
  "Flickr8k dev text→image R@5": r5,
  "Food-101 val accuracy": acc,
});

test("chooseSetting and selectionConclusion: highest dev R@5 (first on ties); class captions kept only if dev says so", () => {
  const rows = [row(0.3, 0, 0.29, 0.07), row(1, 0, 0.29, 0.06), row(0.3, 1, 0.22, 0.35)];
  assert.equal(X.chooseSetting(rows), rows[0], "a tie: the earlier row");
  assert.throws(() => X.chooseSetting([]), /no settings/);
  const s = X.selectionConclusion({ selection: rows, chosen: rows[0] });
  assert.match(s, /3 settings tried.*λ = 0\.3, class-caption weight 0: dev R@5 0\.290\./);
  assert.match(s, /do not help on dev \(best with them 0\.220, without 0\.290\), so they are left out/);
  assert.match(s, /Food-101 validation accuracy is 0\.350 with them and 0\.070 without/);
  const helps = [row(1, 0, 0.2, 0.1), row(1, 1, 0.25, 0.3)];
  assert.equal(X.chooseSetting(helps), helps[1]);
  assert.match(
    X.selectionConclusion({ selection: helps, chosen: helps[1] }),
    /help on dev \(best with them 0\.250, without 0\.200\), so they are kept/,
  );
  assert.doesNotMatch(X.selectionConclusion({ selection: [rows[0]], chosen: rows[0] }), /Class captions/);
  assert.equal(X.selectionConclusion({ selection: [] }), "");
});

test("foodValidationMask: every n-th image of each class, counted per class", () => {
  assert.deepEqual(X.foodValidationMask([0, 0, 1, 0, 1, 1, 0], 2), [true, false, true, true, false, true, false]);
  assert.throws(() => X.foodValidationMask([0], 1), /foodValEvery/);
});

const ciOf = (estimate, lo, hi) => ({ estimate, lo, hi });
const flickr = {
  retrieval: {
    images: 125,
    captions: 625,
    recall: [
      { k: 1, textToImage: ciOf(0.05, 0.03, 0.07), imageToText: ciOf(0.08, 0.04, 0.12) },
      { k: 5, textToImage: ciOf(0.22, 0.18, 0.26), imageToText: ciOf(0.25, 0.18, 0.33) },
    ],
  },
};

test("flickrConclusion: every k both ways with CIs, chance, and the bar", () => {
  const s = X.flickrConclusion(flickr, "clip-lite");
  assert.match(s, /125 Flickr8k test images and their 625 captions/);
  assert.match(
    s,
    /R@5: text→image 0\.220 \(95 % CI 0\.180–0\.260\), image→text 0\.250 \(0\.180–0\.330\); chance text→image 0\.040/,
  );
  assert.match(s, /well above chance \(the CI excludes it\) and meets the bar of 0\.20/);
  const low = structuredClone(flickr);
  low.retrieval.recall[1].textToImage = ciOf(0.15, 0.1, 0.2);
  assert.match(
    X.flickrConclusion(low, "clip-lite"),
    /below the bar of 0\.20 set for this notebook, though above chance/,
  );
});

test("imageTextMetrics: flat Flickr8k recall with CI bounds, own-caption hits and CI, the chosen setting", () => {
  const m = X.imageTextMetrics({
    flickr,
    match: { diagTop1: 6 / 15, diagTop1CI: { lo: 0.2, hi: 0.6 }, matrix: new Array(15).fill([]) },
    clip: { chosen: row(1, 0.3, 0.25, 0.4) },
  });
  assert.equal(m.flickr_t2i_recall_at_5, 0.22);
  assert.equal(m.flickr_t2i_recall_at_5_lo, 0.18);
  assert.equal(m.flickr_i2t_recall_at_1_hi, 0.12);
  assert.equal(m.image_text_own_caption_hits, 6);
  assert.deepEqual([m.image_text_diag_top1_lo, m.image_text_diag_top1_hi], [0.2, 0.6]);
  assert.deepEqual([m.clip_lite_lambda, m.clip_lite_class_caption_weight], [1, 0.3]);
  assert.equal(m.clip_lite_dev_t2i_recall_at_5, 0.25);
  assert.ok(
    !(
      "clip_lite_lambda" in
      X.imageTextMetrics({ flickr, match: { diagTop1: 0, diagTop1CI: { lo: 0, hi: 0 }, matrix: [] }, clip: {} })
    ),
  );
});

test("lpipsConclusion: holds / FAILS and the Spearman with our ratings", () => {
  const o = { sanity: sources.lpips.sanity, closest: ["a–b (0.100)"], spearmanWithHuman: 0.123 };
  assert.match(
    X.lpipsConclusion(o),
    /Sanity ordering holds: identical = 0, noise = 0\.0100, nearest different photo = 0\.2000 \(noise\/different = 0\.050\)/,
  );
  assert.match(X.lpipsConclusion(o), /closest pairs of different photos are a–b \(0\.100\).*ratings is 0\.123\./s);
  assert.match(X.lpipsConclusion({ ...o, sanity: { ...o.sanity, orderingHolds: false } }), /Sanity ordering FAILS/);
});

test("retrievalConclusion: best (all five right) and worst (at most one) classes by the named thresholds", () => {
  const o = {
    metrics: { recallAt1: 0.6, recallAt5: 0.9, precisionAt5: 0.48, hitsInTop5: [5, 1, 3, 0] },
    testImages: 500,
    classNames: ["apple_pie", "sushi", "pizza", "ramen"],
  };
  const s = X.retrievalConclusion(o, "clip-lite");
  assert.match(
    s,
    /On the 500 test images, recall@1 = 0\.60, recall@5 = 0\.90, precision@5 = 0\.48 \(chance precision ≈ 0\.25\)\./,
  );
  assert.match(s, /All five retrieved images are right for: apple pie\./);
  assert.match(s, /At most one of five is right for: sushi, ramen\./);
  assert.match(s, /with the 4 dishes in the gallery; .* which dishes clip-lite associates/);
  const mid = X.retrievalConclusion({ ...o, metrics: { ...o.metrics, hitsInTop5: [3, 3, 3, 3] } }, "m");
  assert.doesNotMatch(mid, /All five|At most one/);
});

test("finetuneConclusion: falling / not falling held-out loss, the gap, the tiny GPT sentence", () => {
  const ft = { ...sources.lora, model: { numParams: 1234567 }, loraParams: 1000, extraParams: 2000 };
  const o = { ckpt1: 200, loraSteps: 400, lmModel: "tinygpt-brown" };
  const s = X.finetuneConclusion(ft, o);
  assert.match(
    s,
    /Held-out loss 6\.200 → 3\.500 \(checkpoint 1, step 200\) → 3\.250 \(checkpoint 2, step 400\); train pairs 6\.000 → 3\.000 → 2\.000\./,
  );
  assert.match(s, /Both checkpoints improve on the one before/);
  assert.match(s, /gap between train and held-out is 1\.250 nats/);
  assert.match(
    s,
    /The tiny GPT \(1\.23 M parameters; 1,000 adapter and 2,000 embedding\/LayerNorm parameters trained\)/,
  );
  const up = X.finetuneConclusion({ ...ft, ckpt2: { train: 2, heldout: 3.6 } }, { ...o, lmModel: "gpt2" });
  assert.match(up, /does not fall at every checkpoint/);
  assert.doesNotMatch(up, /tiny GPT/);
  assert.match(X.finetuneConclusion(ft, { ...o, lmModel: "tinygpt-mix" }), /The tiny GPT \(1\.23 M parameters/);
});

test("hallucinationConclusion: rates, quotes of grounded answers (at most GROUNDED_QUOTED, QUOTE_CHARS each), or the no-grounded sentence", () => {
  const judged = (n, hallucinated) =>
    Array.from({ length: n }, (_, i) => ({ probe: `p${i}`, answer: `answer ${i} ${"x".repeat(100)}`, hallucinated }));
  const some = X.hallucinationConclusion({
    judged: { "checkpoint 2": [...judged(6, false), { probe: "q", answer: "", hallucinated: false }] },
    hallucinationRate: { "checkpoint 1": 0.5, "checkpoint 2": 0.25 },
  });
  assert.match(some, /25 % of the 7 probe answers at checkpoint 2 are hallucinations \(checkpoint 1: 50 %\)\./);
  const quoted = some.split("\n\n")[1];
  assert.equal(quoted.split("; ").length, X.GROUNDED_QUOTED);
  assert.ok(quoted.includes(`"${`answer 0 ${"x".repeat(100)}`.slice(0, X.QUOTE_CHARS)}" (p0)`));
  const none = X.hallucinationConclusion({
    judged: { "checkpoint 2": judged(3, true) },
    hallucinationRate: { "checkpoint 1": 1, "checkpoint 2": 1 },
  });
  assert.match(none, /No probe answer denies the premise/);
});

test("gallery and queries: [] / 0 take the profile's (quick: the 10-class gallery's queries, every image; full: the original's queries, 2,048 images)", () => {
  const q = X.resolveConfig({ ...params, freeQueries: [], gallerySize: 0 });
  assert.deepEqual(q.freeQueries, [...X.QUICK_QUERIES]);
  assert.equal(q.gallerySize, 0);
  const f = X.resolveConfig({ ...params, profile: "full", freeQueries: [], gallerySize: 0 });
  assert.deepEqual(f.freeQueries, [...X.ORIGINAL_QUERIES]);
  assert.ok(f.freeQueries.includes("the meaning of life"));
  assert.equal(f.gallerySize, 2048);
  assert.deepEqual(X.resolveConfig({ ...params, freeQueries: ["ramen"], gallerySize: 7 }).freeQueries, ["ramen"]);
});

test("the quick LoRA settings are the validation record's selection, made with the quick profile's GPT", () => {
  const rec = JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "outputs", "selection", "04_lora_settings.json"), "utf8"),
  );
  assert.equal(rec.lmModel, X.PROFILE_DEFAULTS.quick.lmModel);
  assert.deepEqual(
    [X.SELECTED_LORA.loraLr, X.SELECTED_LORA.loraSteps, X.SELECTED_LORA.loraBatch],
    [rec.selected.loraLr, rec.selected.loraSteps, rec.selected.loraBatch],
  );
  const best = [...rec.rows].sort(
    (a, b) => b.valFactAccCkpt2 - a.valFactAccCkpt2 || a.valLossCkpt2 - b.valLossCkpt2,
  )[0];
  assert.equal(best.index, rec.selected.index, "the record's rule picks its selected row");
  assert.equal(X.LORA_SELECTION.rows.length, rec.rows.length);
  X.LORA_SELECTION.rows.forEach((r, i) => {
    const f = rec.rows[i];
    assert.deepEqual(
      [r.loraRank, r.loraTargets, r.loraLr, r.loraSteps, r.loraBatch],
      [f.loraRank, f.loraTargets, f.loraLr, f.loraSteps, f.loraBatch],
    );
    assert.ok(Math.abs(r.valFactAccCkpt2 - f.valFactAccCkpt2) < 1e-9);
    assert.ok(Math.abs(r.valLossCkpt2 - f.valLossCkpt2) < 5e-4);
  });
});
