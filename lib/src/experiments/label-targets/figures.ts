/** Notebook 01's figures, as vega-lite specs (the notebook shows and saves them). */
import { CIFAR100_CLASSES, CIFAR10_CLASSES, prettyClassName } from "../../data";
import { cosineSimilarityMatrix } from "../../metrics";
import {
  gridOf,
  groupedBars,
  heatmap,
  scatter,
  trainingCurves,
  tsne2d,
  withColorScheme,
  withoutAxisLabels,
  type VegaLiteSpec,
} from "../../viz";
import { cifar100Groups, reorderMatrix, superclassOrder } from "./order";
import type { LabelSource } from "./sources";
import type { ClassGap, TargetRunResult } from "./target-runs";
import type { ZeroShotData, ZeroShotRun } from "./zero-shot-experiment";

function superclassCosines(s: LabelSource, order: readonly number[]): Float32Array[] {
  return reorderMatrix(cosineSimilarityMatrix(s.vectors), order);
}

/** One CIFAR-100 source's class × class cosine heatmap, classes ordered by superclass, labelled. */
export function superclassHeatmap(source: LabelSource): VegaLiteSpec {
  const sc = superclassOrder();
  return heatmap(superclassCosines(source, sc.order), sc.names, sc.names, {
    title: `${source.id}: cosine similarity, ordered by superclass`,
    showValues: false,
  });
}

/** Small multiples of the same heatmap for more sources (three per row, no axis labels). */
export function superclassHeatmapGrid(sources: readonly LabelSource[]): VegaLiteSpec {
  const sc = superclassOrder();
  return gridOf(
    sources.map((s) =>
      withoutAxisLabels(
        heatmap(superclassCosines(s, sc.order), sc.names, sc.names, {
          title: s.id,
          showValues: false,
          width: 300,
          height: 300,
        }),
      ),
    ),
    3,
  );
}

/** Seeded t-SNE of each source's 100 CIFAR-100 label vectors, coloured by superclass, two per row. */
export function superclassTsne(sources: readonly LabelSource[], seed: number): VegaLiteSpec {
  const groups = cifar100Groups();
  const plots = sources.map((s) => {
    const xy = tsne2d(s.vectors, { seed });
    const points = xy.map(([x, y], i) => ({ x, y, label: prettyClassName(CIFAR100_CLASSES[i]), group: groups[i] }));
    return withColorScheme(withoutAxisLabels(scatter(points, { title: s.id, width: 420, height: 360 })), "category20");
  });
  return gridOf(plots, 2);
}

/** Each CIFAR-10 source's class × class cosine heatmap, three per row. */
export function cifar10Heatmaps(sources: readonly LabelSource[]): VegaLiteSpec {
  const names = CIFAR10_CLASSES.slice();
  return gridOf(
    sources.map((s) =>
      heatmap(cosineSimilarityMatrix(s.vectors), names, names, { title: s.id, width: 260, height: 260 }),
    ),
    3,
  );
}

/** Section 2's test accuracies by target type with their CIs; the dashed line is chance. */
export function targetAccuracyBars(results: readonly TargetRunResult[], classCount: number): VegaLiteSpec {
  return groupedBars(
    results.map((r) => ({
      group: r.kind,
      series: r.source,
      value: r.accuracy.estimate,
      lo: r.accuracy.lo,
      hi: r.accuracy.hi,
    })),
    {
      title: "Test accuracy by target type (95 % CI)",
      yTitle: "test accuracy",
      domain: [0, 1],
      baseline: 1 / classCount,
    },
  );
}

/** Section 2's training loss per epoch, one curve per run (log scale). */
export function targetLossCurves(results: readonly TargetRunResult[]): VegaLiteSpec {
  return trainingCurves(Object.fromEntries(results.map((r) => [r.run, r.history])), {
    series: ["loss"],
    title: "Training loss per epoch (each run has its own loss scale)",
    yTitle: "train loss",
    logY: true,
  });
}

/** Per class of each embedding run: accuracy minus one-hot (points) against the cosine to the nearest other class's target. */
export function classGapScatter(
  byRun: readonly { run: string; gaps: readonly ClassGap[] }[],
  classNames: readonly string[],
): VegaLiteSpec {
  return scatter(
    byRun.flatMap((g) =>
      g.gaps.map((c) => ({ x: c.nearestCosine, y: 100 * c.diff, label: classNames[c.classIndex], group: g.run })),
    ),
    {
      title: "Per-class test accuracy minus one-hot, by how close each class's target is to another's",
      xTitle: "cosine to the nearest other class's target",
      yTitle: "accuracy − one-hot (points)",
    },
  );
}

/** The all-class (generalized) zero-shot confusion on the test split, row-normalised; unseen classes are marked. */
export function zeroShotConfusion(run: ZeroShotRun, d: ZeroShotData): VegaLiteSpec {
  const cls = d.test.classNames;
  const confNorm = run.confusion.map((row) => {
    const s = row.reduce((a, b) => a + b, 0) || 1;
    return row.map((v) => v / s);
  });
  const labels = cls.map((c, i) => (d.unseen.includes(i) ? `${c} (unseen)` : c));
  return heatmap(confNorm, labels, labels, {
    title: "Generalized zero-shot confusion (row-normalised)",
    xTitle: "predicted",
    yTitle: "true",
    domain: [0, 1],
  });
}

/** Unseen-only top-1 of the end-to-end CNN and of each label source's probe, with CIs; dashed: chance. */
export function zeroShotSourceBars(endToEnd: ZeroShotRun, probes: readonly ZeroShotRun[]): VegaLiteSpec {
  return groupedBars(
    [endToEnd, ...probes].map((r, i) => ({
      group: i === 0 ? "end to end" : "probe",
      series: r.source,
      value: r.unseen.top1.estimate,
      lo: r.unseen.top1.lo,
      hi: r.unseen.top1.hi,
    })),
    {
      title: "Unseen-only top-1 (dashed: chance)",
      yTitle: "unseen top-1",
      domain: [0, 1],
      baseline: endToEnd.unseen.chanceTop1,
    },
  );
}
