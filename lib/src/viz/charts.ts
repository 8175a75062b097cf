import { EmbedlabError } from "../core";
import { base, ChartOptions, round, VegaLiteSpec } from "./spec";

export interface ScatterPoint {
  x: number;
  y: number;
  label?: string;
  group?: string;
}

export interface ScatterOptions extends ChartOptions {
  xTitle?: string;
  yTitle?: string;
  /** Draw labels as text next to points (default: when some point has a label and there are ≤ 300 points). */
  showLabels?: boolean;
  pointSize?: number;
}

/** Points coloured by group, optionally labelled (e.g. a t-SNE/PCA map of embeddings). */
export function scatter(points: readonly ScatterPoint[], opts: ScatterOptions = {}): VegaLiteSpec {
  const values = points.map((p, i) => {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y))
      throw new EmbedlabError(`scatter: point ${i} has non-finite coordinates (${p.x}, ${p.y})`);
    return { x: round(p.x), y: round(p.y), label: p.label ?? "", group: p.group ?? "" };
  });
  const hasGroup = points.some((p) => p.group !== undefined);
  const showLabels = opts.showLabels ?? (points.some((p) => p.label) && points.length <= 300);
  const enc = {
    x: { field: "x", type: "quantitative", title: opts.xTitle ?? null, scale: { zero: false } },
    y: { field: "y", type: "quantitative", title: opts.yTitle ?? null, scale: { zero: false } },
  };
  const color = hasGroup ? { color: { field: "group", type: "nominal", title: null } } : {};
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: "circle", size: opts.pointSize ?? 40, opacity: 0.8 },
      encoding: { ...color, tooltip: [{ field: "label" }, { field: "group" }] },
    },
  ];
  if (showLabels)
    layers.push({
      mark: { type: "text", align: "left", dx: 5, fontSize: 10 },
      encoding: { text: { field: "label" }, ...color },
    });
  return { ...base(opts, { width: 480, height: 400 }), data: { values }, encoding: enc, layer: layers };
}

export interface TrainingCurvesOptions extends ChartOptions {
  /** History keys to plot (default: every numeric key except epoch, step, lr, seconds, evalSeconds). */
  series?: string[];
  /** The x field (default "epoch"). */
  x?: string;
  yTitle?: string;
  logY?: boolean;
}

type HistoryRow = Readonly<Record<string, number>>;

/**
 * Lines per series over epochs. `history` is one run's records (train.fit's history) or
 * `{ runName: history }` for several runs (series are named "run · key").
 */
export function trainingCurves(
  history: readonly HistoryRow[] | Readonly<Record<string, readonly HistoryRow[]>>,
  opts: TrainingCurvesOptions = {},
): VegaLiteSpec {
  const runs: [string, readonly HistoryRow[]][] = Array.isArray(history)
    ? [["", history as readonly HistoryRow[]]]
    : Object.entries(history as Record<string, readonly HistoryRow[]>);
  const xKey = opts.x ?? "epoch";
  const skip = new Set([xKey, "epoch", "step", "lr", "seconds", "evalSeconds"]);
  const values: { x: number; series: string; value: number }[] = [];
  for (const [run, rows] of runs) {
    const keys = opts.series ?? [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => !skip.has(k));
    for (const r of rows) {
      if (typeof r[xKey] !== "number")
        throw new EmbedlabError(
          `trainingCurves: a history row has no numeric "${xKey}"`,
          "pass train.fit's history, or set opts.x",
        );
      for (const k of keys) {
        const v = r[k];
        if (typeof v === "number" && Number.isFinite(v))
          values.push({ x: r[xKey], series: run ? `${run} · ${k}` : k, value: round(v) });
      }
    }
  }
  if (values.length === 0)
    throw new EmbedlabError("trainingCurves: nothing to plot", "check opts.series against the history's keys");
  return {
    ...base(opts, { width: 480, height: 300 }),
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "x", type: "quantitative", title: xKey },
      y: {
        field: "value",
        type: "quantitative",
        title: opts.yTitle ?? null,
        scale: opts.logY ? { type: "log" } : { zero: false },
      },
      color: { field: "series", type: "nominal", title: null },
      tooltip: [
        { field: "series" },
        { field: "x", title: xKey },
        { field: "value", type: "quantitative", format: ".4f" },
      ],
    },
  };
}

export interface BarRow {
  group: string;
  series: string;
  value: number;
  /** CI bounds (drawn as error bars when both are given). */
  lo?: number;
  hi?: number;
}

export interface GroupedBarsOptions extends ChartOptions {
  yTitle?: string;
  /** Fixed y domain. */
  domain?: [number, number];
  /** A horizontal reference line (e.g. chance accuracy). */
  baseline?: number;
  valueFormat?: string;
}

/** Bars per group, one per series side by side, with CI error bars. */
export function groupedBars(rows: readonly BarRow[], opts: GroupedBarsOptions = {}): VegaLiteSpec {
  const values = rows.map((r, i) => {
    if (!Number.isFinite(r.value))
      throw new EmbedlabError(`groupedBars: row ${i} (${r.group}/${r.series}) has value ${r.value}`);
    return {
      group: r.group,
      series: r.series,
      value: round(r.value),
      ...(r.lo !== undefined && r.hi !== undefined ? { lo: round(r.lo), hi: round(r.hi) } : {}),
    };
  });
  const groups = [...new Set(rows.map((r) => r.group))];
  const series = [...new Set(rows.map((r) => r.series))];
  const fmt = opts.valueFormat ?? ".3f";
  const y = {
    field: "value",
    type: "quantitative",
    title: opts.yTitle ?? null,
    ...(opts.domain ? { scale: { domain: opts.domain } } : {}),
  };
  const x = { field: "group", type: "nominal", sort: groups, title: null, axis: { labelAngle: 0 } };
  const xOffset = { field: "series", type: "nominal", sort: series };
  const layers: Record<string, unknown>[] = [
    {
      mark: "bar",
      encoding: {
        x,
        xOffset,
        y,
        color: { field: "series", type: "nominal", sort: series, title: null },
        tooltip: [
          { field: "group" },
          { field: "series" },
          { field: "value", type: "quantitative", format: fmt },
          { field: "lo", format: fmt },
          { field: "hi", format: fmt },
        ],
      },
    },
  ];
  if (values.some((v) => "lo" in v)) {
    layers.push({
      mark: { type: "rule", color: "black" },
      transform: [{ filter: "isValid(datum.lo)" }],
      encoding: { x, xOffset, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
    });
  }
  if (opts.baseline !== undefined) {
    layers.push({
      data: { values: [{ baseline: opts.baseline }] },
      mark: { type: "rule", strokeDash: [4, 4], color: "gray" },
      encoding: { y: { field: "baseline", type: "quantitative" } },
    });
  }
  return {
    ...base(opts, { width: Math.max(200, groups.length * series.length * 28), height: 300 }),
    data: { values },
    layer: layers,
  };
}

export interface HistogramOptions extends ChartOptions {
  /** Max bins (default 30). */
  bins?: number;
  xTitle?: string;
  /** Plot densities (each series sums to 1) instead of counts (default true: series of different sizes compare). */
  normalize?: boolean;
}

/** Overlaid histograms of several series (e.g. within- vs across-class cosines). */
export function histogramOverlay(
  series: Readonly<Record<string, ArrayLike<number>>>,
  opts: HistogramOptions = {},
): VegaLiteSpec {
  const values: { series: string; value: number }[] = [];
  for (const [name, arr] of Object.entries(series))
    for (let i = 0; i < arr.length; i++)
      if (Number.isFinite(arr[i])) values.push({ series: name, value: round(arr[i]) });
  if (values.length === 0) throw new EmbedlabError("histogramOverlay: no finite values", "pass { name: numbers[] }");
  const normalize = opts.normalize ?? true;
  const transform: Record<string, unknown>[] = [
    { bin: { maxbins: opts.bins ?? 30 }, field: "value", as: ["bin_start", "bin_end"] },
    { aggregate: [{ op: "count", as: "count" }], groupby: ["series", "bin_start", "bin_end"] },
  ];
  if (normalize) {
    transform.push(
      { joinaggregate: [{ op: "sum", field: "count", as: "total" }], groupby: ["series"] },
      { calculate: "datum.count / datum.total", as: "fraction" },
    );
  }
  return {
    ...base(opts, { width: 480, height: 260 }),
    data: { values },
    transform,
    mark: { type: "bar", opacity: 0.5, binSpacing: 0 },
    encoding: {
      x: { field: "bin_start", type: "quantitative", bin: { binned: true }, title: opts.xTitle ?? null },
      x2: { field: "bin_end" },
      y: {
        field: normalize ? "fraction" : "count",
        type: "quantitative",
        stack: null,
        title: normalize ? "fraction" : "count",
      },
      color: { field: "series", type: "nominal", title: null },
    },
  };
}
