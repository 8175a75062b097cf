/** viz/ (above losses): vega-lite specs (charts, heatmaps, 2-d projections, grids) and table rows; displays nothing itself. */
export type { VegaLiteSpec, ChartOptions } from "./spec";
export { VEGA_LITE_SCHEMA } from "./spec";
export { heatmap } from "./heatmap";
export { gridOf, withoutAxisLabels, withColorScheme } from "./compose";
export type { HeatmapOptions } from "./heatmap";
export { scatter, trainingCurves, groupedBars, histogramOverlay } from "./charts";
export type {
  ScatterPoint,
  ScatterOptions,
  TrainingCurvesOptions,
  BarRow,
  GroupedBarsOptions,
  HistogramOptions,
} from "./charts";
export { tsne2d, pca2d } from "./projection2d";
export type { TsneOptions } from "./projection2d";
export { toDataFrame } from "./table";
