import { EmbedlabError } from "../../core";
import { loadFlickr8k, loadFood101 } from "../../data";
import { nearestLabel } from "../../metrics";
import { cachedEncoder, clipLite, loadImageEncoder, loadTextEncoder } from "../../models";
import { heatmap, type VegaLiteSpec } from "../../viz";
import type { Profile } from "./config";

/** One setting of the dev selection and what it scored on the two validation sets. */
export type SelectionRow = {
  lambda: number;
  "class-caption weight": number;
  "Flickr8k dev text→image R@5": number;
  "Food-101 val accuracy": number;
  score: number;
};

export interface ImageTextModel {
  dual: clipLite.DualEncoder;
  /** clip-lite's training set: images per source, classes, captions (empty for a real CLIP). */
  trainingSummary: Record<string, number>;
  /** Every setting tried on the validation sets (clip-lite only), in grid order. */
  selection: SelectionRow[];
  /** The chosen row (clip-lite only). */
  chosen?: SelectionRow;
  /** The selection scores as heatmaps (clip-lite only). */
  chart?: VegaLiteSpec;
}

/** The selection rule, fixed before looking: the sum of the two validation scores, ties → the earlier row. */
export function chooseSetting(rows: readonly SelectionRow[]): SelectionRow {
  if (rows.length === 0) throw new EmbedlabError("chooseSetting: no settings were tried");
  return rows.reduce((best, r) => (r.score > best.score ? r : best));
}

/** Every `every`-th Food-101 train image of each class (in list order) is held out for validation. */
export function foodValidationMask(labels: readonly number[], every: number): boolean[] {
  if (!(Number.isInteger(every) && every >= 2))
    throw new EmbedlabError(`foodValEvery must be an integer ≥ 2, got ${every}`);
  const seen = new Map<number, number>();
  return labels.map((l) => {
    const k = seen.get(l) ?? 0;
    seen.set(l, k + 1);
    return k % every === 0;
  });
}

const round3 = (v: number) => Number(v.toFixed(3));

/**
 * The image–text model. "clip-lite": frozen MobileNetV2 and USE-lite features, a closed-form ridge map from
 * image features onto caption features, fitted on Flickr8k train (each photo onto the mean of its captions)
 * plus Food-101 train (each dish photo onto its class-caption templates, with a weight). λ and that weight are
 * chosen on Flickr8k dev and a held-out slice of Food-101 train, then the map is refitted on all of train.
 * "hf:<id>" loads a real CLIP and trains nothing.
 */
export async function loadImageTextModel(o: {
  clipModel: string;
  profile: Profile;
  foodRoot: string;
  flickrRoot: string;
  imageSize: number;
  flickrTrainCaptions: number;
  ridgeLambdas: number[];
  classCaptionWeights: number[];
  foodValEvery: number;
}): Promise<ImageTextModel> {
  if (o.clipModel !== "clip-lite") {
    const id = o.clipModel.replace(/^hf:/, "");
    const dual = clipLite.clipDualEncoder(
      cachedEncoder(await loadImageEncoder(`hf:${id}`, { profile: o.profile })),
      cachedEncoder(await loadTextEncoder(`hf-clip-text:${id}`, { profile: o.profile })),
    );
    return { dual, trainingSummary: {}, selection: [] };
  }
  if (o.ridgeLambdas.length === 0 || o.classCaptionWeights.length === 0)
    throw new EmbedlabError("ridgeLambdas and classCaptionWeights need at least one value each");
  const imageEncoder = cachedEncoder(await loadImageEncoder("mobilenet-v2", { inputSize: o.imageSize }));
  const useLite = cachedEncoder(await loadTextEncoder("use-lite"));
  const flickrTrain = loadFlickr8k("train", { root: o.flickrRoot });
  const flickrDev = loadFlickr8k("dev", { root: o.flickrRoot });
  const foodTrain = loadFood101({ root: o.foodRoot, split: "train" });
  const set = await clipLite.buildClipLiteTrainingSet(
    [
      clipLite.captionedImages(flickrTrain.images, "flickr8k", o.flickrTrainCaptions),
      clipLite.labelledFromCollection(foodTrain, "food101", "food"),
    ],
    imageEncoder,
    useLite,
  );
  const { imageFeatures, labels, classTextFeatures } = set.data;
  const isFood = set.classSource.map((s) => s === "food101");
  const foodOffset = isFood.indexOf(true);
  // Food images come after the Flickr ones, in Food-101 train order.
  const nFlickr = flickrTrain.images.length;
  const foodLabels = Array.from(labels).slice(nFlickr);
  const valMask = foodValidationMask(foodLabels, o.foodValEvery);
  const fitIdx = Array.from(labels, (_, i) => i).filter((i) => i < nFlickr || !valMask[i - nFlickr]);
  const valIdx = foodLabels.flatMap((_, j) => (valMask[j] ? [nFlickr + j] : []));
  const fitData = {
    imageFeatures: fitIdx.map((i) => imageFeatures[i]),
    labels: fitIdx.map((i) => labels[i]),
    classTextFeatures,
  };
  const devImages = await imageEncoder.embedImages(flickrDev.images.map((im) => im.path));
  const devCaptionImage = flickrDev.images.flatMap((im, i) => im.captions.map(() => i));
  const devCaptions = await useLite.embed(flickrDev.images.flatMap((im) => im.captions));
  const foodQueries = await useLite.embed(foodTrain.classNames.map((c) => clipLite.classQuery(c, "food")));
  const weightsFor = (w: number) => isFood.map((f) => (f ? w : 1));
  const selection: SelectionRow[] = [];
  for (const lambda of o.ridgeLambdas)
    for (const w of o.classCaptionWeights) {
      const m = clipLite.fitClipLiteRidge(fitData, { lambda, classWeights: weightsFor(w) });
      const dev = clipLite.crossModalRetrieval(
        m.embedImageFeatures(devImages),
        m.embedTextFeatures(devCaptions),
        devCaptionImage,
        { ks: [5], resamples: 1 },
      );
      const r5 = dev.recall[0].textToImage.estimate;
      const pred = nearestLabel(
        m.embedImageFeatures(valIdx.map((i) => imageFeatures[i])),
        m.embedTextFeatures(foodQueries),
      ).pred;
      const gold = valIdx.map((i) => labels[i] - foodOffset);
      const acc = pred.filter((p, j) => p === gold[j]).length / gold.length;
      m.dispose();
      selection.push({
        lambda,
        "class-caption weight": w,
        "Flickr8k dev text→image R@5": round3(r5),
        "Food-101 val accuracy": round3(acc),
        score: round3(r5 + acc),
      });
    }
  const chosen = chooseSetting(selection);
  const model = clipLite.fitClipLiteRidge(set.data, {
    lambda: chosen.lambda,
    classWeights: weightsFor(chosen["class-caption weight"]),
  });
  const grid = (key: keyof SelectionRow) =>
    o.ridgeLambdas.map((l) =>
      o.classCaptionWeights.map((w) =>
        Number(selection.find((r) => r.lambda === l && r["class-caption weight"] === w)![key]),
      ),
    );
  const rowsL = o.ridgeLambdas.map((l) => `λ ${l}`);
  const colsW = o.classCaptionWeights.map((w) => `weight ${w}`);
  const chart = {
    hconcat: [
      heatmap(grid("Flickr8k dev text→image R@5"), rowsL, colsW, { title: "Flickr8k dev: text→image R@5" }),
      heatmap(grid("Food-101 val accuracy"), rowsL, colsW, { title: "Food-101 validation: zero-shot accuracy" }),
    ],
    resolve: { scale: { color: "independent" } },
  };
  const trainingSummary = {
    flickr8k_images: nFlickr,
    flickr8k_captions: set.captions.slice(0, nFlickr).reduce((s, c) => s + c.length, 0),
    food101_images: foodTrain.items.length,
    food101_validation_images: valIdx.length,
    flickr8k_dev_images: flickrDev.images.length,
    flickr8k_dev_captions: devCaptions.length,
  };
  return {
    dual: clipLite.clipLiteDualEncoder(
      model,
      imageEncoder,
      useLite,
      "ridge map onto caption features, fitted in this notebook",
    ),
    trainingSummary,
    selection,
    chosen,
    chart,
  };
}
