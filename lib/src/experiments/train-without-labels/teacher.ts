import { EmbedlabError } from "../../core";

/** What a zero-shot teacher says about each text: a class id, the per-class scores, and a confidence. */
export interface TeacherLabels {
  /** Class names in id order. */
  classes: string[];
  /** Chosen class id per text. */
  labels: Int32Array;
  /** Per-class scores, row-major [n, classes] (cosines for embedding zero-shot, probabilities for NLI). */
  scores: Float32Array;
  /** Best score minus runner-up: how sure the teacher is. */
  margin: Float32Array;
}

/** Anything with the ZeroShotClassifier shape (models.zeroShotClassifier, models.hfZeroShot). */
export interface ScoringTeacher {
  readonly labels: string[];
  classify(texts: string[]): Promise<Array<{ label: string; scores: Record<string, number> }>>;
}

/** Label `texts` with a zero-shot teacher; `classes` fixes the class-id order (default the teacher's labels). */
export async function teacherLabels(
  teacher: ScoringTeacher,
  texts: readonly string[],
  classes: readonly string[] = teacher.labels,
): Promise<TeacherLabels> {
  for (const c of classes)
    if (!teacher.labels.includes(c))
      throw new EmbedlabError(`class "${c}" is not one of the teacher's labels (${teacher.labels.join(", ")})`);
  const res = await teacher.classify([...texts]);
  const k = classes.length;
  const labels = new Int32Array(texts.length);
  const scores = new Float32Array(texts.length * k);
  const margin = new Float32Array(texts.length);
  res.forEach((r, i) => {
    let best = 0;
    classes.forEach((c, j) => {
      scores[i * k + j] = r.scores[c];
      if (r.scores[c] > r.scores[classes[best]]) best = j;
    });
    labels[i] = best;
    let second = -Infinity;
    classes.forEach((c, j) => {
      if (j !== best) second = Math.max(second, r.scores[c]);
    });
    margin[i] = r.scores[classes[best]] - second;
  });
  return { classes: [...classes], labels, scores, margin };
}

/** Indices of the `fraction` of examples with the largest margins (ties: lower index first), in index order. */
export function mostConfident(margin: ArrayLike<number>, fraction: number): number[] {
  if (!(fraction > 0 && fraction <= 1)) throw new EmbedlabError(`fraction must be in (0, 1], got ${fraction}`);
  const order = Array.from({ length: margin.length }, (_, i) => i).sort((a, b) => margin[b] - margin[a] || a - b);
  return order.slice(0, Math.max(1, Math.round(fraction * margin.length))).sort((a, b) => a - b);
}

/** The rows of a TeacherLabels at `idx` (for subsets: a prefix of the pool, a confident slice). */
export function subsetLabels(t: TeacherLabels, idx: readonly number[]): TeacherLabels {
  const k = t.classes.length;
  const scores = new Float32Array(idx.length * k);
  idx.forEach((i, r) => scores.set(t.scores.subarray(i * k, (i + 1) * k), r * k));
  return {
    classes: t.classes,
    labels: Int32Array.from(idx, (i) => t.labels[i]),
    scores,
    margin: Float32Array.from(idx, (i) => t.margin[i]),
  };
}
