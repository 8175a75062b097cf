import type { TableView } from "./table";

/** One evaluation sentence on which teacher and student disagree. */
export interface Disagreement {
  sentence: string;
  gold: string;
  teacher: string;
  /** Teacher's score for "positive" minus "negative" (or class 1 minus class 0). */
  teacherMargin: number;
  student: string;
  /** Student's probability of class 1. */
  studentP1: number;
  right: "teacher" | "student";
}

/** The first `limit` disagreements and the counts over all of them. */
export interface Disagreements {
  rows: Disagreement[];
  total: number;
  teacherRight: number;
  studentRight: number;
}

/**
 * Sentences where teacher and student predictions differ, most confident student first (ties by
 * teacher margin). Binary tasks: class 1 is the "positive" class.
 */
export function disagreements(
  sentences: readonly string[],
  gold: ArrayLike<number>,
  teacher: { labels: ArrayLike<number>; scores: ArrayLike<number> },
  studentP: ArrayLike<number>,
  classes: readonly string[],
  limit = 12,
): Disagreements {
  const rows: Disagreement[] = [];
  for (let i = 0; i < sentences.length; i++) {
    const s = studentP[i * 2 + 1] >= 0.5 ? 1 : 0;
    const t = teacher.labels[i];
    if (s === t) continue;
    rows.push({
      sentence: sentences[i],
      gold: classes[gold[i]],
      teacher: classes[t],
      teacherMargin: teacher.scores[i * 2 + 1] - teacher.scores[i * 2],
      student: classes[s],
      studentP1: studentP[i * 2 + 1],
      right: gold[i] === t ? "teacher" : "student",
    });
  }
  const total = rows.length;
  const teacherRight = rows.filter((r) => r.right === "teacher").length;
  rows.sort(
    (a, b) =>
      Math.abs(b.studentP1 - 0.5) - Math.abs(a.studentP1 - 0.5) ||
      Math.abs(b.teacherMargin) - Math.abs(a.teacherMargin),
  );
  return { rows: rows.slice(0, limit), total, teacherRight, studentRight: total - teacherRight };
}

export function disagreementTable(d: Disagreements, evalSize: number): TableView {
  const rows = d.rows.map((r) => ({
    sentence: r.sentence,
    gold: r.gold,
    teacher: r.teacher,
    "teacher margin": r.teacherMargin,
    student: r.student,
    "student P(positive)": r.studentP1,
    right: r.right,
  }));
  return [
    rows,
    {
      caption: `${d.total} of ${evalSize} dev sentences disagree: teacher right on ${d.teacherRight}, student on ${d.studentRight}`,
      digits: 3,
    },
  ];
}
