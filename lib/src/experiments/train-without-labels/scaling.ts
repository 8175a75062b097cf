import type { Sst2Row } from "../../data";
import { accuracy, type ConfidenceInterval } from "../../metrics";
import type { VegaLiteSpec } from "../../viz";
import type { Config } from "./config";
import { scalingChart, type ScalingPoint } from "./scaling-chart";
import { trainAndScore, type StudentRun } from "./student-runs";
import { mostConfident, subsetLabels, type TeacherLabels } from "./teacher";
import type { TableView } from "./table";
import type { TrainStudentOptions } from "./train-student";

/** One point of the scaling curve: the student trained on the pool's first `size` pseudo-labels. */
export interface ScalingRow extends ScalingPoint {
  /** How many of those pseudo-labels are right (hidden gold). */
  pseudoLabelAccuracy: number;
  trainSeconds: number;
  epochs: number;
  finalLoss: number;
}

export interface Scaling {
  points: ScalingRow[];
  /** The student trained only on the most confident `confidentFraction` of the pool. */
  confident: StudentRun;
  /** Pool indices kept by confidence filtering. */
  kept: number[];
  /** Accuracy of the kept pseudo-labels (hidden gold). */
  confidentLabelAccuracy: number;
}

/** (a) The same student on growing prefixes of the pool; (b) on its most confident pseudo-labels only. */
export async function scalingRuns(
  p: Pick<Config, "sizes" | "confidentFraction">,
  s: {
    pool: readonly Sst2Row[];
    poolTexts: readonly string[];
    evalTexts: readonly string[];
    evalGold: readonly number[];
  },
  poolLabels: TeacherLabels,
  options: TrainStudentOptions,
): Promise<Scaling> {
  const points: ScalingRow[] = [];
  for (const n of p.sizes) {
    const idx = Array.from({ length: n }, (_, i) => i);
    const run = await trainAndScore(
      `pseudo ${n}`,
      s.poolTexts.slice(0, n),
      subsetLabels(poolLabels, idx).labels,
      s.evalTexts,
      s.evalGold,
      { ...options, ciSeed: 1 },
    );
    points.push({
      size: n,
      accuracy: run.accuracy.estimate,
      lo: run.accuracy.lo,
      hi: run.accuracy.hi,
      series: "student (pseudo-labels)",
      pseudoLabelAccuracy: accuracy(
        subsetLabels(poolLabels, idx).labels,
        s.pool.slice(0, n).map((r) => r.label),
      ),
      trainSeconds: run.trainSeconds,
      epochs: run.epochs,
      finalLoss: run.finalLoss,
    });
  }
  const kept = mostConfident(poolLabels.margin, p.confidentFraction);
  const filtered = subsetLabels(poolLabels, kept);
  const confident = await trainAndScore(
    "confident",
    kept.map((i) => s.poolTexts[i]),
    filtered.labels,
    s.evalTexts,
    s.evalGold,
    { ...options, ciSeed: 1 },
  );
  const confidentLabelAccuracy = accuracy(
    filtered.labels,
    kept.map((i) => s.pool[i].label),
  );
  return { points, confident, kept, confidentLabelAccuracy };
}

/** The scaling curve with the teacher and the gold-label student as reference lines. */
export function scalingFigure(
  sc: Pick<Scaling, "points">,
  teacher: ConfidenceInterval,
  gold: Pick<StudentRun, "accuracy">,
  sampleSize: number,
): VegaLiteSpec {
  return scalingChart(sc.points, [
    { name: "teacher", accuracy: teacher.estimate },
    { name: `student, ${sampleSize} gold labels`, accuracy: gold.accuracy.estimate },
  ]);
}

export function scalingTable(sc: Scaling, confidentFraction: number, poolSize: number): TableView {
  const rows = [
    ...sc.points.map((s) => ({
      training: `first ${s.size} of the pool`,
      sentences: s.size,
      "pseudo-label accuracy (hidden gold)": s.pseudoLabelAccuracy,
      "dev accuracy": s.accuracy,
      "95% CI": `${s.lo.toFixed(3)}–${s.hi.toFixed(3)}`,
      epochs: s.epochs,
      "final train loss": s.finalLoss,
    })),
    {
      training: `most confident ${Math.round(confidentFraction * 100)}% of ${poolSize}`,
      sentences: sc.kept.length,
      "pseudo-label accuracy (hidden gold)": sc.confidentLabelAccuracy,
      "dev accuracy": sc.confident.accuracy.estimate,
      "95% CI": `${sc.confident.accuracy.lo.toFixed(3)}–${sc.confident.accuracy.hi.toFixed(3)}`,
      epochs: sc.confident.epochs,
      "final train loss": sc.confident.finalLoss,
    },
  ];
  return [rows, { caption: "Student trained on more, or on cleaner, pseudo-labels", digits: 3 }];
}
