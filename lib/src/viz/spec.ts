/** A vega-lite v5 top-level spec as a plain object (render with kernel-ext's `show.vegalite`). */
export type VegaLiteSpec = Record<string, unknown>;

export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** Options every chart accepts. */
export interface ChartOptions {
  title?: string;
  width?: number;
  height?: number;
}

export function base(opts: ChartOptions, defaults: { width: number; height: number }): VegaLiteSpec {
  const s: VegaLiteSpec = {
    $schema: VEGA_LITE_SCHEMA,
    width: opts.width ?? defaults.width,
    height: opts.height ?? defaults.height,
  };
  if (opts.title) s.title = opts.title;
  return s;
}

/** Round for compact inline data (charts do not need 17 digits). */
export function round(v: number, digits = 6): number {
  return Number.isFinite(v) ? Number(v.toPrecision(digits)) : v;
}
