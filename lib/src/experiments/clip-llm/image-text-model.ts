import { EmbedlabError } from "../../core";
import { loadCifar10, loadFlickr8k, loadFood101 } from "../../data";
import { nearestLabel } from "../../metrics";
import { cachedEncoder, clipLite, loadImageEncoder, loadTextEncoder } from "../../models";
import { heatmap, trainingCurves, type VegaLiteSpec } from "../../viz";
import type { Profile } from "./config";

/** One setting of the dev selection and what it scored on the two validation sets. */
export type SelectionRow = {
  lambda: number;
  "class-caption weight": number;
  "Flickr8k dev text→image R@5": number;
  "Food-101 val accuracy": number;
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

/**
 * The selection rule: the highest Flickr8k dev text→image R@5, ties → the earlier row. The Food-101 validation
 * accuracy is reported beside it but does not choose: the dish gallery of Part 2 has its own model.
 */
export function chooseSetting(rows: readonly SelectionRow[]): SelectionRow {
  if (rows.length === 0) throw new EmbedlabError("chooseSetting: no settings were tried");
  const key = (r: SelectionRow) => r["Flickr8k dev text→image R@5"];
  return rows.reduce((best, r) => (key(r) > key(best) ? r : best));
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
 * The image–text model. "clip-lite": frozen MobileNetV2 (pooled `imageLayer`) and USE-lite features, a closed-form ridge map from
 * image features onto caption features, fitted on Flickr8k train (each photo onto the mean of its captions)
 * plus, when the selection says so, Food-101 train (each dish photo onto its class-caption templates, with a
 * weight). λ and that weight are chosen on Flickr8k dev alone (Food-101 accuracy on a held-out slice of its train
 * split is reported, not used), then the map is refitted on all of train.
 * "hf:<id>" loads a real CLIP and trains nothing.
 */
export async function loadImageTextModel(o: {
  clipModel: string;
  profile: Profile;
  foodRoot: string;
  flickrRoot: string;
  imageSize: number;
  imageLayer: string;
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
  const imageEncoder = cachedEncoder(
    await loadImageEncoder("mobilenet-v2", { inputSize: o.imageSize, featureLayer: o.imageLayer }),
  );
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

/** The dish-retrieval model of Part 2 (clip-lite only): the loss curve and its training set. */
export interface FoodRetrievalModel {
  dual: clipLite.DualEncoder;
  history: clipLite.ClipLiteEpoch[];
  trainingSummary: Record<string, number>;
  chart: VegaLiteSpec;
}

/**
 * Part 2's clip-lite for the Food-101 gallery: two linear heads (symmetric InfoNCE) on the same frozen
 * MobileNetV2 and USE-lite features, trained on class-name captions of Food-101 train and a class-balanced
 * CIFAR-10 slice. A real CLIP (`hf:<id>`) needs no such model: the caller reuses it.
 */
export async function loadFoodRetrievalModel(o: {
  foodRoot: string;
  cifarRoot: string;
  cifarPerClass: number;
  imageSize: number;
  headDim: number;
  headEpochs: number;
  headTemperature: number;
  headLr: number;
  seed: number;
}): Promise<FoodRetrievalModel> {
  const imageEncoder = cachedEncoder(await loadImageEncoder("mobilenet-v2", { inputSize: o.imageSize }));
  const useLite = cachedEncoder(await loadTextEncoder("use-lite"));
  const foodTrain = loadFood101({ root: o.foodRoot, split: "train" });
  const cifar = loadCifar10("train", { root: o.cifarRoot });
  const sources = [
    clipLite.labelledFromCollection(foodTrain, "food101", "food"),
    clipLite.labelledFromImageDataset(cifar, { perClass: o.cifarPerClass, seed: o.seed, name: "cifar10" }),
  ];
  const set = await clipLite.buildClipLiteTrainingSet(sources, imageEncoder, useLite);
  const trained = await clipLite.trainClipLite(set.data, {
    dim: o.headDim,
    epochs: o.headEpochs,
    temperature: o.headTemperature,
    lr: o.headLr,
    seed: o.seed,
  });
  const history = trained.history;
  const trainingSummary = {
    ...set.perSource,
    classes: set.classNames.length,
    captions_per_class: set.captions[0].length,
  };
  const chart = trainingCurves(
    history.map((h) => ({ epoch: h.epoch, loss: h.loss })),
    { title: "clip-lite (dishes): symmetric InfoNCE per epoch", series: ["loss"] },
  );
  return { dual: clipLite.clipLiteDualEncoder(trained.model, imageEncoder, useLite), history, trainingSummary, chart };
}
