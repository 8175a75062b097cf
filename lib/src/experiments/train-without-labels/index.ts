/**
 * Notebook 02 (train without labels): a zero-shot teacher labels SST-2, a small student learns from its labels.
 * config (parameters, profile defaults) → loadSample → choosePrompts → pseudoLabel → compareVariants →
 * trainStudents (fastText-style, or a fine-tuned BERT-family model with the fastText-style one as baseline) → measureCost → scalingRuns → disagreements → collectRun → report (metrics, conclusion).
 */
export {
  resolveConfig,
  splitPrompts,
  parseVariants,
  teacherKind,
  PROFILE_DEFAULTS,
  DEFAULT_PROMPTS,
  CLASSES,
  STUDENT_VARIANTS,
} from "./config";
export type { Params, Config, Profile, PromptSetName, Prompts, StudentVariant, TeacherKind } from "./config";
export { type TableView } from "./table";
export { loadSample, sampleTable, type Sample } from "./sample";
export { choosePrompts, promptTable, type PromptChoice, type PromptRow } from "./prompts";
export { pseudoLabel, teacherTable, type PseudoLabels } from "./pseudo-label";
export {
  compareVariants,
  variantTable,
  trainStudents,
  accuracyChart,
  gapTable,
  disposeStudents,
  type VariantChoice,
  type VariantRow,
  type Students,
} from "./students";
export { measureCost, costTable, type Cost } from "./cost";
export { scalingRuns, scalingFigure, scalingTable, type Scaling, type ScalingRow } from "./scaling";
export { disagreements, disagreementTable, type Disagreement, type Disagreements } from "./disagreements";
export { collectRun, type RunRecord } from "./summary";
export {
  metrics,
  conclusion,
  closeToTeacher,
  overlap,
  ORIGINAL_TEACHER_ACC,
  ORIGINAL_STUDENT_ACC,
  CLOSE_TO_TEACHER,
  EMBEDDING_TEACHER_ID,
  type Summary,
  type Estimate,
} from "./report";
// The pieces the steps are made of.
export { teacherLabels, mostConfident, subsetLabels, type TeacherLabels, type ScoringTeacher } from "./teacher";
export { measureThroughput, type Throughput } from "./throughput";
export { binaryDecisions } from "./evaluate";
export { trainAndScore, scoreStudent, variantOptions, type StudentRun, type TextClassifier } from "./student-runs";
export { fineTuneAndScore, studentLoadOptions, FINETUNE_SETTINGS } from "./fine-tuned-student";
export { scalingChart, type ScalingPoint } from "./scaling-chart";
export { loadTeacher, loadTeacherModel, NLI_BATCH, type LoadedTeacher, type TeacherModel } from "./load-teacher";
export { trainStudent, type TrainStudentOptions, type TrainedStudent } from "./train-student";
