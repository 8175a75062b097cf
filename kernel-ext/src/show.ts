import { displayBundle } from "./kernel";
import { imagesBundle, type ImageItem, type ImagesOptions } from "./images";
import type { MimeBundle } from "./mime";
import { markdownToHtml } from "./markdown";
import { tableBundle, type DataFrameLike, type TableOptions, type TableRows } from "./table";
import { vegaliteBundle, writeFigure, type RenderOptions, type VegaLiteSpec } from "./vegalite";

export interface VegaLiteShowOptions extends RenderOptions {
  /** Also write `<outputDir()>/figures/<save>.{svg,png}`. */
  save?: string;
  /** Show only the PNG (and the text line), no vega-lite spec: for dense figures whose inline spec runs to megabytes. The saved files are unchanged. */
  pngOnly?: boolean;
}

/** Rich output for notebooks; outside a kernel each prints its plain-text form on stdout. */
export const show = {
  /**
   * One output: the vega-lite spec (object) + a PNG rendered in Node (with its CSS size) + a text line. Resolves to
   * nothing, so `await show.vegalite(spec)` as a cell's last line prints no SVG source; use
   * `renderVegaLite` / `saveFigure` (or `opts.save`) to get the files.
   */
  async vegalite(spec: VegaLiteSpec, opts: VegaLiteShowOptions = {}): Promise<void> {
    const { bundle, metadata, figure } = await vegaliteBundle(spec, opts);
    if (opts.save) writeFigure(figure, opts.save);
    displayBundle(
      opts.pngOnly ? { "image/png": bundle["image/png"], "text/plain": bundle["text/plain"] } : bundle,
      undefined,
      metadata,
    );
  },
  /** An HTML table + aligned text table, from row objects or a danfo DataFrame. */
  table(rows: TableRows | DataFrameLike, opts: TableOptions = {}): void {
    displayBundle(tableBundle(rows, opts));
  },
  /** A grid of captioned thumbnails (inline, shrunk with sharp) + a text listing. */
  async images(items: ImageItem[], opts: ImagesOptions = {}): Promise<void> {
    displayBundle(await imagesBundle(items, opts));
  },
  /** Markdown, also rendered as text/html (for front ends that show no Markdown output); text/plain carries the source. */
  markdown(md: string): void {
    displayBundle({ "text/markdown": md, "text/html": markdownToHtml(md), "text/plain": md });
  },
  /** Any bundle you built yourself (mime type → string, object, or bytes). */
  bundle(bundle: MimeBundle): void {
    displayBundle(bundle);
  },
};
