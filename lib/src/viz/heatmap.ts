import { EmbedlabError } from "../core";
import { base, ChartOptions, round, VegaLiteSpec } from "./spec";

export interface HeatmapOptions extends ChartOptions {
  /** Vega colour scheme (default "viridis"; use e.g. "redblue" with a symmetric domain). */
  colorScheme?: string;
  /** Fixed colour domain [min, max] (default: data range). */
  domain?: [number, number];
  /** d3-format string for cell text and tooltips (default ".2f"). */
  valueFormat?: string;
  /** Print values in cells (default: when there are at most 400 cells). */
  showValues?: boolean;
  xTitle?: string;
  yTitle?: string;
}

function checkLabels(labels: readonly string[], n: number, what: string): void {
  if (labels.length !== n)
    throw new EmbedlabError(`heatmap: ${labels.length} ${what} labels for ${n} ${what}s`, `pass one label per ${what}`);
  if (new Set(labels).size !== labels.length)
    throw new EmbedlabError(
      `heatmap: duplicate ${what} labels`,
      "labels must be unique (they are the axis categories)",
    );
}

/** A labelled matrix (e.g. cosine similarities, a confusion matrix), rows top to bottom in the given order. */
export function heatmap(
  matrix: readonly ArrayLike<number>[],
  rowLabels: readonly string[],
  colLabels: readonly string[],
  opts: HeatmapOptions = {},
): VegaLiteSpec {
  checkLabels(rowLabels, matrix.length, "row");
  const nCols = matrix[0]?.length ?? 0;
  checkLabels(colLabels, nCols, "column");
  const values: { row: string; col: string; value: number }[] = [];
  matrix.forEach((r, i) => {
    if (r.length !== nCols) throw new EmbedlabError(`heatmap: row ${i} has ${r.length} values, expected ${nCols}`);
    for (let j = 0; j < nCols; j++) values.push({ row: rowLabels[i], col: colLabels[j], value: round(r[j]) });
  });
  const fmt = opts.valueFormat ?? ".2f";
  const showValues = opts.showValues ?? values.length <= 400;
  const cell = Math.max(12, Math.min(40, Math.floor(480 / Math.max(nCols, matrix.length, 1))));
  const color: Record<string, unknown> = {
    field: "value",
    type: "quantitative",
    scale: { scheme: opts.colorScheme ?? "viridis", ...(opts.domain ? { domain: opts.domain } : {}) },
  };
  const enc = {
    x: { field: "col", type: "nominal", sort: [...colLabels], title: opts.xTitle ?? null, axis: { labelAngle: -45 } },
    y: { field: "row", type: "nominal", sort: [...rowLabels], title: opts.yTitle ?? null },
  };
  const layers: Record<string, unknown>[] = [
    {
      mark: "rect",
      encoding: {
        color,
        tooltip: [{ field: "row" }, { field: "col" }, { field: "value", type: "quantitative", format: fmt }],
      },
    },
  ];
  if (showValues) {
    // text colour flips at the middle of the domain for contrast
    const lo = opts.domain?.[0] ?? Math.min(...values.map((v) => v.value));
    const hi = opts.domain?.[1] ?? Math.max(...values.map((v) => v.value));
    layers.push({
      mark: { type: "text", fontSize: 10 },
      encoding: {
        text: { field: "value", type: "quantitative", format: fmt },
        color: { condition: { test: `datum.value < ${round((lo + hi) / 2)}`, value: "white" }, value: "black" },
      },
    });
  }
  return {
    ...base(opts, { width: cell * nCols, height: cell * matrix.length }),
    data: { values },
    encoding: enc,
    layer: layers,
  };
}
