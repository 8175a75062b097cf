import * as fs from "node:fs";
import * as path from "node:path";
import { EmbedlabError } from "@embedlab/lib";
import { loadModule } from "./load-module";
import { escapeHtml, type MimeBundle } from "./mime";

type Sharp = typeof import("sharp");

export interface ImageItem {
  /** A file path, a `data:` URI, or the encoded image bytes. */
  src: string | Buffer;
  caption?: string;
}
export interface ImagesOptions {
  /** Images per row (default 4). */
  columns?: number;
  /** Display and thumbnail width in CSS pixels (default 160); images are shrunk, never enlarged. */
  width?: number;
}

async function readSource(src: string | Buffer, i: number): Promise<{ bytes: Buffer; label: string }> {
  if (Buffer.isBuffer(src)) return { bytes: src, label: `<${src.length} bytes>` };
  if (typeof src !== "string")
    throw new EmbedlabError(`show.images: item ${i} src must be a file path, data: URI or Buffer`);
  const m = /^data:[^;,]+;base64,(.*)$/s.exec(src);
  if (m) return { bytes: Buffer.from(m[1], "base64"), label: "<data URI>" };
  if (/^https?:\/\//.test(src)) {
    throw new EmbedlabError(
      `show.images: item ${i} is a URL (${src}); images are embedded offline`,
      "download it into data/cache/ first and pass the file path",
    );
  }
  try {
    return { bytes: await fs.promises.readFile(src), label: path.basename(src) };
  } catch (err) {
    throw new EmbedlabError(
      `show.images: cannot read image ${i} at ${src}: ${(err as Error).message}`,
      "check the path (relative paths are from the notebook's folder)",
    );
  }
}

/** Shrink to `width` (×2 for high-DPI) and re-encode: PNG if the image has alpha, else JPEG. */
async function thumbnail(bytes: Buffer, width: number, i: number): Promise<{ uri: string; w: number; h: number }> {
  const sharp = await loadModule<Sharp>("sharp");
  try {
    const img = sharp(bytes).rotate();
    const meta = await img.metadata();
    const resized = img.resize({ width: width * 2, withoutEnlargement: true });
    const out = meta.hasAlpha
      ? await resized.png().toBuffer({ resolveWithObject: true })
      : await resized.jpeg({ quality: 82 }).toBuffer({ resolveWithObject: true });
    const mime = meta.hasAlpha ? "image/png" : "image/jpeg";
    return {
      uri: `data:${mime};base64,${out.data.toString("base64")}`,
      w: meta.width ?? out.info.width,
      h: meta.height ?? out.info.height,
    };
  } catch (err) {
    throw new EmbedlabError(
      `show.images: item ${i} is not a readable image: ${(err as Error).message}`,
      "pass PNG, JPEG, WebP, GIF or TIFF data",
    );
  }
}

/** A grid of captioned thumbnails as HTML (inline base64), plus a plain-text listing. */
export async function imagesBundle(items: ImageItem[], opts: ImagesOptions = {}): Promise<MimeBundle> {
  if (!Array.isArray(items)) throw new EmbedlabError("show.images expects an array of { src, caption? }");
  const columns = opts.columns ?? 4;
  const width = opts.width ?? 160;
  if (!Number.isInteger(columns) || columns < 1)
    throw new EmbedlabError(`show.images: columns must be a positive integer, got ${columns}`);
  if (!(width >= 8 && width <= 4096))
    throw new EmbedlabError(`show.images: width must be 8..4096 pixels, got ${width}`);
  const thumbs = await Promise.all(
    items.map(async (item, i) => {
      const { bytes, label } = await readSource(item.src, i);
      return { ...(await thumbnail(bytes, width, i)), label, caption: item.caption };
    }),
  );
  // A table, with sizes and alignment as attributes: an untrusted classic Notebook strips `style=` (a CSS grid
  // would collapse into a column of full-size images) and its CSS right-aligns every td, hence the inner div.
  const cells = thumbs.map(
    (t) =>
      `<td valign="top"><div align="center"><img src="${t.uri}" width="${width}" alt="${escapeHtml(t.caption ?? t.label)}"/>` +
      (t.caption ? `<br/><small>${escapeHtml(t.caption)}</small>` : "") +
      "</div></td>",
  );
  const rows: string[] = [];
  for (let i = 0; i < cells.length; i += columns) rows.push(`<tr>${cells.slice(i, i + columns).join("")}</tr>`);
  const html = `<table class="embedlab-images">${rows.join("")}</table>`;
  const text = thumbs.map((t, i) => `${i + 1}. ${t.caption ?? "(no caption)"} — ${t.label}, ${t.w}×${t.h}`).join("\n");
  return { "text/html": html, "text/plain": text || "(no images)" };
}
