import { loadFlickr8k } from "../../data";
import { clipLite } from "../../models";

/** A row of the Flickr8k test table: recall@k both ways with 95 % CIs. */
export type FlickrRecallRow = {
  k: number;
  "text→image": number;
  "text→image 95 % CI": string;
  "image→text": number;
  "image→text 95 % CI": string;
  chance: number;
};

export interface FlickrTestRetrieval {
  retrieval: clipLite.CrossModalRetrieval;
  rows: FlickrRecallRow[];
}

const ci = (c: { lo: number; hi: number }) => `${c.lo.toFixed(3)}–${c.hi.toFixed(3)}`;

/** Flickr8k test (never used for training or selection): every caption against every test image, both ways. */
export async function flickrTestRetrieval(
  dual: clipLite.DualEncoder,
  o: { flickrRoot: string; seed: number },
): Promise<FlickrTestRetrieval> {
  const test = loadFlickr8k("test", { root: o.flickrRoot });
  const images = await dual.embedImages(test.images.map((im) => im.path));
  const captions = await dual.embedTexts(test.images.flatMap((im) => im.captions));
  const captionImage = test.images.flatMap((im, i) => im.captions.map(() => i));
  const retrieval = clipLite.crossModalRetrieval(images, captions, captionImage, { ks: [1, 5, 10], seed: o.seed });
  const rows = retrieval.recall.map((r) => ({
    k: r.k,
    "text→image": Number(r.textToImage.estimate.toFixed(3)),
    "text→image 95 % CI": ci(r.textToImage),
    "image→text": Number(r.imageToText.estimate.toFixed(3)),
    "image→text 95 % CI": ci(r.imageToText),
    chance: Number((r.k / retrieval.images).toFixed(3)),
  }));
  return { retrieval, rows };
}

/** Named thresholds of the conclusions: the bar for text→image recall@5 on Flickr8k test… */
export const FLICKR_T2I_R5_BAR = 0.2;
/** …and for photos whose own caption ranks first (of 15). */
export const OWN_CAPTION_BAR = 5;

const pct = (v: number) => v.toFixed(3);

type Setting = {
  lambda: number;
  "class-caption weight": number;
  "Flickr8k dev text→image R@5": number;
  "Food-101 val accuracy": number;
};

/** The dev selection: what was tried, what won by the fixed rule, and what class captions cost or bought. */
export function selectionConclusion(o: { selection: readonly Setting[]; chosen?: Setting }): string {
  const c = o.chosen;
  if (!c || o.selection.length === 0) return "";
  const r5 = (r: Setting) => r["Flickr8k dev text→image R@5"];
  const best = (rows: readonly Setting[]) => rows.reduce((b, r) => (r5(r) > r5(b) ? r : b));
  const without = o.selection.filter((r) => r["class-caption weight"] === 0);
  const withCaps = o.selection.filter((r) => r["class-caption weight"] > 0);
  const parts = [
    `**Selection.** ${o.selection.length} settings tried; by the rule (highest Flickr8k dev text→image R@5) the choice is λ = ${c.lambda}, class-caption weight ${c["class-caption weight"]}: dev R@5 ${pct(r5(c))}.`,
  ];
  if (without.length && withCaps.length) {
    const a = best(without);
    const b = best(withCaps);
    parts.push(
      r5(b) > r5(a)
        ? `Class captions help on dev (best with them ${pct(r5(b))}, without ${pct(r5(a))}), so they are kept.`
        : `Class captions do not help on dev (best with them ${pct(r5(b))}, without ${pct(r5(a))}), so they are left out. They are what the dish gallery needs, though: Food-101 validation accuracy is ${pct(b["Food-101 val accuracy"])} with them and ${pct(a["Food-101 val accuracy"])} without (chance 0.100). One linear map cannot serve both, so Part 2 trains its own dish model.`,
    );
  }
  return parts.join(" ");
}

/** Flickr8k test retrieval both ways against chance and the bar. */
export function flickrConclusion(t: { retrieval: clipLite.CrossModalRetrieval }, clipModel: string): string {
  const r = t.retrieval;
  const at = (k: number) => r.recall.find((x) => x.k === k);
  const r5 = at(5);
  const lines = r.recall.map(
    (x) =>
      `R@${x.k}: text→image ${pct(x.textToImage.estimate)} (95 % CI ${pct(x.textToImage.lo)}–${pct(x.textToImage.hi)}), image→text ${pct(x.imageToText.estimate)} (${pct(x.imageToText.lo)}–${pct(x.imageToText.hi)}); chance text→image ${pct(x.k / r.images)}`,
  );
  const verdict = r5
    ? r5.textToImage.estimate >= FLICKR_T2I_R5_BAR
      ? `Text→image R@5 ${r5.textToImage.lo > r5.k / r.images ? "is well above chance (the CI excludes it)" : "is not clearly above chance"} and meets the bar of ${FLICKR_T2I_R5_BAR.toFixed(2)} set for this notebook.`
      : `Text→image R@5 is below the bar of ${FLICKR_T2I_R5_BAR.toFixed(2)} set for this notebook${r5.textToImage.lo > r5.k / r.images ? ", though above chance (the CI excludes it)" : ""}.`
    : "";
  return [
    `**Result.** ${clipModel} on the ${r.images} Flickr8k test images and their ${r.captions} captions (never used to fit or select): ${lines.join("; ")}.`,
    verdict,
  ]
    .filter(Boolean)
    .join("\n\n");
}

/** The Flickr8k, photo and selection figures saved with the results (flat, `ci/expectations.json` checks them). */
export function imageTextMetrics(o: {
  flickr: { retrieval: clipLite.CrossModalRetrieval };
  match: { diagTop1: number; diagTop1CI: { lo: number; hi: number }; matrix: readonly unknown[] };
  clip: {
    chosen?: {
      lambda: number;
      "class-caption weight": number;
      "Flickr8k dev text→image R@5": number;
      "Food-101 val accuracy": number;
    };
  };
}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of o.flickr.retrieval.recall) {
    for (const [dir, ci] of [
      ["t2i", r.textToImage],
      ["i2t", r.imageToText],
    ] as const) {
      out[`flickr_${dir}_recall_at_${r.k}`] = ci.estimate;
      out[`flickr_${dir}_recall_at_${r.k}_lo`] = ci.lo;
      out[`flickr_${dir}_recall_at_${r.k}_hi`] = ci.hi;
    }
  }
  out.image_text_own_caption_hits = Math.round(o.match.diagTop1 * o.match.matrix.length);
  out.image_text_diag_top1_lo = o.match.diagTop1CI.lo;
  out.image_text_diag_top1_hi = o.match.diagTop1CI.hi;
  const c = o.clip.chosen;
  if (c) {
    out.clip_lite_lambda = c.lambda;
    out.clip_lite_class_caption_weight = c["class-caption weight"];
    out.clip_lite_dev_t2i_recall_at_5 = c["Flickr8k dev text→image R@5"];
    out.clip_lite_food_val_accuracy = c["Food-101 val accuracy"];
  }
  return out;
}
