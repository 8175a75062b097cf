// Shared by the notebook-01 and parallel tests: tiny synthetic CIFAR-shaped datasets and label sources.
import { createRequire } from "node:module";

const { Rng } = createRequire(import.meta.url)("@embedlab/lib");

/** A label source of 4 random 8-d vectors drawn from `seed`. */
export function randomLabelSource(id, seed) {
  const rng = new Rng(seed);
  const vectors = Array.from({ length: 4 }, () => Float32Array.from({ length: 8 }, () => rng.normal()));
  return { id, texts: "names", vectors, dim: 8, provenance: "test" };
}

/** n 32×32 images; class c = a bright square in quadrant c (learnable in a few steps); `jitter` varies pixel values per image. */
export function syntheticImages(n, classes, jitter = false) {
  const images = new Uint8Array(n * 32 * 32 * 3);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = classes[i % classes.length];
    labels[i] = c;
    const oy = (c & 1) * 16,
      ox = ((c >> 1) & 1) * 16;
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 16; x++)
        for (let ch = 0; ch < 3; ch++)
          images[((i * 32 + oy + y) * 32 + ox + x) * 3 + ch] = jitter ? 200 + ((i * 7 + x) % 50) : 250;
  }
  return {
    images,
    labels,
    classNames: ["a", "b", "c", "d"],
    n,
    height: 32,
    width: 32,
    channels: 3,
    source: { dataset: "synthetic", files: [], root: "" },
  };
}
