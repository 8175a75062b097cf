import { accuracyCI, type AccuracyWithCI } from "../../metrics";
import { CLASSES } from "./config";
import type { LoadedTeacher } from "./load-teacher";
import { subsetLabels, teacherLabels, type TeacherLabels } from "./teacher";
import type { TableView } from "./table";

export interface PseudoLabels {
  /** The teacher's labels of the whole pool. */
  pool: TeacherLabels;
  /** Of the sample (the pool's first sampleSize rows). */
  sample: TeacherLabels;
  /** Of the evaluation set (for evaluation only). */
  eval: TeacherLabels;
  /** Teacher accuracy on the evaluation set, 95 % bootstrap CI (seed 1). */
  accuracy: AccuracyWithCI;
}

/** The teacher labels the pool and, for evaluation only, the dev set. */
export async function pseudoLabel(
  teacher: Pick<LoadedTeacher, "classifier">,
  poolTexts: readonly string[],
  evalTexts: readonly string[],
  evalGold: readonly number[],
  sampleSize: number,
): Promise<PseudoLabels> {
  const pool = await teacherLabels(teacher.classifier, poolTexts, CLASSES);
  const evalLabels = await teacherLabels(teacher.classifier, evalTexts, CLASSES);
  const acc = accuracyCI(evalLabels.labels, evalGold, { seed: 1 });
  const sample = subsetLabels(
    pool,
    Array.from({ length: sampleSize }, (_, i) => i),
  );
  return { pool, sample, eval: evalLabels, accuracy: acc };
}

export function teacherTable(
  teacher: Pick<LoadedTeacher, "id" | "cacheStats">,
  promptSet: string,
  labels: PseudoLabels,
  seconds: number,
): TableView {
  const a = labels.accuracy,
    n = labels.sample.labels.length;
  const row = {
    teacher: teacher.id,
    prompts: promptSet,
    "dev accuracy": a.estimate,
    "95% CI": `${a.lo.toFixed(3)}–${a.hi.toFixed(3)}`,
    "pool labelled": labels.pool.labels.length,
    "share labelled positive (sample)": labels.sample.labels.reduce((x, y) => x + y, 0) / n,
    "seconds (incl. encoding)": seconds,
    "sentences encoded / from cache": teacher.cacheStats
      ? `${teacher.cacheStats.misses} / ${teacher.cacheStats.hits}`
      : "n/a",
  };
  return [[row], { caption: "Teacher on the evaluation set", digits: 3 }];
}
