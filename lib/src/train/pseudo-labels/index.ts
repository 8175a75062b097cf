/** Notebook 02 plumbing: zero-shot teacher labels, confidence filtering, throughput, disagreements. */
export { teacherLabels, mostConfident, subsetLabels, type TeacherLabels, type ScoringTeacher } from "./teacher";
export { measureThroughput, type Throughput } from "./throughput";
export { disagreements, type Disagreement } from "./disagreements";
