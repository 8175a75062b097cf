import { prettyClassName } from "../../data";
import { clipLite, type lpips } from "../../models";
import { isTinyGptId } from "../../models/gpt";

/** Spearman ρ of the text encoder with our ratings: at least this is "strong" agreement… */
export const STRONG_AGREEMENT = 0.6;
/** …at least this "moderate"… */
export const MODERATE_AGREEMENT = 0.4;
/** …at least this "weak" (below: "little"). */
export const WEAK_AGREEMENT = 0.2;
/** A class query is "all right" when this many of its top 5 are of its class… */
export const ALL_RIGHT_IN_TOP5 = 5;
/** …and "at most one right" at or below this. */
export const MOSTLY_WRONG_IN_TOP5 = 1;
/** Grounded probe answers quoted in the conclusion, and the characters quoted of each. */
export const GROUNDED_QUOTED = 4;
export const QUOTE_CHARS = 80;

const join = (parts: readonly string[]) => parts.filter(Boolean).join("\n\n");

/** "strong" / "moderate" / "weak" / "little" agreement for a Spearman ρ. */
export function agreementStrength(rho: number): string {
  return rho >= STRONG_AGREEMENT
    ? "strong"
    : rho >= MODERATE_AGREEMENT
      ? "moderate"
      : rho >= WEAK_AGREEMENT
        ? "weak"
        : "little";
}

/** Text–text: agreement with our ratings, and why the largest disagreements happen (shared content words). */
export function textConclusion(
  text: { encoderId: string; comparison: clipLite.MatrixComparison },
  set: { names: readonly string[]; captions: readonly string[] },
): string {
  const cmp = text.comparison;
  const s = cmp.spearman;
  const modelHigher = cmp.disagreements.filter((p) => p.rankGap > 0);
  const humanHigher = cmp.disagreements.filter((p) => p.rankGap < 0);
  const captionOf = (n: string) => set.captions[set.names.indexOf(n)];
  const shared = (p: clipLite.PairComparison) => clipLite.sharedContentWords(captionOf(p.a), captionOf(p.b));
  const why = (p: clipLite.PairComparison) => {
    const w = shared(p);
    return `${p.a}–${p.b} (${w.length ? `shared words: ${w.join(", ")}` : "no shared content words"})`;
  };
  return join([
    `**Result.** ${text.encoderId} and our ratings agree with Spearman ρ = ${s.estimate.toFixed(3)} (95 % CI ${s.lo.toFixed(3)}–${s.hi.toFixed(3)}) over ${cmp.pairs.length} pairs: ${agreementStrength(s.estimate)} agreement.`,
    modelHigher.length
      ? `Pairs the encoder ranks much higher than we do: ${modelHigher.map(why).join("; ")}. ${modelHigher.filter((p) => shared(p).length > 0).length} of these ${modelHigher.length} share content words; the others look alike to the encoder through sentence form and related (not identical) words, while we rated the scenes as unrelated.`
      : "",
    humanHigher.length
      ? `Pairs we rank much higher than the encoder: ${humanHigher.map(why).join("; ")}. We rated these by what the scenes have in common (see the rating rule), which the captions express in different words.`
      : "",
  ]);
}

/** Image–text: how many photos get their own caption first (with a CI), and (clip-lite) how it differs from CLIP. */
export function imageTextConclusion(
  match: {
    bestCaption: readonly { photo: string; "best caption": string }[];
    diagTop1: number;
    diagTop1CI?: { lo: number; hi: number };
  },
  o: { clipModel: string; names: readonly string[]; flickrImages?: number; ownCaptionBar?: number },
): string {
  const hits = match.bestCaption.filter((r) => r.photo === r["best caption"]).map((r) => r.photo);
  const misses = match.bestCaption.filter((r) => r.photo !== r["best caption"]);
  const chance = 1 / o.names.length;
  const ci = match.diagTop1CI
    ? `, 95 % CI ${match.diagTop1CI.lo.toFixed(3)}–${match.diagTop1CI.hi.toFixed(3)} over photos`
    : "";
  const bar = o.ownCaptionBar;
  return join([
    `**Result.** ${o.clipModel} puts a photo's own caption first for ${hits.length} of ${o.names.length} photos (diagonal top-1 = ${match.diagTop1.toFixed(3)}${ci}; chance ${chance.toFixed(3)})${hits.length ? `: ${hits.join(", ")}` : ""}.${bar !== undefined ? ` ${hits.length >= bar ? `That meets the bar of ${bar} of ${o.names.length} set for this notebook.` : `That is below the bar of ${bar} of ${o.names.length} set for this notebook.`}` : ""}`,
    o.clipModel === "clip-lite"
      ? `**How this differs from CLIP.** CLIP learned both towers end to end from 400 M web image–caption pairs covering almost any concept. clip-lite fits one linear map from frozen MobileNetV2 features onto frozen USE-lite caption features, from ${o.flickrImages ?? "a few hundred"} Flickr8k photos with five human captions each: it places a photo near captions of the scenes Flickr8k shows (people, dogs, horses, streets, beaches, snow). ${misses.length ? `The photos it misses here, with the caption it prefers: ${misses.map((r) => `${r.photo} → ${r["best caption"]}`).join(", ")}.` : "Here it misses none of the photos."}`
      : "",
  ]);
}

/** LPIPS: the sanity ordering, the closest pairs and its (low) agreement with semantic ratings. */
export function lpipsConclusion(o: {
  sanity: lpips.LpipsSanity;
  closest: readonly string[];
  spearmanWithHuman: number;
}): string {
  const s = o.sanity;
  return join([
    `**Result.** Sanity ordering ${s.orderingHolds ? "holds" : "FAILS"}: identical = ${s.identical}, noise = ${s.smallNoise.toFixed(4)}, nearest different photo = ${s.differentMin.toFixed(4)} (noise/different = ${s.noiseToDifferentRatio.toFixed(3)}).`,
    `The closest pairs of different photos are ${o.closest.join(", ")}. LPIPS measures low-level perceptual similarity (texture, colour layout), not meaning: its Spearman ρ with our (semantic) ratings is ${o.spearmanWithHuman.toFixed(3)}.`,
  ]);
}

/** Retrieval on the test split: recall/precision, the best and worst class queries. */
export function retrievalConclusion(
  o: { metrics: clipLite.ClassRetrievalMetrics; testImages: number; classNames: readonly string[] },
  clipModel: string,
): string {
  const m = o.metrics;
  const best = o.classNames.filter((_, q) => m.hitsInTop5[q] === ALL_RIGHT_IN_TOP5).map(prettyClassName);
  const worst = o.classNames.filter((_, q) => m.hitsInTop5[q] <= MOSTLY_WRONG_IN_TOP5).map(prettyClassName);
  return join([
    `**Result.** On the ${o.testImages} test images, recall@1 = ${m.recallAt1.toFixed(2)}, recall@5 = ${m.recallAt5.toFixed(2)}, precision@5 = ${m.precisionAt5.toFixed(2)} (chance precision ≈ ${(1 / o.classNames.length).toFixed(2)}).`,
    best.length ? `All five retrieved images are right for: ${best.join(", ")}.` : "",
    worst.length ? `At most one of five is right for: ${worst.join(", ")}.` : "",
    `Free-form queries can only be answered with the ${o.classNames.length} dishes in the gallery; the table above shows which dishes ${clipModel} associates with each query.`,
  ]);
}

interface Losses {
  train: number;
  heldout: number;
}

/** Fine-tuning: held-out and train loss at start and both checkpoints, the generalisation gap, the model's size. */
export function finetuneConclusion(
  ft: {
    start: Losses;
    ckpt1: Losses;
    ckpt2: Losses;
    model: { numParams: number };
    loraParams: number;
    extraParams: number;
  },
  o: { ckpt1: number; loraSteps: number; lmModel: string },
): string {
  const [L0, L1, L2] = [ft.start, ft.ckpt1, ft.ckpt2];
  const falls = L2.heldout < L1.heldout && L1.heldout < L0.heldout;
  return `**Result.** Held-out loss ${L0.heldout.toFixed(3)} → ${L1.heldout.toFixed(3)} (checkpoint 1, step ${o.ckpt1}) → ${L2.heldout.toFixed(3)} (checkpoint 2, step ${o.loraSteps}); train pairs ${L0.train.toFixed(3)} → ${L1.train.toFixed(3)} → ${L2.train.toFixed(3)}. ${falls ? "Both checkpoints improve on the one before, as in the original." : "The held-out loss does not fall at every checkpoint."} The gap between train and held-out is ${(L2.heldout - L2.train).toFixed(3)} nats: held-out pairs are new phrasings of the same facts, so this measures paraphrase generalisation, not new knowledge. ${isTinyGptId(o.lmModel) ? `The tiny GPT (${(ft.model.numParams / 1e6).toFixed(2)} M parameters; ${ft.loraParams.toLocaleString()} adapter and ${ft.extraParams.toLocaleString()} embedding/LayerNorm parameters trained) starts from a far weaker model than LLaMA-2-7B, so its losses stay above the original's.` : ""}`;
}

interface Judged {
  probe: string;
  answer: string;
  hallucinated: boolean;
}

/** Hallucination: the share of probe answers at checkpoint 2 (and 1) that break the rule; quotes of those that pass. */
export function hallucinationConclusion(o: {
  judged: { "checkpoint 2": readonly Judged[] };
  hallucinationRate: Record<"checkpoint 1" | "checkpoint 2", number>;
}): string {
  const last = o.judged["checkpoint 2"];
  const rate = o.hallucinationRate;
  const grounded = last.filter((j) => !j.hallucinated && j.answer.trim());
  return join([
    `**Result.** With the rule above, ${(100 * rate["checkpoint 2"]).toFixed(0)} % of the ${last.length} probe answers at checkpoint 2 are hallucinations (checkpoint 1: ${(100 * rate["checkpoint 1"]).toFixed(0)} %).`,
    grounded.length
      ? `Answers that pass the rule: ${grounded
          .slice(0, GROUNDED_QUOTED)
          .map((g) => `"${g.answer.slice(0, QUOTE_CHARS)}" (${g.probe})`)
          .join("; ")}.`
      : "No probe answer denies the premise or admits not knowing: like the original's LLaMA-2, the fine-tuned model answers every question in the style of the training data, whether or not the data says anything about it.",
  ]);
}

/** The flat metrics saved with the results (`ci/expectations.json` checks them). */
export type Nb04Metrics = {
  text_human_spearman: number;
  text_human_spearman_lo: number;
  text_human_spearman_hi: number;
  image_text_diag_top1: number;
  lpips_identical: number;
  lpips_small_noise: number;
  lpips_different_min: number;
  lpips_different_mean: number;
  lpips_noise_to_different_ratio: number;
  lpips_ordering_holds: number;
  retrieval_recall_at_1: number;
  retrieval_recall_at_5: number;
  retrieval_precision_at_5: number;
  lora_train_loss_start: number;
  lora_train_loss_ckpt1: number;
  lora_train_loss_ckpt2: number;
  lora_heldout_loss_start: number;
  lora_heldout_loss_ckpt1: number;
  lora_heldout_loss_ckpt2: number;
  heldout_loss_drop_ckpt1_vs_start: number;
  heldout_loss_drop_ckpt2_vs_ckpt1: number;
  hallucination_rate: number;
  hallucination_rate_ckpt1: number;
  aonomi_pairs: number;
  aonomi_matches_grammar: number;
};

/** The step results the metrics are read from (each step's return value fits its field). */
export interface MetricSources {
  text: { comparison: { spearman: { estimate: number; lo: number; hi: number } } };
  match: { diagTop1: number };
  lpips: { sanity: lpips.LpipsSanity };
  retrieval: { metrics: { recallAt1: number; recallAt5: number; precisionAt5: number } };
  lora: { start: Losses; ckpt1: Losses; ckpt2: Losses };
  samples: { hallucinationRate: Record<"checkpoint 1" | "checkpoint 2", number> };
  aonomi: { pairs: readonly unknown[]; sameAsGrammar: boolean };
}

/** Orderings are differences that must be positive; booleans are 0/1. */
export function metrics(o: MetricSources): Nb04Metrics {
  const s = o.text.comparison.spearman;
  const lp = o.lpips.sanity;
  const r = o.retrieval.metrics;
  const { start, ckpt1, ckpt2 } = o.lora;
  return {
    text_human_spearman: s.estimate,
    text_human_spearman_lo: s.lo,
    text_human_spearman_hi: s.hi,
    image_text_diag_top1: o.match.diagTop1,
    lpips_identical: lp.identical,
    lpips_small_noise: lp.smallNoise,
    lpips_different_min: lp.differentMin,
    lpips_different_mean: lp.differentMean,
    lpips_noise_to_different_ratio: lp.noiseToDifferentRatio,
    lpips_ordering_holds: lp.orderingHolds ? 1 : 0,
    retrieval_recall_at_1: r.recallAt1,
    retrieval_recall_at_5: r.recallAt5,
    retrieval_precision_at_5: r.precisionAt5,
    lora_train_loss_start: start.train,
    lora_train_loss_ckpt1: ckpt1.train,
    lora_train_loss_ckpt2: ckpt2.train,
    lora_heldout_loss_start: start.heldout,
    lora_heldout_loss_ckpt1: ckpt1.heldout,
    lora_heldout_loss_ckpt2: ckpt2.heldout,
    heldout_loss_drop_ckpt1_vs_start: start.heldout - ckpt1.heldout,
    heldout_loss_drop_ckpt2_vs_ckpt1: ckpt1.heldout - ckpt2.heldout,
    hallucination_rate: o.samples.hallucinationRate["checkpoint 2"],
    hallucination_rate_ckpt1: o.samples.hallucinationRate["checkpoint 1"],
    aonomi_pairs: o.aonomi.pairs.length,
    aonomi_matches_grammar: o.aonomi.sameAsGrammar ? 1 : 0,
  };
}

/** The headline table: every metric to 4 decimals. */
export function metricsTable(m: Nb04Metrics): { metric: string; value: number }[] {
  return Object.entries(m).map(([metric, v]) => ({ metric, value: Number((v as number).toFixed(4)) }));
}
