import { percent, points } from "../../core";

/** What the original ("Train without labels", txtai) measured on SST-2 dev: deberta-large-mnli teacher, electra-base student. */
export const ORIGINAL_TEACHER_ACC = 0.8819;
export const ORIGINAL_STUDENT_ACC = 0.8739;
/** A student at most this far below its teacher (or above it) "matches" it, as in the original (−0.8 points). */
export const CLOSE_TO_TEACHER = 0.02;
/** The teacher id whose conclusion explains the gap to the original's NLI teacher (an embedding-similarity teacher). */
export const EMBEDDING_TEACHER_ID = "use-lite";

/** An estimate with its 95 % CI. */
export interface Estimate {
  estimate: number;
  lo: number;
  hi: number;
}

/** Every number and name the saved metrics and the conclusion are written from. */
export interface Summary {
  teacherId: string;
  /** The prompt set the teacher uses. */
  promptSet: string;
  /** Selection-slice accuracy of the "alternative" (single label word) prompts; NaN when not run. */
  altPromptAccuracy: number;
  /** Weights in the teacher's model files, when known. */
  teacherParams?: number;
  /** Embedding-cache stats of the teacher (embedding teachers only). */
  teacherCache?: { hits: number; misses: number };
  evalSize: number;
  sampleSize: number;
  poolSize: number;
  confidentFraction: number;
  /** The student architecture. */
  arch: string;
  /** Teacher dev accuracy. */
  teacher: Estimate;
  /** The student trained on the sample's pseudo-labels. */
  student: Estimate & { finalLoss: number; trainableParams: number; frozenParams: number };
  /** The same student trained on the sample's gold labels. */
  gold: Estimate & { finalLoss: number };
  /** Student minus teacher, paired bootstrap. */
  gap: Estimate;
  /**
   * With a fine-tuned transformer student: the fastText-style student on the same pseudo-labels (the cheap
   * baseline row), its gap to the teacher and its sentences/s. The scaling runs use this student.
   */
  baseline?: Estimate & { arch: string; gap: Estimate; sentencesPerS: number };
  /** Accuracy of the teacher's labels of the sample (hidden gold). */
  sampleLabelAccuracy: number;
  /** Student dev accuracy per pool size, smallest first. */
  scaling: Array<Estimate & { size: number }>;
  confident: { accuracy: number; labelAccuracy: number };
  /** Sentences/s. */
  speed: { teacher: number; student: number; speedup: number };
  disagreements: { total: number; teacherRight: number; studentRight: number };
  totalSeconds: number;
}

/** The flat metrics saved with saveResults (the keys ci/expectations.json checks). */
export function metrics(s: Summary): Record<string, number> {
  const scaling: Record<string, number> = {};
  for (const p of s.scaling) scaling[`scaling_acc_${p.size}`] = p.estimate;
  const largest = s.scaling[s.scaling.length - 1];
  return {
    teacher_dev_acc: s.teacher.estimate,
    teacher_dev_acc_lo: s.teacher.lo,
    teacher_dev_acc_hi: s.teacher.hi,
    student_dev_acc: s.student.estimate,
    student_dev_acc_lo: s.student.lo,
    student_dev_acc_hi: s.student.hi,
    student_minus_teacher: s.gap.estimate,
    student_minus_teacher_lo: s.gap.lo,
    student_minus_teacher_hi: s.gap.hi,
    gold_student_dev_acc: s.gold.estimate,
    gold_student_final_loss: s.gold.finalLoss,
    student_final_loss: s.student.finalLoss,
    gold_minus_pseudo: s.gold.estimate - s.student.estimate,
    ...scaling,
    largest_pool_minus_teacher: largest.estimate - s.teacher.estimate,
    confident_dev_acc: s.confident.accuracy,
    confident_label_acc: s.confident.labelAccuracy,
    sample_label_acc: s.sampleLabelAccuracy,
    teacher_sentences_per_s: s.speed.teacher,
    student_sentences_per_s: s.speed.student,
    speedup: s.speed.speedup,
    student_trainable_params: s.student.trainableParams,
    ...(s.teacherParams !== undefined ? { teacher_params: s.teacherParams } : {}),
    student_frozen_params: s.student.frozenParams,
    disagreements: s.disagreements.total,
    total_s: s.totalSeconds,
    ...(s.teacherCache ? { teacher_cache_misses: s.teacherCache.misses, teacher_cache_hits: s.teacherCache.hits } : {}),
    ...(s.baseline
      ? {
          baseline_student_dev_acc: s.baseline.estimate,
          baseline_student_dev_acc_lo: s.baseline.lo,
          baseline_student_dev_acc_hi: s.baseline.hi,
          baseline_minus_teacher: s.baseline.gap.estimate,
          baseline_sentences_per_s: s.baseline.sentencesPerS,
          student_minus_baseline: s.student.estimate - s.baseline.estimate,
        }
      : {}),
  };
}

const pts = (x: number) => `${points(x)} points`;

/** Does the student match its teacher: at most CLOSE_TO_TEACHER below it, or above it? */
export function closeToTeacher(gap: number): boolean {
  return Math.abs(gap) <= CLOSE_TO_TEACHER || gap > 0;
}

/** Do two 95 % CIs overlap? */
export function overlap(a: Estimate, b: Estimate): boolean {
  return a.hi >= b.lo && b.hi >= a.lo;
}

function teacherParagraph(s: Summary): string {
  const why =
    s.teacherId === EMBEDDING_TEACHER_ID
      ? `, ${(100 * (ORIGINAL_TEACHER_ACC - s.teacher.estimate)).toFixed(1)} points above this one: here the teacher is a ${s.teacherParams !== undefined ? `${(s.teacherParams / 1e6).toFixed(1)}M-weight ` : ""}sentence encoder scoring cosine similarity to a few prompts, not an NLI model trained to judge whether "this example is positive" follows from the text (with the original's single label words it scores ${percent(s.altPromptAccuracy)} on the selection slice)`
      : "";
  return `**Teacher.** ${s.teacherId} zero-shot with the "${s.promptSet}" prompts reaches ${percent(s.teacher.estimate)} on the ${s.evalSize} dev sentences (95 % CI ${percent(s.teacher.lo)}–${percent(s.teacher.hi)}); the original's deberta-large-mnli teacher (400M parameters) reached ${percent(ORIGINAL_TEACHER_ACC, 2)}${why}. Its labels of the ${s.sampleSize}-sentence sample are ${percent(s.sampleLabelAccuracy)} correct.`;
}

function studentParagraph(s: Summary): string {
  const goldNote =
    s.gold.estimate >= s.student.estimate
      ? ""
      : ` — gold labels do not help this student here (the CIs ${overlap(s.gold, s.student) ? "overlap" : "do not overlap"})` +
        (s.gold.finalLoss > s.student.finalLoss
          ? `; its training loss ends at ${s.gold.finalLoss.toFixed(3)} on gold labels vs ${s.student.finalLoss.toFixed(3)} on pseudo-labels: the teacher's labels come from an embedding model and are a smoother function of word meaning than SST-2's phrase-level gold labels, which a linear model on averaged word vectors fits less well`
          : "");
  const within = `${100 * CLOSE_TO_TEACHER} points`;
  const verdict = closeToTeacher(s.gap.estimate)
    ? `It is within ${within} of its teacher or better, as in the original.`
    : `It falls more than ${within} short of its teacher.`;
  const b = s.baseline;
  const baseline = b
    ? ` The cheap baseline, the ${b.arch} fastText-style student on the same pseudo-labels, reaches ${percent(b.estimate)} (${pts(b.gap.estimate)} vs the teacher, paired 95 % CI ${pts(b.gap.lo)} to ${pts(b.gap.hi)}): the fine-tuned student is ${pts(s.student.estimate - b.estimate)} vs it.`
    : "";
  return `**Student.** The ${s.arch} student trained on those ${s.sampleSize} pseudo-labels only reaches ${percent(s.student.estimate)}: ${pts(s.gap.estimate)} vs its teacher (paired 95 % CI ${pts(s.gap.lo)} to ${pts(s.gap.hi)}; the original: ${percent(ORIGINAL_STUDENT_ACC, 2)} vs ${percent(ORIGINAL_TEACHER_ACC, 2)}, ${pts(ORIGINAL_STUDENT_ACC - ORIGINAL_TEACHER_ACC)}). ${verdict} The same student trained on the *gold* labels of the same sentences reaches ${percent(s.gold.estimate)} (95 % CI ${percent(s.gold.lo)}–${percent(s.gold.hi)}), ${pts(s.gold.estimate - s.student.estimate)} vs pseudo-labels${goldNote}.${baseline}`;
}

function costParagraph(s: Summary): string {
  const frozen =
    s.student.frozenParams > 0 ? ` (+ ${s.student.frozenParams.toLocaleString()} frozen word-vector values)` : "";
  const baseline = s.baseline
    ? ` The ${s.baseline.arch} baseline classifies ${s.baseline.sentencesPerS.toFixed(0)} sentences/s.`
    : "";
  return `**Cost.** The student classifies ${s.speed.student.toFixed(0)} sentences/s against the teacher's ${s.speed.teacher.toFixed(0)} on this machine: ${s.speed.speedup.toFixed(0)}× faster, with ${s.student.trainableParams.toLocaleString()} trained parameters${frozen}${s.teacherParams !== undefined ? ` against the teacher's ${s.teacherParams.toLocaleString()}` : ""}.${baseline}`;
}

function scalingParagraph(s: Summary): string {
  const largest = s.scaling[s.scaling.length - 1];
  const who = s.baseline
    ? ` (the ${s.baseline.arch} baseline student: the fine-tuned one is not re-trained per pool size)`
    : "";
  return `**More unlabelled data.** ${s.scaling.map((p) => `${p.size}: ${percent(p.estimate)}`).join(", ")}${who}. With ${largest.size} pseudo-labelled sentences the ${s.baseline ? "baseline " : ""}student is at ${pts(largest.estimate - s.teacher.estimate)} vs its teacher — ${largest.estimate > s.teacher.estimate ? "it passes its teacher" : "it does not pass its teacher"} (CIs overlap: ${overlap(largest, s.teacher) ? "yes" : "no"}). Keeping only the ${Math.round(s.confidentFraction * 100)} % most confident labels of ${s.poolSize} (label accuracy ${percent(s.confident.labelAccuracy)}) gives ${percent(s.confident.accuracy)}.`;
}

function disagreementParagraph(s: Summary): string {
  return `**Disagreements.** Teacher and student disagree on ${s.disagreements.total} dev sentences; the teacher is right on ${s.disagreements.teacherRight}, the student on ${s.disagreements.studentRight}.`;
}

/** The five conclusion paragraphs (Teacher, Student, Cost, More unlabelled data, Disagreements), markdown. */
export function conclusion(s: Summary): string {
  return [
    teacherParagraph(s),
    studentParagraph(s),
    costParagraph(s),
    scalingParagraph(s),
    disagreementParagraph(s),
  ].join("\n\n");
}
