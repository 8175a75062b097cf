import { progress } from "../core";
import { hfLoad, transformersFor } from "./hf-env";
import type { HfOptions } from "./hf-text";
import { hfProvenance } from "./hf-text";
import { decodeRgb } from "./image-input";
import { l2normalize } from "./vector-math";
import type { EmbedOptions, ImageEncoder, ImageInput } from "./types";

interface TensorLike {
  dims: number[];
  data: ArrayLike<number>;
}

/** The vision tower of a transformers.js CLIP model: image → `image_embeds` (normalised). */
export async function loadHfClipImageEncoder(modelId: string, opts: HfOptions = {}): Promise<ImageEncoder> {
  const t = transformersFor(opts);
  const [processor, model] = await hfLoad(modelId, opts, () =>
    Promise.all([t.AutoProcessor.from_pretrained(modelId), t.CLIPVisionModelWithProjection.from_pretrained(modelId, { dtype: opts.dtype ?? "fp32" })]),
  );
  const normalize = opts.normalize !== false;
  const run = async (images: ImageInput[]): Promise<Float32Array[]> => {
    const raws = await Promise.all(images.map(async (img) => {
      const rgb = await decodeRgb(img);
      return new t.RawImage(rgb.data, rgb.width, rgb.height, 3);
    }));
    const inputs = await processor(raws);
    const { image_embeds } = (await model(inputs)) as { image_embeds: TensorLike };
    const dim = image_embeds.dims[image_embeds.dims.length - 1];
    const data = Float32Array.from(image_embeds.data);
    return images.map((_, i) => {
      const v = data.slice(i * dim, (i + 1) * dim);
      return normalize ? l2normalize(v) : v;
    });
  };
  return {
    id: `hf:${modelId}`,
    dim: (model.config as unknown as { projection_dim?: number }).projection_dim ?? 512,
    provenance: hfProvenance(modelId),
    async embedImages(images: ImageInput[], eo: EmbedOptions = {}): Promise<Float32Array[]> {
      const bs = Math.max(1, eo.batchSize ?? 16);
      const bar = images.length > bs ? progress(images.length, modelId) : undefined;
      const out: Float32Array[] = [];
      for (let b = 0; b < images.length; b += bs) {
        const chunk = images.slice(b, b + bs);
        out.push(...(await run(chunk)));
        bar?.tick(chunk.length);
      }
      bar?.done();
      return out;
    },
  };
}
