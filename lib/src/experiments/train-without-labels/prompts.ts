import { accuracy } from "../../metrics";
import { CLASSES, type Config, type PromptSetName } from "./config";
import { loadTeacherModel, type LoadedTeacher, type TeacherModel } from "./load-teacher";
import { teacherLabels } from "./teacher";
import type { TableView } from "./table";

export interface PromptRow {
  set: PromptSetName;
  negative: string;
  positive: string;
  "selection-slice accuracy": number;
}

export interface PromptChoice {
  rows: PromptRow[];
  /** The set with the best selection-slice accuracy (ties: the first). */
  best: PromptSetName;
  /** The teacher with the best prompts. */
  teacher: LoadedTeacher;
  /** The teacher's model, loaded once for every prompt set: dispose it when the notebook is done. */
  model: TeacherModel;
}

/**
 * Score each prompt set's zero-shot teacher on the labelled selection slice; the best one becomes the teacher.
 * The teacher's model is loaded once and shared by every prompt set.
 */
export async function choosePrompts(
  p: Pick<Config, "teacherId" | "promptSets" | "profile">,
  selTexts: readonly string[],
  selGold: readonly number[],
): Promise<PromptChoice> {
  const rows: PromptRow[] = [];
  const model = await loadTeacherModel(p.teacherId, { profile: p.profile });
  for (const [name, prompts] of Object.entries(p.promptSets) as Array<[PromptSetName, Record<string, string[]>]>) {
    const tch = model.withPrompts(prompts);
    const lab = await teacherLabels(tch.classifier, selTexts, CLASSES);
    rows.push({
      set: name,
      negative: prompts.negative.join(" | "),
      positive: prompts.positive.join(" | "),
      "selection-slice accuracy": accuracy(lab.labels, selGold),
    });
  }
  const best = rows.reduce((a, b) => (b["selection-slice accuracy"] > a["selection-slice accuracy"] ? b : a)).set;
  return { rows, best, teacher: model.withPrompts(p.promptSets[best]), model };
}

export function promptTable(c: PromptChoice, selectionSize: number): TableView {
  return [
    c.rows as unknown as Array<Record<string, unknown>>,
    { caption: `Prompt sets on ${selectionSize} labelled train sentences → teacher uses "${c.best}"`, digits: 3 },
  ];
}
