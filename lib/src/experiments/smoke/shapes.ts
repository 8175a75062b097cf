/**
 * The smoke notebook's synthetic data: four classes of 16×16 grey images — a horizontal bar, a vertical
 * bar, a diagonal, a hollow square — at random positions on Gaussian noise (σ = 0.35), from a seeded Rng.
 */
import type { Rng } from "../../core";

export const SIZE = 16;
export const CLASSES = ["horizontal", "vertical", "diagonal", "square"] as const;

export interface ShapeImages {
  /** Row-major [n, SIZE, SIZE] pixels. */
  x: Float32Array;
  y: Int32Array;
}

/** `n` images, classes in turn; draws from `rng` in a fixed order. */
export function makeShapes(n: number, rng: Rng): ShapeImages {
  const x = new Float32Array(n * SIZE * SIZE);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % CLASSES.length;
    y[i] = c;
    const img = x.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE);
    for (let p = 0; p < img.length; p++) img[p] = 0.35 * rng.normal();
    const r = 2 + rng.int(SIZE - 9);
    const col = 2 + rng.int(SIZE - 9);
    const len = 6;
    for (let k = 0; k < len; k++) {
      if (c === 0) img[r * SIZE + col + k] += 1;
      if (c === 1) img[(r + k) * SIZE + col] += 1;
      if (c === 2) img[(r + k) * SIZE + col + k] += 1;
      if (c === 3 && k < 4) {
        img[r * SIZE + col + k] += 1;
        img[(r + 3) * SIZE + col + k] += 1;
        if (k > 0 && k < 3) {
          img[(r + k) * SIZE + col] += 1;
          img[(r + k) * SIZE + col + 3] += 1;
        }
      }
    }
  }
  return { x, y };
}

/** Images per class, for the data table. */
export function classCounts(train: ShapeImages, test: ShapeImages): { class: string; train: number; test: number }[] {
  return CLASSES.map((name, c) => ({
    class: name,
    train: train.y.filter((v) => v === c).length,
    test: test.y.filter((v) => v === c).length,
  }));
}
