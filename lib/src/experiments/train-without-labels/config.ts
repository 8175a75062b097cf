import { EmbedlabError } from "../../core";
import { HUB_IDS } from "../../models/hub-models";

/**
 * Notebook 02's parameters and every profile default, resolved in one place. `quick` runs offline with
 * a USE-lite embedding teacher; `full` uses a transformers.js NLI teacher and a larger scaling pool.
 */
export type Profile = "quick" | "full";

/** The notebook's `parameters` cell, as the user set it ("" = the profile default). */
export interface Params {
  profile: Profile;
  /** Data root holding SST-2/ ("" = data/cache). */
  dataRoot: string;
  /** GLUE-format TSV to sample unlabelled sentences from ("" = <dataRoot>/SST-2/train.tsv). */
  trainFile: string;
  /** GLUE-format TSV with labels to evaluate on ("" = <dataRoot>/SST-2/dev.tsv). */
  evalFile: string;
  sampleSize: number;
  seed: number;
  /** Comma-separated pool sizes for the scaling curve ("" = the profile's). */
  scalingSizes: string;
  selectionSize: number;
  /** Teacher id ("" = the profile's). */
  teacherModel: string;
  /** Teacher prompts, "|"-separated ("" = the teacher kind's, `DEFAULT_PROMPTS`). */
  negativePrompts: string;
  positivePrompts: string;
  altNegativePrompts: string;
  altPositivePrompts: string;
  studentVariants: string;
  /** "auto" or one student variant. */
  studentArch: string;
  /**
   * The fine-tuned transformer student: a BERT-family hub id or a local folder with its files; "none" = the
   * fastText-style student only; "" (or absent) = the profile's (quick "none", full BERT_STUDENT_MODEL_ID).
   */
  studentModel?: string;
  epochs: number;
  minSteps: number;
  confidentFraction: number;
  throughputSentences: number;
}

/** What each profile sets when its parameter is left "". */
export const PROFILE_DEFAULTS: Readonly<
  Record<Profile, { teacherModel: string; scalingSizes: readonly number[]; studentModel: string }>
> = {
  quick: { teacherModel: "use-lite", scalingSizes: [250, 1000, 4000], studentModel: "none" },
  full: {
    teacherModel: `nli:${HUB_IDS.bartLargeMnli}`,
    scalingSizes: [250, 1000, 4000, 16000],
    studentModel: HUB_IDS.electraBase,
  },
};

/** Class names in id order (SST-2: 0 = negative, 1 = positive). */
export const CLASSES: readonly string[] = ["negative", "positive"];

/** The two prompt sets compared on the selection slice. */
export type PromptSetName = "ensemble" | "alternative";
/** Teacher prompts per class name. */
export type Prompts = Record<string, string[]>;

/** Which kind of zero-shot teacher an id names: "nli:<model id>" or an embedding encoder. */
export type TeacherKind = "embedding" | "nli";

/**
 * The prompt sets used when a prompt parameter is "", per teacher kind. An embedding teacher compares a
 * sentence's cosine with whole phrases; an NLI teacher fills each phrase into the hypothesis template
 * "This example is {}.", so its prompts are label words or noun phrases ("bad", "a negative movie review"),
 * never sentences ("this movie is bad" would become "This example is this movie is bad."). The
 * "alternative" set is the original's: the single label words.
 */
export const DEFAULT_PROMPTS: Readonly<Record<TeacherKind, Readonly<Record<PromptSetName, Prompts>>>> = {
  embedding: {
    ensemble: {
      negative: ["negative", "a negative movie review", "this movie is bad"],
      positive: ["positive", "a positive movie review", "this movie is good"],
    },
    alternative: { negative: ["negative"], positive: ["positive"] },
  },
  nli: {
    ensemble: {
      negative: ["negative", "a negative movie review", "bad"],
      positive: ["positive", "a positive movie review", "good"],
    },
    alternative: { negative: ["negative"], positive: ["positive"] },
  },
};

/** The kind of teacher `teacherId` is. */
export function teacherKind(teacherId: string): TeacherKind {
  return teacherId.startsWith("nli:") ? "nli" : "embedding";
}

/** Student architectures notebook 02 can compare. */
export type StudentVariant = "word-vectors" | "bag" | "word-vectors+bag";
export const STUDENT_VARIANTS: readonly StudentVariant[] = ["word-vectors", "bag", "word-vectors+bag"];

/** The parameters with every default filled in and every list parsed. */
export interface Config extends Params {
  /** The teacher actually used (teacherModel or the profile's). */
  teacherId: string;
  /** Scaling pool sizes (scalingSizes or the profile's). */
  sizes: number[];
  /** Sentences drawn for the pool: the largest of sampleSize and sizes. */
  poolSize: number;
  promptSets: Record<PromptSetName, Prompts>;
  variants: StudentVariant[];
  /** "auto" or the one variant asked for. */
  arch: "auto" | StudentVariant;
  /** The BERT-family model fine-tuned as the student (hub id or folder), or null: the fastText-style student only. */
  studentModelId: string | null;
}

/** "a|b|c" → ["a", "b", "c"] (trimmed, empties dropped); throws when nothing is left. */
export function splitPrompts(s: string, what: string): string[] {
  const out = s
    .split("|")
    .map((p) => p.trim())
    .filter(Boolean);
  if (out.length === 0)
    throw new EmbedlabError(
      `no prompts for ${what}`,
      'write them "|"-separated, e.g. "negative|a negative movie review"',
    );
  return out;
}

export function parseVariants(list: string): StudentVariant[] {
  const out = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const v of out)
    if (!(STUDENT_VARIANTS as readonly string[]).includes(v))
      throw new EmbedlabError(
        `unknown student variant "${v}"`,
        `use a comma-separated subset of ${STUDENT_VARIANTS.join(", ")}`,
      );
  if (out.length === 0)
    throw new EmbedlabError("no student variants given", `use e.g. "${STUDENT_VARIANTS.join(",")}"`);
  return out as StudentVariant[];
}

/** Fill in the profile defaults and parse the lists of the parameters cell. */
export function resolveConfig(params: Params): Config {
  const defaults = PROFILE_DEFAULTS[params.profile];
  if (!defaults) throw new EmbedlabError(`unknown profile "${String(params.profile)}"`, 'use "quick" or "full"');
  const studentModel = params.studentModel || defaults.studentModel;
  const sizes = params.scalingSizes ? params.scalingSizes.split(",").map(Number) : [...defaults.scalingSizes];
  const teacherId = params.teacherModel || defaults.teacherModel;
  const dp = DEFAULT_PROMPTS[teacherKind(teacherId)];
  const pick = (given: string, fallback: readonly string[], what: string) =>
    given ? splitPrompts(given, what) : [...fallback];
  const promptSets: Record<PromptSetName, Prompts> = {
    ensemble: {
      negative: pick(params.negativePrompts, dp.ensemble.negative, "negative"),
      positive: pick(params.positivePrompts, dp.ensemble.positive, "positive"),
    },
    alternative: {
      negative: pick(params.altNegativePrompts, dp.alternative.negative, "negative (alt)"),
      positive: pick(params.altPositivePrompts, dp.alternative.positive, "positive (alt)"),
    },
  };
  return {
    ...params,
    // the prompt parameters as resolved ("" replaced by the teacher kind's defaults)
    negativePrompts: promptSets.ensemble.negative.join("|"),
    positivePrompts: promptSets.ensemble.positive.join("|"),
    altNegativePrompts: promptSets.alternative.negative.join("|"),
    altPositivePrompts: promptSets.alternative.positive.join("|"),
    teacherId,
    sizes,
    poolSize: Math.max(params.sampleSize, ...sizes),
    promptSets,
    variants: parseVariants(params.studentVariants),
    arch: params.studentArch === "auto" ? "auto" : parseVariants(params.studentArch)[0],
    studentModelId: studentModel === "none" ? null : studentModel,
  };
}
