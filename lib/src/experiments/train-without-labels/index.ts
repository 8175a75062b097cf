/** Notebook 02 (train without labels): zero-shot teacher labels, confidence filtering, student runs, throughput, disagreements. */
export { teacherLabels, mostConfident, subsetLabels, type TeacherLabels, type ScoringTeacher } from "./teacher";
export { measureThroughput, type Throughput } from "./throughput";
export { disagreements, type Disagreement } from "./disagreements";
export { binaryDecisions } from "./evaluate";
export { trainAndScore, variantOptions, parseVariants, STUDENT_VARIANTS, type StudentVariant, type StudentRun } from "./student-runs";
export { scalingChart, type ScalingPoint } from "./scaling-chart";
export { loadTeacher, splitPrompts, tfjsModelParamCount, type LoadedTeacher } from "./load-teacher";
export { trainStudent, type TrainStudentOptions, type TrainedStudent } from "./train-student";
