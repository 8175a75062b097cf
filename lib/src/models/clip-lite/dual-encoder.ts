import type { ImageEncoder, ImageInput, Provenance, TextEncoder } from "../types";
import type { ClipLite } from "./model";

/** Anything that embeds images and texts into one space (CLIP, or clip-lite on frozen encoders). */
export interface DualEncoder {
  readonly id: string;
  readonly provenance: Record<string, Provenance | string>;
  embedImages(images: ImageInput[]): Promise<Float32Array[]>;
  embedTexts(texts: string[]): Promise<Float32Array[]>;
}

/** clip-lite heads on top of the frozen encoders they were trained with; `heads` says how they were trained. */
export function clipLiteDualEncoder(
  model: ClipLite,
  imageEncoder: ImageEncoder,
  textEncoder: TextEncoder,
  heads = "trained in this notebook (symmetric InfoNCE)",
): DualEncoder {
  return {
    id: `clip-lite(${imageEncoder.id} + ${textEncoder.id}, ${model.dim}-d)`,
    provenance: {
      image: imageEncoder.provenance,
      text: textEncoder.provenance,
      heads,
    },
    async embedImages(images) {
      return model.embedImageFeatures(await imageEncoder.embedImages(images));
    },
    async embedTexts(texts) {
      return model.embedTextFeatures(await textEncoder.embed(texts));
    },
  };
}

/** A real CLIP: its own image and text towers (e.g. transformers.js Xenova/clip-vit-base-patch32). */
export function clipDualEncoder(imageEncoder: ImageEncoder, textEncoder: TextEncoder): DualEncoder {
  return {
    id: imageEncoder.id,
    provenance: { image: imageEncoder.provenance, text: textEncoder.provenance },
    embedImages: (images) => imageEncoder.embedImages(images),
    embedTexts: (texts) => textEncoder.embed(texts),
  };
}
