/** Composing vega-lite specs: small multiples in a grid, hidden axis labels, a colour scheme for every colour encoding. */
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./spec";

/** Put several vega-lite specs in a grid (`columns` per row), each keeping its own scales. */
export function gridOf(specs: readonly VegaLiteSpec[], columns: number, title?: string): VegaLiteSpec {
  const inner = specs.map((s) => {
    const { $schema: _drop, ...rest } = s;
    return rest;
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title ? { title } : {}),
    concat: inner,
    columns,
    resolve: { scale: { color: "independent" } },
  };
}

/** Hide a chart's axis tick labels (dense 100×100 heatmaps in a grid). */
export function withoutAxisLabels(spec: VegaLiteSpec): VegaLiteSpec {
  const enc = (spec.encoding ?? {}) as Record<string, Record<string, unknown>>;
  const hide = (ch: Record<string, unknown> | undefined) =>
    ch ? { ...ch, axis: { labels: false, ticks: false } } : ch;
  return { ...spec, encoding: { ...enc, x: hide(enc.x), y: hide(enc.y) } };
}

/** Use a vega colour scheme for every colour-by-field encoding (e.g. "category20" for the 20 CIFAR-100 superclasses). */
export function withColorScheme(spec: VegaLiteSpec, scheme: string): VegaLiteSpec {
  const fix = (enc: unknown): unknown => {
    if (!enc || typeof enc !== "object") return enc;
    const e = enc as Record<string, unknown>;
    const color = e.color as Record<string, unknown> | undefined;
    return color && typeof color.field === "string" ? { ...e, color: { ...color, scale: { scheme } } } : e;
  };
  const layers = Array.isArray(spec.layer)
    ? (spec.layer as Record<string, unknown>[]).map((l) => ({ ...l, encoding: fix(l.encoding) }))
    : spec.layer;
  return { ...spec, ...(spec.encoding ? { encoding: fix(spec.encoding) } : {}), ...(layers ? { layer: layers } : {}) };
}
