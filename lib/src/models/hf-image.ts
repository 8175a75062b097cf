import { embedInBatches } from "./embed-batches";
import { hfLoad, transformersFor } from "./hf-env";
import { hfProvenance, rows, type HfOptions, type TensorLike } from "./hf-text";
import { decodeRgb } from "./image-input";
import { l2normalize } from "./vector-math";
import type { EmbedOptions, ImageEncoder, ImageInput } from "./types";

/** The vision tower of a transformers.js CLIP model: image → `image_embeds` (normalised). */
export async function loadHfClipImageEncoder(modelId: string, opts: HfOptions = {}): Promise<ImageEncoder> {
  const t = transformersFor(opts);
  const [processor, model] = await hfLoad(modelId, opts, "fp32", (s) =>
    Promise.all([
      t.AutoProcessor.from_pretrained(modelId, { revision: s.revision }),
      t.CLIPVisionModelWithProjection.from_pretrained(modelId, s),
    ]),
  );
  const normalize = opts.normalize !== false;
  const run = async (images: ImageInput[]): Promise<Float32Array[]> => {
    const raws = await Promise.all(
      images.map(async (img) => {
        const rgb = await decodeRgb(img);
        return new t.RawImage(rgb.data, rgb.width, rgb.height, 3);
      }),
    );
    const inputs = await processor(raws);
    const { image_embeds } = (await model(inputs)) as { image_embeds: TensorLike };
    return rows(image_embeds, images.length).map((v) => (normalize ? l2normalize(v) : v));
  };
  return {
    id: `hf:${modelId}`,
    dim: (model.config as unknown as { projection_dim?: number }).projection_dim ?? 512,
    provenance: hfProvenance(modelId),
    async embedImages(images: ImageInput[], eo: EmbedOptions = {}): Promise<Float32Array[]> {
      return embedInBatches(images, eo.batchSize ?? 16, modelId, run);
    },
  };
}
