import * as fs from "node:fs";
import sharp from "sharp";
import { CorruptDataError, EmbedlabError } from "../core";

export interface DecodeOptions {
  /** Resize to size×size (default: keep the original size). */
  size?: number;
  /** "cover" (default): scale and centre-crop to fill; "contain": scale to fit and pad with black. */
  fit?: "cover" | "contain";
}

export interface DecodedImage {
  /** HWC RGB bytes. */
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

/** Decode an image file or buffer to RGB bytes (EXIF orientation applied, alpha dropped, grey expanded), optionally resized. */
export async function decodeImage(input: string | Buffer, opts: DecodeOptions = {}): Promise<DecodedImage> {
  const name = typeof input === "string" ? input : "<buffer>";
  if (typeof input === "string" && !fs.existsSync(input)) throw new EmbedlabError(`image ${input} does not exist`);
  if (opts.size !== undefined && (!Number.isInteger(opts.size) || opts.size < 1)) throw new EmbedlabError(`size must be a positive integer, got ${opts.size}`);
  try {
    let img = sharp(input).rotate().removeAlpha().toColourspace("srgb");
    if (opts.size) img = img.resize(opts.size, opts.size, { fit: opts.fit ?? "cover", background: { r: 0, g: 0, b: 0 } });
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new CorruptDataError(name, `decoded to ${info.channels} channels, expected 3`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 };
  } catch (err) {
    if (err instanceof EmbedlabError) throw err;
    throw new CorruptDataError(name, `cannot decode image: ${(err as Error).message}`);
  }
}
