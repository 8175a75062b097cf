import type { NotebookResults } from "../../core";
import { accuracy } from "../../metrics";
import type { Config } from "./config";
import type { Cost } from "./cost";
import type { Disagreements } from "./disagreements";
import type { PromptChoice } from "./prompts";
import type { PseudoLabels } from "./pseudo-label";
import type { Summary } from "./report";
import type { Sample } from "./sample";
import type { Scaling } from "./scaling";
import type { Students, VariantChoice } from "./students";
import { FINETUNE_SETTINGS } from "./fine-tuned-student";

/** A finished run: the numbers the report is written from, and everything else saved with the metrics. */
export interface RunRecord {
  summary: Summary;
  provenance: Omit<NotebookResults, "metrics">;
}

/** Collect the steps' results into the report's summary and the saved parameters, provenance and tables. */
export function collectRun(
  cfg: Config,
  d: Sample,
  prompts: PromptChoice,
  labels: PseudoLabels,
  variants: VariantChoice,
  students: Students,
  cost: Cost,
  scaling: Scaling,
  dis: Disagreements,
  durations: Record<string, number>,
): RunRecord {
  const { pseudo, gold, gap, options, baseline } = students;
  const teacher = prompts.teacher;
  const summary: Summary = {
    teacherId: cfg.teacherId,
    promptSet: prompts.best,
    altPromptAccuracy: prompts.rows.find((r) => r.set === "alternative")?.["selection-slice accuracy"] ?? NaN,
    teacherParams: teacher.params,
    teacherCache: teacher.cacheStats ? { hits: teacher.cacheStats.hits, misses: teacher.cacheStats.misses } : undefined,
    evalSize: d.evalRows.length,
    sampleSize: cfg.sampleSize,
    poolSize: d.pool.length,
    confidentFraction: cfg.confidentFraction,
    arch: students.arch,
    teacher: labels.accuracy,
    student: {
      ...pseudo.accuracy,
      finalLoss: pseudo.finalLoss,
      trainableParams: pseudo.params.trainable,
      frozenParams: pseudo.params.frozen,
    },
    gold: { ...gold.accuracy, finalLoss: gold.finalLoss },
    gap,
    ...(baseline && cost.baseline
      ? {
          baseline: {
            ...baseline.accuracy,
            arch: baseline.arch,
            gap: baseline.gap,
            sentencesPerS: cost.baseline.perSecond,
          },
        }
      : {}),
    sampleLabelAccuracy: accuracy(
      labels.sample.labels,
      d.sample.map((r) => r.label),
    ),
    scaling: scaling.points.map((p) => ({ size: p.size, estimate: p.accuracy, lo: p.lo, hi: p.hi })),
    confident: { accuracy: scaling.confident.accuracy.estimate, labelAccuracy: scaling.confidentLabelAccuracy },
    speed: { teacher: cost.teacher.perSecond, student: cost.student.perSecond, speedup: cost.speedup },
    disagreements: { total: dis.total, teacherRight: dis.teacherRight, studentRight: dis.studentRight },
    totalSeconds: durations.total_s,
  };
  const wv = variants.wordVectors;
  const provenance: RunRecord["provenance"] = {
    params: {
      profile: cfg.profile,
      dataRoot: cfg.dataRoot,
      trainFile: cfg.trainFile,
      evalFile: cfg.evalFile,
      sampleSize: cfg.sampleSize,
      seed: cfg.seed,
      scalingSizes: cfg.sizes,
      selectionSize: cfg.selectionSize,
      teacherModel: cfg.teacherId,
      prompts: cfg.promptSets[prompts.best],
      promptSet: prompts.best,
      studentVariants: cfg.studentVariants,
      studentArch: variants.chosen,
      epochs: cfg.epochs,
      minSteps: cfg.minSteps,
      confidentFraction: cfg.confidentFraction,
      throughputSentences: cfg.throughputSentences,
      studentOptions: { ...options, wordVectors: options.wordVectors ? wv.source : undefined },
      ...(cfg.studentModelId ? { studentModel: cfg.studentModelId, fineTune: FINETUNE_SETTINGS } : {}),
    },
    backend: `${d.backend.name}: ${d.backend.reason}`,
    models: {
      teacher: teacher.provenance,
      student: {
        arch: students.arch,
        ...(baseline
          ? { fineTuned: cfg.studentModelId, baseline: baseline.arch, baselineParams: baseline.params }
          : {}),
        wordVectors: wv.source,
        wordVectorRows: wv.words.length,
        params: pseudo.params,
      },
    },
    data: {
      train: cfg.trainFile || "SST-2/train.tsv",
      eval: cfg.evalFile || "SST-2/dev.tsv",
      root: cfg.dataRoot || "data/cache",
      sampler: "data.sampleSeeded (mulberry32), not Python random",
    },
    durations,
    extra: { promptRows: prompts.rows, variantRows: variants.rows, scaling: scaling.points, disagreements: dis.rows },
  };
  return { summary, provenance };
}
