import type { StudentModel } from "../../models/student";
import type { LoadedTeacher } from "./load-teacher";
import type { StudentRun } from "./student-runs";
import type { TableView } from "./table";
import { measureThroughput, type Throughput } from "./throughput";

export interface Cost {
  /** Evaluation sentences timed. */
  timed: number;
  teacher: Throughput;
  student: Throughput;
  /** Student sentences/s over the teacher's. */
  speedup: number;
}

/**
 * Sentences/s of teacher and student on the first `sentences` evaluation texts, same machine, same run: the
 * teacher without its embedding cache, the student including tokenising and feature lookup.
 */
export async function measureCost(
  teacher: Pick<LoadedTeacher, "uncached">,
  student: StudentModel,
  evalTexts: readonly string[],
  sentences: number,
): Promise<Cost> {
  const timed = evalTexts.slice(0, sentences);
  const t = await measureThroughput((xs) => teacher.uncached.classify(xs), timed);
  const s = await measureThroughput((xs) => student.predictProba(xs), timed, { minSeconds: 1 });
  return { timed: timed.length, teacher: t, student: s, speedup: s.perSecond / t.perSecond };
}

export function costTable(
  teacher: Pick<LoadedTeacher, "id" | "params">,
  arch: string,
  student: Pick<StudentRun, "params">,
  cost: Cost,
): TableView {
  const rows = [
    {
      model: `teacher: ${teacher.id} zero-shot`,
      parameters:
        teacher.params !== undefined
          ? `${teacher.params.toLocaleString()} (model files)`
          : "not counted here (see the model card)",
      "sentences/s": cost.teacher.perSecond,
    },
    {
      model: `student: ${arch}`,
      parameters: `${student.params.trainable.toLocaleString()} trained + ${student.params.frozen.toLocaleString()} frozen`,
      "sentences/s": cost.student.perSecond,
    },
  ];
  return [
    rows,
    { caption: `Student is ${cost.speedup.toFixed(0)}× faster (${cost.timed} sentences timed)`, digits: 1 },
  ];
}
