import * as fs from "node:fs";
import sharp from "sharp";
import { DataNotFoundError, EmbedlabError } from "../core";
import type { ImageInput } from "./types";

/** Decoded RGB pixels (3 channels, row-major). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Decode any ImageInput to RGB; `size` resizes (bilinear, exact square, no crop) when given. */
export async function decodeRgb(img: ImageInput, size?: number): Promise<RgbImage> {
  let pipeline: sharp.Sharp;
  if (typeof img === "string") {
    if (!fs.existsSync(img)) throw new DataNotFoundError(`image ${img}`, [img]);
    pipeline = sharp(img);
  } else if (Buffer.isBuffer(img)) {
    pipeline = sharp(img);
  } else {
    const channels = img.channels ?? img.data.length / (img.width * img.height);
    if (![1, 2, 3, 4].includes(channels) || img.data.length !== img.width * img.height * channels)
      throw new EmbedlabError(
        `raw image has ${img.data.length} bytes, which is not width·height·channels for ${img.width}x${img.height}`,
        "pass { data, width, height } with 1, 3 or 4 bytes per pixel",
      );
    pipeline = sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
      raw: { width: img.width, height: img.height, channels: channels as 1 | 2 | 3 | 4 },
    });
  }
  pipeline = pipeline.removeAlpha().toColourspace("srgb");
  if (size) pipeline = pipeline.resize(size, size, { fit: "fill" });
  try {
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
    };
  } catch (err) {
    const what =
      typeof img === "string" ? img : Buffer.isBuffer(img) ? `a ${img.byteLength}-byte buffer` : "raw pixels";
    throw new EmbedlabError(
      `cannot decode image ${what}: ${(err as Error).message}`,
      "pass a JPEG/PNG/WebP file or buffer, or raw RGB pixels",
    );
  }
}
