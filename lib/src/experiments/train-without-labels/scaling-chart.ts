import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "../../viz/spec";

export interface ScalingPoint {
  size: number;
  accuracy: number;
  lo: number;
  hi: number;
  series: string;
}

/** Accuracy (with CI band) against the number of training sentences (log x), with reference lines. */
export function scalingChart(
  points: readonly ScalingPoint[],
  refs: ReadonlyArray<{ name: string; accuracy: number }>,
  title = "Student accuracy vs pseudo-labelled sentences",
): VegaLiteSpec {
  const sizes = points.map((p) => p.size);
  const domain = sizes.length ? [Math.min(...sizes) / 1.3, Math.max(...sizes) * 1.3] : undefined;
  const x = {
    field: "size",
    type: "quantitative",
    scale: { type: "log", nice: false, ...(domain ? { domain } : {}) },
    title: "training sentences (log scale)",
  };
  const y = { field: "accuracy", type: "quantitative", scale: { zero: false }, title: "dev accuracy" };
  const color = {
    field: "series",
    type: "nominal",
    title: null,
    legend: {
      labelLimit: 320,
      orient: "bottom",
      direction: "vertical",
      symbolType: "stroke",
      symbolOpacity: 1,
      symbolStrokeWidth: 3,
    },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    width: 460,
    height: 280,
    layer: [
      {
        data: { values: points },
        mark: { type: "area", opacity: 0.15 },
        encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color },
      },
      { data: { values: points }, mark: { type: "line", point: true }, encoding: { x, y, color } },
      {
        data: { values: refs.map((r) => ({ ...r, series: r.name })) },
        mark: { type: "rule", strokeDash: [4, 4] },
        encoding: { y: { field: "accuracy", type: "quantitative" }, color },
      },
    ],
  };
}
