import { EmbedlabError, Rng } from "../core";
import type { ImageCollection, ImageDataset } from "./types";

/**
 * Split class indices 0..numClasses-1 into seen and held-out ("unseen") classes: every `every`-th index is unseen,
 * starting at 0 (0, 5, 10, ...; for CIFAR-10 that is airplane and dog, for CIFAR-100 20 classes) — as the
 * original did (`np.arange(0, 100, 5)` on torchvision's label indices).
 */
export function heldOutSplit(numClasses: number, every = 5): { seen: number[]; unseen: number[] } {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new EmbedlabError(`numClasses must be a positive integer, got ${numClasses}`);
  if (!Number.isInteger(every) || every < 1) throw new EmbedlabError(`every must be a positive integer, got ${every}`);
  const seen: number[] = [];
  const unseen: number[] = [];
  for (let c = 0; c < numClasses; c++) (c % every === 0 ? unseen : seen).push(c);
  return { seen, unseen };
}

/**
 * The images whose label is in `classes`, in original order. Labels stay the original class indices
 * (remap yourself if a model needs 0..k-1); provenance notes the filter.
 */
export function filterByClasses(ds: ImageDataset, classes: readonly number[]): ImageDataset {
  const keep = new Set(classes);
  for (const c of keep) if (!Number.isInteger(c) || c < 0 || c >= ds.classNames.length) throw new EmbedlabError(`class index ${c} is not in 0..${ds.classNames.length - 1}`);
  const idx: number[] = [];
  for (let i = 0; i < ds.n; i++) if (keep.has(ds.labels[i])) idx.push(i);
  const size = ds.height * ds.width * ds.channels;
  const images = new Uint8Array(idx.length * size);
  const labels = new Int32Array(idx.length);
  const coarse = ds.coarseLabels ? new Int32Array(idx.length) : undefined;
  idx.forEach((src, j) => {
    images.set(ds.images.subarray(src * size, (src + 1) * size), j * size);
    labels[j] = ds.labels[src];
    if (coarse) coarse[j] = ds.coarseLabels![src];
  });
  const out: ImageDataset = {
    ...ds,
    images,
    labels,
    n: idx.length,
    source: { ...ds.source, note: `${ds.source.note ? ds.source.note + "; " : ""}filtered to ${keep.size} classes (${idx.length} of ${ds.n} images)` },
  };
  if (coarse) out.coarseLabels = coarse;
  return out;
}

/** Two datasets with the same classes and image size, one after the other (provenance lists both sources). */
export function concatDatasets(a: ImageDataset, b: ImageDataset): ImageDataset {
  if (a.height !== b.height || a.width !== b.width || a.classNames.length !== b.classNames.length || a.classNames.some((c, i) => c !== b.classNames[i])) {
    throw new EmbedlabError("cannot concatenate datasets with different classes or image sizes");
  }
  const images = new Uint8Array(a.images.length + b.images.length);
  images.set(a.images, 0);
  images.set(b.images, a.images.length);
  const labels = new Int32Array(a.n + b.n);
  labels.set(a.labels, 0);
  labels.set(b.labels, a.n);
  const out: ImageDataset = {
    ...a,
    images,
    labels,
    n: a.n + b.n,
    source: { dataset: a.source.dataset, files: [...a.source.files, ...b.source.files], root: a.source.root, note: [a.source.note, b.source.note].filter(Boolean).join(" + ") },
  };
  if (a.coarseLabels && b.coarseLabels) {
    out.coarseLabels = new Int32Array(a.n + b.n);
    out.coarseLabels.set(a.coarseLabels, 0);
    out.coarseLabels.set(b.coarseLabels, a.n);
  } else delete out.coarseLabels;
  return out;
}

/**
 * The original zero-shot split (wendlerc/llm_labels `CIFAR100ZeroShot`): train and test images pooled, then divided by
 * class, every `every`-th class index (0, 5, ...) held out. Labels keep their original class indices.
 */
export function zeroShotSplit(train: ImageDataset, test: ImageDataset, every = 5): { seen: ImageDataset; unseen: ImageDataset; seenClasses: number[]; unseenClasses: number[] } {
  const all = concatDatasets(train, test);
  const { seen, unseen } = heldOutSplit(all.classNames.length, every);
  return { seen: filterByClasses(all, seen), unseen: filterByClasses(all, unseen), seenClasses: seen, unseenClasses: unseen };
}

/**
 * Images `start` .. `end − 1` in file order (e.g. a validation split carved from a train batch), as a
 * new dataset; provenance notes the range.
 */
export function sliceImages(ds: ImageDataset, start: number, end: number): ImageDataset {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start < end && end <= ds.n)) {
    throw new EmbedlabError(`image range ${start}..${end} is not inside 0..${ds.n}`, "pass 0 ≤ start < end ≤ the number of images");
  }
  const size = ds.height * ds.width * ds.channels;
  const out: ImageDataset = {
    ...ds,
    images: ds.images.slice(start * size, end * size),
    labels: ds.labels.slice(start, end),
    n: end - start,
    source: { ...ds.source, note: `${ds.source.note ? ds.source.note + "; " : ""}images ${start}–${end - 1}` },
  };
  if (ds.coarseLabels) out.coarseLabels = ds.coarseLabels.slice(start, end);
  return out;
}

/**
 * `n` of the collection's images drawn evenly across its classes (seeded; the original's retrieval gallery is a
 * 2,048-image subset across all 101 Food-101 classes): each class gives ⌊n / classes⌋ images, the first n mod classes
 * classes (in a seeded order) one more; a class with too few gives all it has and the rest come round-robin from the
 * others. Items keep their original order; n ≤ 0 or n ≥ the collection's size keeps every image.
 */
export function balancedSubset<C extends ImageCollection>(c: C, n: number, seed: number): C {
  if (!Number.isInteger(n)) throw new EmbedlabError(`gallery size must be an integer, got ${n}`);
  if (n <= 0 || n >= c.items.length) return c;
  const rng = new Rng(seed);
  const byClass = new Map<number, number[]>();
  c.items.forEach((it, i) => byClass.set(it.label, [...(byClass.get(it.label) ?? []), i]));
  const queues = rng.shuffle([...byClass.keys()]).map((k) => rng.shuffle(byClass.get(k)!));
  const picked: number[] = [];
  for (let round = 0; picked.length < n; round++)
    for (const q of queues) {
      if (picked.length === n) break;
      if (round < q.length) picked.push(q[round]);
    }
  picked.sort((a, b) => a - b);
  return {
    ...c,
    items: picked.map((i) => c.items[i]),
    source: { ...c.source, note: `${c.source.note ? `${c.source.note}; ` : ""}${n} images drawn evenly across classes (seed ${seed})` },
  };
}
