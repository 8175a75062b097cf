/** Caption templates that turn a class label into training captions for the contrastive model. */
import { prettyClassName } from "../../data";

export type CaptionDomain = "food" | "object";

const TEMPLATES: Record<CaptionDomain, string[]> = {
  food: [
    "a photo of {}.",
    "a photo of {}, a type of food.",
    "a plate of {}.",
    "a close-up photo of {}.",
    "{} served at a restaurant.",
    "homemade {}.",
    "a dish of {} on a table.",
    "a picture of delicious {}.",
  ],
  object: [
    "a photo of a {}.",
    "a blurry photo of a {}.",
    "a close-up photo of a {}.",
    "a small photo of the {}.",
    "a picture of a {} outdoors.",
    "a low-resolution photo of a {}.",
    "a photo of the {} in its surroundings.",
    "a cropped photo of a {}.",
  ],
};

/** All captions for one class, e.g. `classCaptions("apple_pie", "food")`. */
export function classCaptions(className: string, domain: CaptionDomain): string[] {
  const name = prettyClassName(className);
  return TEMPLATES[domain].map((t) => t.replace("{}", name));
}

/** The query used for class-name retrieval: the first template ("a photo of apple pie."). */
export function classQuery(className: string, domain: CaptionDomain): string {
  return classCaptions(className, domain)[0];
}
