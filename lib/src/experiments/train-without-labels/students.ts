import type { Sst2Row } from "../../data";
import { accuracyDifferenceCI, type ConfidenceInterval } from "../../metrics";
import { wordVectorsFor, type WordVectorTable } from "../../models/student";
import { groupedBars, type VegaLiteSpec } from "../../viz";
import type { Config, StudentVariant } from "./config";
import type { PseudoLabels } from "./pseudo-label";
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
  /** The chosen variant's training settings (also used for scaling). */
  options: TrainStudentOptions;
  /** Trained on the teacher's labels of the sample; its model is kept (dispose it when done). */
  pseudo: StudentRun;
  /** The same architecture trained on the sample's gold labels: the upper bound. */
  gold: StudentRun;
  /** Pseudo-label student minus teacher accuracy, paired bootstrap (seed 2). */
  gap: ConfidenceInterval;
}

/** The chosen student on the sample's pseudo-labels and on its gold labels, scored on the evaluation set. */
export async function trainStudents(
  p: Pick<Config, "epochs" | "seed" | "minSteps">,
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
  const pseudo = await trainAndScore(
    "student (pseudo-labels)",
    s.sampleTexts,
    labels.sample.labels,
    s.evalTexts,
    s.evalGold,
    { ...options, ciSeed: 1, keepModel: true },
  );
  const gold = await trainAndScore(
    "student (gold labels)",
    s.sampleTexts,
    s.sample.map((r) => r.label),
    s.evalTexts,
    s.evalGold,
    { ...options, ciSeed: 1 },
  );
  const gap = accuracyDifferenceCI(pseudo.pred, labels.eval.labels, s.evalGold, { seed: 2 });
  return { options, pseudo, gold, gap };
}

/** Teacher, pseudo-label student and gold-label student on the evaluation set, with CIs. */
export function accuracyChart(
  teacher: ConfidenceInterval,
  st: Pick<Students, "pseudo" | "gold">,
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
  ];
  return groupedBars(bars, {
    title: `Dev accuracy (${evalSize} sentences), students trained on ${sampleSize} sentences`,
    yTitle: "accuracy",
    baseline: 0.5,
    width: 360,
  });
}

export function gapTable(st: Pick<Students, "gap">): TableView {
  return [
    [
      {
        "student − teacher": st.gap.estimate,
        "95% CI (paired bootstrap)": `${st.gap.lo.toFixed(3)} – ${st.gap.hi.toFixed(3)}`,
      },
    ],
    { digits: 3 },
  ];
}
