import * as path from "node:path";
import { EmbedlabError, outputDir, writeFileAtomic } from "@embedlab/lib";
import { chartFonts } from "./fonts";
import { loadModule } from "./load-module";
import type { MimeBundle } from "./mime";

/** A vega-lite v5 specification (a plain JSON object, as you would write it in the vega editor). */
export type VegaLiteSpec = { [key: string]: unknown };

export interface RenderedFigure {
  svg: string;
  /** Rendered at `scale` × the figure's CSS size (sharp on high-DPI screens). */
  png: Buffer;
  /** The figure's CSS size in pixels (the SVG's width and height). */
  width: number;
  height: number;
}
export interface RenderOptions {
  /** PNG pixels per SVG pixel (default 2, for sharp text on high-DPI screens). */
  scale?: number;
}

// The few parts of vega / vega-lite / resvg we call (their own typings are heavy and not needed here).
interface VegaLiteModule {
  compile(spec: VegaLiteSpec): { spec: object };
}
interface VegaView {
  toSVG(): Promise<string>;
  finalize(): void;
}
interface VegaModule {
  parse(spec: object): object;
  View: new (runtime: object, opts: { renderer: string; logLevel?: number }) => VegaView;
  Warn: number;
}
interface ResvgModule {
  Resvg: new (svg: string, opts: object) => { render(): { asPng(): Buffer } };
}

const VEGALITE_MIME = "application/vnd.vegalite.v5+json";

/** Check a spec is a JSON-serialisable object and return a deep copy (what goes into the notebook). */
function plainSpec(spec: unknown): VegaLiteSpec {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new EmbedlabError(
      `a vega-lite spec must be an object, got ${Array.isArray(spec) ? "an array" : typeof spec}`,
      'pass e.g. { data: { values: rows }, mark: "bar", encoding: { x: {...}, y: {...} } }',
    );
  }
  try {
    return JSON.parse(JSON.stringify(spec)) as VegaLiteSpec;
  } catch (err) {
    throw new EmbedlabError(
      `vega-lite spec is not JSON-serialisable: ${(err as Error).message}`,
      "use plain objects, arrays, strings and numbers (no BigInt, no cycles)",
    );
  }
}

/** Compile vega-lite → vega, run it headless, and render SVG (vega) and PNG (resvg). */
export async function renderVegaLite(spec: VegaLiteSpec, opts: RenderOptions = {}): Promise<RenderedFigure> {
  const clean = plainSpec(spec);
  const [vl, vega, resvg] = await Promise.all([
    loadModule<VegaLiteModule>("vega-lite"),
    loadModule<VegaModule>("vega"),
    loadModule<ResvgModule>("@resvg/resvg-js"),
  ]);
  let vgSpec: object;
  try {
    vgSpec = vl.compile(clean).spec;
  } catch (err) {
    throw new EmbedlabError(
      `invalid vega-lite spec: ${(err as Error).message}`,
      "check the spec against https://vega.github.io/vega-lite/docs/ (mark, encoding field names and types)",
    );
  }
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none", logLevel: vega.Warn });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const scale = opts.scale ?? 2;
  if (!(scale > 0 && scale <= 8)) throw new EmbedlabError(`PNG scale must be in (0, 8], got ${scale}`);
  const png = new resvg.Resvg(svg, {
    font: chartFonts(),
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    logLevel: "off",
  })
    .render()
    .asPng();
  return { svg, png, ...svgSize(svg) };
}

/** Width and height (CSS pixels) of an SVG's root element. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const attr = (name: string) => Number(new RegExp(`\\s${name}="([\\d.]+)(?:px)?"`).exec(root)?.[1] ?? NaN);
  return { width: attr("width"), height: attr("height") };
}

/** One line describing the chart, for `text/plain`. */
function describe(spec: VegaLiteSpec): string {
  const title = typeof spec.title === "string" ? spec.title : (spec.title as { text?: unknown } | undefined)?.text;
  const mark = typeof spec.mark === "string" ? spec.mark : (spec.mark as { type?: unknown } | undefined)?.type;
  const values = (spec.data as { values?: unknown } | undefined)?.values;
  const parts = [
    title ? `"${String(title)}"` : null,
    mark ? `mark=${String(mark)}` : Array.isArray(spec.layer) ? `layers=${spec.layer.length}` : null,
    Array.isArray(values) ? `${values.length} row${values.length === 1 ? "" : "s"}` : null,
  ].filter(Boolean);
  return `<VegaLite chart${parts.length ? " " + parts.join(", ") : ""}>`;
}

/**
 * The bundle for one chart: the spec (object) for live renderers (JupyterLab), a PNG for everything else, and
 * `metadata` giving the PNG its CSS size (it is rendered at `scale` ×, e.g. 1352×698 for a 676×349 figure).
 *
 * No SVG and no `text/html`, on purpose: nbconvert's HTML export (6.5, default settings) prefers
 * `image/svg+xml` over `image/png` and always passes the SVG through its sanitizer, which leaves a blank
 * `<svg class="marks">` of loose text; an untrusted classic Notebook ignores the SVG anyway. A `text/html`
 * copy (an `<img>` data URL) would fix nbconvert but win over vega-lite in JupyterLab (its HTML renderer ranks
 * 50, vega 57). So every front end shows the PNG at its CSS size, JupyterLab the live chart; the SVG is
 * still written by `saveFigure` / `show.vegalite(spec, { save })`.
 */
export async function vegaliteBundle(
  spec: VegaLiteSpec,
  opts: RenderOptions = {},
): Promise<{ bundle: MimeBundle; metadata: Record<string, unknown>; figure: RenderedFigure }> {
  const clean = plainSpec(spec);
  const figure = await renderVegaLite(clean, opts);
  const size =
    Number.isFinite(figure.width) && Number.isFinite(figure.height)
      ? { width: figure.width, height: figure.height }
      : null;
  return {
    figure,
    metadata: size ? { "image/png": size } : {},
    bundle: {
      [VEGALITE_MIME]: clean,
      "image/png": figure.png.toString("base64"),
      "text/plain": describe(clean),
    },
  };
}

/** Check a figure name is a plain file stem. */
export function checkFigureName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.length > 120) {
    throw new EmbedlabError(
      `bad figure name "${name}"`,
      "use letters, digits, '.', '_' or '-' (no slashes, no extension), e.g. \"01_similarity_hist\"",
    );
  }
}

/** Render and write `<outputDir()>/figures/<name>.svg` and `.png` (each atomically); returns their paths. */
export async function saveFigure(
  spec: VegaLiteSpec,
  name: string,
  opts: RenderOptions = {},
): Promise<{ svg: string; png: string }> {
  checkFigureName(name);
  const fig = await renderVegaLite(spec, opts);
  return writeFigure(fig, name);
}

/** Write an already rendered figure under `<outputDir()>/figures/`. */
export function writeFigure(fig: RenderedFigure, name: string): { svg: string; png: string } {
  checkFigureName(name);
  const dir = path.join(outputDir(), "figures");
  const files = { svg: path.join(dir, `${name}.svg`), png: path.join(dir, `${name}.png`) };
  writeFileAtomic(files.svg, fig.svg);
  writeFileAtomic(files.png, fig.png);
  return files;
}
