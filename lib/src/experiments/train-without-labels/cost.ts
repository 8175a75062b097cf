import { EmbedlabError } from "../../core";
import type { LoadedTeacher } from "./load-teacher";
import type { StudentRun } from "./student-runs";
import type { Students } from "./students";
import type { TableView } from "./table";
import { measureThroughput, type Throughput } from "./throughput";

export interface Cost {
  /** Evaluation sentences timed. */
  timed: number;
  teacher: Throughput;
  student: Throughput;
  /** Student sentences/s over the teacher's. */
  speedup: number;
  /** The fastText-style baseline student, when the student is a fine-tuned transformer. */
  baseline?: Throughput;
}

/**
 * Sentences/s of teacher and student (and the baseline student, when there is one) on the first `sentences`
 * evaluation texts, same machine, same run: the teacher without its embedding cache, the students including
 * tokenising and feature lookup. The students' kept models are used (`keepModel`).
 */
export async function measureCost(
  teacher: Pick<LoadedTeacher, "uncached">,
  students: Pick<Students, "pseudo" | "baseline">,
  evalTexts: readonly string[],
  sentences: number,
): Promise<Cost> {
  const timed = evalTexts.slice(0, sentences);
  const modelOf = (r: StudentRun) => {
    if (!r.model)
      throw new EmbedlabError(`measureCost: the "${r.name}" student's model was not kept`, "train it with keepModel");
    return r.model;
  };
  const student = modelOf(students.pseudo);
  const t = await measureThroughput((xs) => teacher.uncached.classify(xs), timed);
  const s = await measureThroughput((xs) => student.predictProba(xs), timed, { minSeconds: 1 });
  const cost: Cost = { timed: timed.length, teacher: t, student: s, speedup: s.perSecond / t.perSecond };
  if (students.baseline) {
    const b = modelOf(students.baseline);
    cost.baseline = await measureThroughput((xs) => b.predictProba(xs), timed, { minSeconds: 1 });
  }
  return cost;
}

function paramText(p: StudentRun["params"]): string {
  return p.frozen > 0
    ? `${p.trainable.toLocaleString()} trained + ${p.frozen.toLocaleString()} frozen`
    : `${p.trainable.toLocaleString()} (all fine-tuned)`;
}

export function costTable(
  teacher: Pick<LoadedTeacher, "id" | "params">,
  students: Pick<Students, "arch" | "pseudo" | "baseline">,
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
      model: `student: ${students.arch}`,
      parameters: paramText(students.pseudo.params),
      "sentences/s": cost.student.perSecond,
    },
  ];
  if (students.baseline && cost.baseline)
    rows.push({
      model: `baseline student: ${students.baseline.arch}`,
      parameters: paramText(students.baseline.params),
      "sentences/s": cost.baseline.perSecond,
    });
  return [
    rows,
    { caption: `Student is ${cost.speedup.toFixed(0)}× faster (${cost.timed} sentences timed)`, digits: 1 },
  ];
}
