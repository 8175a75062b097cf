import type { Sst2Row } from "../../data";
import { accuracyDifferenceCI, type ConfidenceInterval } from "../../metrics";
import { wordVectorsFor, type WordVectorTable } from "../../models/student";
import { groupedBars, type VegaLiteSpec } from "../../viz";
import type { Config, StudentVariant } from "./config";
import type { PseudoLabels } from "./pseudo-label";
import { fineTuneAndScore } from "./fine-tuned-student";
import { trainAndScore, variantOptions, type StudentRun } from "./student-runs";
import type { TableView } from "./table";
import type { TrainStudentOptions } from "./train-student";

export interface VariantRow {
  variant: StudentVariant;
  "selection-slice accuracy": number;
  "trainable params": number;
  "frozen params": number;
  "train s": number;
}

export interface VariantChoice {
  /** Word vectors of the SST-2 train vocabulary (unlabelled text decides which rows are kept). */
  wordVectors: WordVectorTable;
  rows: VariantRow[];
  /** The best variant on the selection slice ("auto"; ties: the first), or the one asked for. */
  chosen: StudentVariant;
}

/** Train each student variant on the sample's pseudo-labels and score it on the labelled selection slice. */
export async function compareVariants(
  p: Pick<Config, "variants" | "arch" | "epochs" | "seed" | "minSteps">,
  s: {
    trainRows: readonly Sst2Row[];
    sampleTexts: readonly string[];
    selTexts: readonly string[];
    selGold: readonly number[];
  },
  labels: Pick<PseudoLabels, "sample">,
): Promise<VariantChoice> {
  const wordVectors = wordVectorsFor(s.trainRows.map((r) => r.sentence));
  const rows: VariantRow[] = [];
  for (const v of p.variants) {
    const run = await trainAndScore(
      v,
      s.sampleTexts,
      labels.sample.labels,
      s.selTexts,
      s.selGold,
      variantOptions(v, wordVectors, p.epochs, p.seed, p.minSteps),
    );
    rows.push({
      variant: v,
      "selection-slice accuracy": run.accuracy.estimate,
      "trainable params": run.params.trainable,
      "frozen params": run.params.frozen,
      "train s": run.trainSeconds,
    });
  }
  const chosen =
    p.arch === "auto"
      ? rows.reduce((a, b) => (b["selection-slice accuracy"] > a["selection-slice accuracy"] ? b : a)).variant
      : p.arch;
  return { wordVectors, rows, chosen };
}

export function variantTable(c: VariantChoice, sampleSize: number, selectionSize: number): TableView {
  const caption = `Student variants trained on ${sampleSize} pseudo-labels, scored on ${selectionSize} labelled train sentences → "${c.chosen}" (${c.wordVectors.words.length} word vectors kept)`;
  return [c.rows as unknown as Array<Record<string, unknown>>, { caption, digits: 3 }];
}

export interface Students {
  /** The student's name: the chosen fastText-style variant, or "fine-tuned <model>". */
  arch: string;
  /** The chosen fastText-style variant's training settings (also used for scaling). */
  options: TrainStudentOptions;
  /** Trained on the teacher's labels of the sample; its model is kept (dispose it when done). */
  pseudo: StudentRun;
  /** The same architecture trained on the sample's gold labels: the upper bound. */
  gold: StudentRun;
  /** Pseudo-label student minus teacher accuracy, paired bootstrap (seed 2). */
  gap: ConfidenceInterval;
  /**
   * With a fine-tuned transformer student: the cheap fastText-style student (the chosen variant) on the same
   * pseudo-labels, as the baseline row, with its own gap to the teacher; its model is kept (dispose it when done).
   */
  baseline?: StudentRun & { arch: string; gap: ConfidenceInterval };
}

/** Dispose the students' kept models. */
export function disposeStudents(st: Pick<Students, "pseudo" | "baseline">): void {
  st.pseudo.model?.dispose();
  st.baseline?.model?.dispose();
}

/**
 * The student on the sample's pseudo-labels and on its gold labels, scored on the evaluation set: the chosen
 * fastText-style variant, or (with `studentModelId`) that pretrained transformer fine-tuned, with the
 * fastText-style variant on the same pseudo-labels as the baseline.
 */
export async function trainStudents(
  p: Pick<Config, "epochs" | "seed" | "minSteps"> & Partial<Pick<Config, "studentModelId" | "profile">>,
  c: Pick<VariantChoice, "chosen" | "wordVectors">,
  s: {
    sample: readonly Sst2Row[];
    sampleTexts: readonly string[];
    evalTexts: readonly string[];
    evalGold: readonly number[];
  },
  labels: Pick<PseudoLabels, "sample" | "eval">,
): Promise<Students> {
  const options = variantOptions(c.chosen, c.wordVectors, p.epochs, p.seed, p.minSteps);
  const goldLabels = s.sample.map((r) => r.label);
  const fastText = (name: string, targets: ArrayLike<number>, keepModel: boolean) =>
    trainAndScore(name, s.sampleTexts, targets, s.evalTexts, s.evalGold, { ...options, ciSeed: 1, keepModel });
  const model = p.studentModelId ?? null;
  if (model === null) {
    const pseudo = await fastText("student (pseudo-labels)", labels.sample.labels, true);
    const gold = await fastText("student (gold labels)", goldLabels, false);
    const gap = accuracyDifferenceCI(pseudo.pred, labels.eval.labels, s.evalGold, { seed: 2 });
    return { arch: c.chosen, options, pseudo, gold, gap };
  }
  const fineTuned = (name: string, targets: ArrayLike<number>, keepModel: boolean) =>
    fineTuneAndScore(name, model, s.sampleTexts, targets, s.evalTexts, s.evalGold, {
      seed: p.seed,
      ciSeed: 1,
      keepModel,
      // the full profile may download the student's weights from the hub, like the teacher's
      load: { profile: p.profile },
    });
  const pseudo = await fineTuned("student (pseudo-labels)", labels.sample.labels, true);
  try {
    const gold = await fineTuned("student (gold labels)", goldLabels, false);
    const base = await fastText("baseline (pseudo-labels)", labels.sample.labels, true);
    const gap = accuracyDifferenceCI(pseudo.pred, labels.eval.labels, s.evalGold, { seed: 2 });
    const baseGap = accuracyDifferenceCI(base.pred, labels.eval.labels, s.evalGold, { seed: 2 });
    const baseline = { ...base, arch: c.chosen, gap: baseGap };
    return { arch: `fine-tuned ${model}`, options, pseudo, gold, gap, baseline };
  } catch (err) {
    pseudo.model?.dispose();
    throw err;
  }
}

/** Teacher, pseudo-label student and gold-label student on the evaluation set, with CIs. */
export function accuracyChart(
  teacher: ConfidenceInterval,
  st: Pick<Students, "pseudo" | "gold" | "baseline">,
  evalSize: number,
  sampleSize: number,
): VegaLiteSpec {
  const bars = [
    { group: "teacher (zero-shot)", series: "dev accuracy", value: teacher.estimate, lo: teacher.lo, hi: teacher.hi },
    {
      group: "student (pseudo)",
      series: "dev accuracy",
      value: st.pseudo.accuracy.estimate,
      lo: st.pseudo.accuracy.lo,
      hi: st.pseudo.accuracy.hi,
    },
    {
      group: "student (gold)",
      series: "dev accuracy",
      value: st.gold.accuracy.estimate,
      lo: st.gold.accuracy.lo,
      hi: st.gold.accuracy.hi,
    },
    ...(st.baseline
      ? [
          {
            group: `baseline: ${st.baseline.arch} (pseudo)`,
            series: "dev accuracy",
            value: st.baseline.accuracy.estimate,
            lo: st.baseline.accuracy.lo,
            hi: st.baseline.accuracy.hi,
          },
        ]
      : []),
  ];
  return groupedBars(bars, {
    title: `Dev accuracy (${evalSize} sentences), students trained on ${sampleSize} sentences`,
    yTitle: "accuracy",
    baseline: 0.5,
    width: 360,
  });
}

export function gapTable(st: Pick<Students, "gap" | "arch" | "baseline">): TableView {
  const row = {
    "student − teacher": st.gap.estimate,
    "95% CI (paired bootstrap)": `${st.gap.lo.toFixed(3)} – ${st.gap.hi.toFixed(3)}`,
  };
  if (!st.baseline) return [[row], { digits: 3 }];
  const b = st.baseline.gap;
  return [
    [
      { student: st.arch, ...row },
      {
        student: `baseline: ${st.baseline.arch}`,
        "student − teacher": b.estimate,
        "95% CI (paired bootstrap)": `${b.lo.toFixed(3)} – ${b.hi.toFixed(3)}`,
      },
    ],
    { digits: 3 },
  ];
}
