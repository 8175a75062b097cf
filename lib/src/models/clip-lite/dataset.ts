import { EmbedlabError, Rng } from "../../core";
import type { ImageCollection, ImageDataset } from "../../data/types";
import type { ImageEncoder, ImageInput, RawImage, TextEncoder } from "../types";
import { classCaptions, type CaptionDomain } from "./captions";
import type { ClipLiteTrainingData } from "./train";

/** Images with class labels from one source, and how its classes are captioned. */
export interface LabelledImages {
  name: string;
  images: ImageInput[];
  labels: number[];
  classNames: string[];
  domain: CaptionDomain;
}

/** Food-101 (or any image folder collection) as labelled image paths; captions use the food templates. */
export function labelledFromCollection(
  coll: ImageCollection,
  name = coll.source.dataset,
  domain: CaptionDomain = "food",
): LabelledImages {
  return {
    name,
    images: coll.items.map((it) => it.path),
    labels: coll.items.map((it) => it.label),
    classNames: coll.classNames,
    domain,
  };
}

/** CIFAR-style NHWC uint8 images as RawImages, optionally a seeded class-balanced subset of `perClass` each. */
export function labelledFromImageDataset(
  ds: ImageDataset,
  opts: { perClass?: number; seed?: number; name?: string } = {},
): LabelledImages {
  const size = ds.height * ds.width * ds.channels;
  let idx = Array.from({ length: ds.n }, (_, i) => i);
  if (opts.perClass !== undefined) {
    if (!(Number.isInteger(opts.perClass) && opts.perClass > 0))
      throw new EmbedlabError(`perClass must be a positive integer, got ${opts.perClass}`);
    const rng = new Rng(opts.seed ?? 0);
    const taken = new Array<number>(ds.classNames.length).fill(0);
    idx = rng
      .permutation(ds.n)
      .filter((i) => taken[ds.labels[i]]++ < opts.perClass!)
      .sort((a, b) => a - b);
  }
  const images: RawImage[] = idx.map((i) => ({
    data: ds.images.subarray(i * size, (i + 1) * size),
    width: ds.width,
    height: ds.height,
    channels: ds.channels,
  }));
  return {
    name: opts.name ?? ds.source.dataset,
    images,
    labels: idx.map((i) => ds.labels[i]),
    classNames: ds.classNames,
    domain: "object",
  };
}

/** Images that each have their own human captions (Flickr8k): every image is its own "class". */
export interface CaptionedImages {
  name: string;
  images: ImageInput[];
  /** The captions of each image (at least one each). */
  captions: string[][];
  /** Ids for the class names (default: the index). */
  ids?: string[];
}

/** The first `perImage` captions of each image (all when omitted), e.g. a Flickr8k split. */
export function captionedImages(
  items: readonly { id: string; path: string; captions: readonly string[] }[],
  name: string,
  perImage?: number,
): CaptionedImages {
  if (perImage !== undefined && !(Number.isInteger(perImage) && perImage > 0))
    throw new EmbedlabError(`captionedImages: perImage must be a positive integer, got ${perImage}`);
  return {
    name,
    images: items.map((it) => it.path),
    captions: items.map((it) => it.captions.slice(0, perImage ?? it.captions.length)),
    ids: items.map((it) => it.id),
  };
}

function isCaptioned(s: LabelledImages | CaptionedImages): s is CaptionedImages {
  return (s as CaptionedImages).captions !== undefined;
}

/** The merged training set: frozen image features, merged class list, and caption features per class. */
export interface ClipLiteTrainingSet {
  data: ClipLiteTrainingData;
  /** "<source>/<class>" for each merged class. */
  classNames: string[];
  captions: string[][];
  /** The source of each merged class. */
  classSource: string[];
  perSource: Record<string, number>;
}

/**
 * Embed every source's images and every class's captions with the frozen encoders; classes are concatenated.
 * A labelled source's classes are captioned with templates; a captioned source's images are one class each.
 */
export async function buildClipLiteTrainingSet(
  sources: readonly (LabelledImages | CaptionedImages)[],
  imageEncoder: ImageEncoder,
  textEncoder: TextEncoder,
  batchSize = 32,
): Promise<ClipLiteTrainingSet> {
  if (sources.length === 0) throw new EmbedlabError("buildClipLiteTrainingSet: no image sources");
  const imageFeatures: Float32Array[] = [];
  const labels: number[] = [];
  const classNames: string[] = [];
  const captions: string[][] = [];
  const classSource: string[] = [];
  const perSource: Record<string, number> = {};
  for (const s of sources) {
    const offset = classNames.length;
    let imageLabels: readonly number[];
    if (isCaptioned(s)) {
      if (s.images.length !== s.captions.length)
        throw new EmbedlabError(`source ${s.name}: ${s.images.length} images but ${s.captions.length} caption lists`);
      const empty = s.captions.findIndex((c) => c.length === 0);
      if (empty >= 0) throw new EmbedlabError(`source ${s.name}: image ${s.ids?.[empty] ?? empty} has no captions`);
      s.captions.forEach((caps, i) => {
        classNames.push(`${s.name}/${s.ids?.[i] ?? i}`);
        captions.push([...caps]);
        classSource.push(s.name);
      });
      imageLabels = s.images.map((_, i) => i);
    } else {
      if (s.images.length !== s.labels.length)
        throw new EmbedlabError(`source ${s.name}: ${s.images.length} images but ${s.labels.length} labels`);
      s.classNames.forEach((c) => {
        classNames.push(`${s.name}/${c}`);
        captions.push(classCaptions(c, s.domain));
        classSource.push(s.name);
      });
      imageLabels = s.labels;
    }
    const feats = await imageEncoder.embedImages(s.images, { batchSize });
    feats.forEach((f, i) => {
      imageFeatures.push(f);
      labels.push(offset + imageLabels[i]);
    });
    perSource[s.name] = s.images.length;
  }
  const flat = await textEncoder.embed(captions.flat(), { batchSize: 64 });
  const classTextFeatures: Float32Array[][] = [];
  let at = 0;
  for (const caps of captions) {
    classTextFeatures.push(flat.slice(at, at + caps.length));
    at += caps.length;
  }
  return { data: { imageFeatures, labels, classTextFeatures }, classNames, captions, classSource, perSource };
}
