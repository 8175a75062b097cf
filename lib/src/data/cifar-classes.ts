/** CIFAR class names, in the datasets' label-index order (from batches.meta.txt / the python `meta` file). */

export const CIFAR10_CLASSES: readonly string[] = [
  "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
];

/** CIFAR-100 fine labels, index order (`fine_label_names`). */
export const CIFAR100_CLASSES: readonly string[] = [
  "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle",
  "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle",
  "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
  "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house", "kangaroo", "keyboard",
  "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain",
  "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck", "pine_tree",
  "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road", "rocket",
  "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider",
  "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger", "tractor",
  "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm",
];

/** The 20 CIFAR-100 superclasses in coarse-label index order, with their fine members (official names). */
export const CIFAR100_SUPERCLASSES: readonly { name: string; members: readonly string[] }[] = [
  { name: "aquatic_mammals", members: ["beaver", "dolphin", "otter", "seal", "whale"] },
  { name: "fish", members: ["aquarium_fish", "flatfish", "ray", "shark", "trout"] },
  { name: "flowers", members: ["orchid", "poppy", "rose", "sunflower", "tulip"] },
  { name: "food_containers", members: ["bottle", "bowl", "can", "cup", "plate"] },
  { name: "fruit_and_vegetables", members: ["apple", "mushroom", "orange", "pear", "sweet_pepper"] },
  { name: "household_electrical_devices", members: ["clock", "keyboard", "lamp", "telephone", "television"] },
  { name: "household_furniture", members: ["bed", "chair", "couch", "table", "wardrobe"] },
  { name: "insects", members: ["bee", "beetle", "butterfly", "caterpillar", "cockroach"] },
  { name: "large_carnivores", members: ["bear", "leopard", "lion", "tiger", "wolf"] },
  { name: "large_man-made_outdoor_things", members: ["bridge", "castle", "house", "road", "skyscraper"] },
  { name: "large_natural_outdoor_scenes", members: ["cloud", "forest", "mountain", "plain", "sea"] },
  { name: "large_omnivores_and_herbivores", members: ["camel", "cattle", "chimpanzee", "elephant", "kangaroo"] },
  { name: "medium_mammals", members: ["fox", "porcupine", "possum", "raccoon", "skunk"] },
  { name: "non-insect_invertebrates", members: ["crab", "lobster", "snail", "spider", "worm"] },
  { name: "people", members: ["baby", "boy", "girl", "man", "woman"] },
  { name: "reptiles", members: ["crocodile", "dinosaur", "lizard", "snake", "turtle"] },
  { name: "small_mammals", members: ["hamster", "mouse", "rabbit", "shrew", "squirrel"] },
  { name: "trees", members: ["maple_tree", "oak_tree", "palm_tree", "pine_tree", "willow_tree"] },
  { name: "vehicles_1", members: ["bicycle", "bus", "motorcycle", "pickup_truck", "train"] },
  { name: "vehicles_2", members: ["lawn_mower", "rocket", "streetcar", "tank", "tractor"] },
];

export const CIFAR100_SUPERCLASS_NAMES: readonly string[] = CIFAR100_SUPERCLASSES.map((s) => s.name);

/**
 * Names as printed in the superclass table on the CIFAR web page (plurals, "computer keyboard", "maple", ...),
 * which the original experiment used as embedding keys; only the ones that differ from the official name.
 */
export const CIFAR100_WEBSITE_NAMES: Readonly<Record<string, string>> = {
  aquarium_fish: "aquarium fish", orchid: "orchids", poppy: "poppies", rose: "roses", sunflower: "sunflowers",
  tulip: "tulips", bottle: "bottles", bowl: "bowls", can: "cans", cup: "cups", plate: "plates", apple: "apples",
  mushroom: "mushrooms", orange: "oranges", pear: "pears", sweet_pepper: "sweet peppers", keyboard: "computer keyboard",
  maple_tree: "maple", oak_tree: "oak", palm_tree: "palm", pine_tree: "pine", willow_tree: "willow",
  pickup_truck: "pickup truck", lawn_mower: "lawn-mower",
};

/** Superclass (coarse) index of each CIFAR-100 fine class, in fine index order. */
export function cifar100CoarseOf(): number[] {
  const out = new Array<number>(CIFAR100_CLASSES.length).fill(-1);
  CIFAR100_SUPERCLASSES.forEach((s, ci) => s.members.forEach((m) => (out[CIFAR100_CLASSES.indexOf(m)] = ci)));
  return out;
}

/** Human-readable class name: "aquarium_fish" → "aquarium fish", "apple_pie" → "apple pie". */
export function prettyClassName(name: string): string {
  return name.replace(/[_-]+/g, " ").trim();
}

function norm(s: string): string {
  return s.toLowerCase().replace(/[\s_-]+/g, " ").trim();
}

/**
 * Index of a CIFAR class given any common spelling (official, with spaces, or the web page's plural/short form);
 * -1 if unknown.
 */
export function cifarClassIndex(name: string, classes: readonly string[]): number {
  const n = norm(name);
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i];
    if (norm(c) === n) return i;
    const web = CIFAR100_WEBSITE_NAMES[c];
    if (web !== undefined && norm(web) === n) return i;
  }
  return -1;
}
