import { loadCifar10, loadFood101 } from "../../data";
import { cachedEncoder, clipLite, loadImageEncoder, loadTextEncoder } from "../../models";
import { trainingCurves, type VegaLiteSpec } from "../../viz";
import type { Profile } from "./config";

export interface ImageTextModel {
  dual: clipLite.DualEncoder;
  /** clip-lite's loss per epoch (empty for a real CLIP). */
  history: clipLite.ClipLiteEpoch[];
  /** clip-lite's training set: images per source, classes, captions per class (empty for a real CLIP). */
  trainingSummary: Record<string, number>;
  /** The loss curve (clip-lite only). */
  chart?: VegaLiteSpec;
}

/**
 * The image–text model: "clip-lite" trains two linear heads (symmetric InfoNCE) on frozen MobileNetV2 and
 * USE-lite features of Food-101 train and a class-balanced CIFAR-10 slice; "hf:<id>" loads a real CLIP.
 */
export async function loadImageTextModel(o: {
  clipModel: string;
  profile: Profile;
  foodRoot: string;
  cifarRoot: string;
  cifarPerClass: number;
  imageSize: number;
  headDim: number;
  headEpochs: number;
  headTemperature: number;
  headLr: number;
  seed: number;
}): Promise<ImageTextModel> {
  if (o.clipModel !== "clip-lite") {
    const id = o.clipModel.replace(/^hf:/, "");
    const dual = clipLite.clipDualEncoder(
      cachedEncoder(await loadImageEncoder(`hf:${id}`, { profile: o.profile })),
      cachedEncoder(await loadTextEncoder(`hf-clip-text:${id}`, { profile: o.profile })),
    );
    return { dual, history: [], trainingSummary: {} };
  }
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
    { title: "clip-lite: symmetric InfoNCE per epoch", series: ["loss"] },
  );
  return { dual: clipLite.clipLiteDualEncoder(trained.model, imageEncoder, useLite), history, trainingSummary, chart };
}
