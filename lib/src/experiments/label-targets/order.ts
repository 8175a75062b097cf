import { CIFAR100_CLASSES, CIFAR100_SUPERCLASSES, CIFAR10_CLASSES } from "../../data";

/** CIFAR-100 fine class indices grouped by superclass (the original's heatmap order), with names and groups. */
export function superclassOrder(): { order: number[]; names: string[]; groups: string[] } {
  const order: number[] = [];
  const groups: string[] = [];
  for (const s of CIFAR100_SUPERCLASSES) {
    for (const m of s.members) {
      order.push(CIFAR100_CLASSES.indexOf(m));
      groups.push(s.name);
    }
  }
  return { order, names: order.map((i) => CIFAR100_CLASSES[i]), groups };
}

const VEHICLES = new Set(["airplane", "automobile", "ship", "truck"]);

/** CIFAR-10 has no superclasses; "animal" vs "vehicle" is the natural split (index order). */
export function cifar10Groups(): string[] {
  return CIFAR10_CLASSES.map((c) => (VEHICLES.has(c) ? "vehicle" : "animal"));
}

/** Superclass name per CIFAR-100 fine class, in class index order. */
export function cifar100Groups(): string[] {
  const out = new Array<string>(CIFAR100_CLASSES.length);
  for (const s of CIFAR100_SUPERCLASSES) for (const m of s.members) out[CIFAR100_CLASSES.indexOf(m)] = s.name;
  return out;
}

/** `m` with rows and columns put in `order` (e.g. a similarity matrix sorted by superclass). */
export function reorderMatrix(m: readonly ArrayLike<number>[], order: readonly number[]): Float32Array[] {
  return order.map((i) => Float32Array.from(order, (j) => m[i][j]));
}
