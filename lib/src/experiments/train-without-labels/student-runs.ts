import { EmbedlabError } from "../../core";
import type { WordVectorTable } from "../../models/student";
import { trainStudent, type TrainStudentOptions } from "./train-student";
import { binaryDecisions } from "./evaluate";
import { STUDENT_VARIANTS, type StudentVariant } from "./config";
import { accuracyCI, type AccuracyWithCI } from "../../metrics";

/** Training settings per variant, fixed before any run (not tuned on the evaluation set). */
export function variantOptions(
  variant: StudentVariant,
  wordVectors: WordVectorTable | undefined,
  epochs: number,
  seed: number,
  minSteps = 300,
): TrainStudentOptions {
  const needWv = variant !== "bag";
  if (needWv && !wordVectors)
    throw new EmbedlabError(
      `student variant "${variant}" needs word vectors`,
      "load them with models.student.wordVectorsFor(texts)",
    );
  switch (variant) {
    case "word-vectors":
      return { embedDim: 0, wordVectors, epochs, minSteps, lr: 1e-2, batchSize: 32, seed };
    case "bag":
      return { embedDim: 32, epochs, minSteps, lr: 3e-3, batchSize: 32, seed };
    case "word-vectors+bag":
      return { embedDim: 32, wordVectors, epochs, minSteps, lr: 3e-3, batchSize: 32, seed };
    default:
      throw new EmbedlabError(
        `unknown student variant "${String(variant)}"`,
        `use one of ${STUDENT_VARIANTS.join(", ")}`,
      );
  }
}

/** What every student is to the steps after training: a text → class-probabilities model. */
export interface TextClassifier {
  /** Row-major class probabilities of `texts`. */
  predictProba(texts: readonly string[]): Promise<Float32Array>;
  paramCount(): { trainable: number; frozen: number; total: number };
  dispose(): void;
}

/** One trained-and-scored student run. */
export interface StudentRun {
  name: string;
  trainSize: number;
  accuracy: AccuracyWithCI;
  /** Row-major class probabilities on the evaluation texts. */
  probs: Float32Array;
  pred: Int32Array;
  trainSeconds: number;
  /** Epochs run and the last epoch's mean training loss. */
  epochs: number;
  finalLoss: number;
  params: { trainable: number; frozen: number; total: number };
  /** The trained model, only when asked for with `keepModel` (dispose it when done). */
  model?: TextClassifier;
}

/** Train a student on (texts, targets), score it on (evalTexts, evalGold), free its tensors. */
export async function trainAndScore(
  name: string,
  texts: readonly string[],
  targets: ArrayLike<number>,
  evalTexts: readonly string[],
  evalGold: ArrayLike<number>,
  opts: TrainStudentOptions & { ciSeed?: number; keepModel?: boolean },
): Promise<StudentRun> {
  const st = await trainStudent(texts, targets, opts);
  const finalLoss = Number(st.fit.history[st.fit.history.length - 1]?.loss ?? NaN);
  const train = { seconds: st.seconds, epochs: st.fit.history.length, finalLoss };
  return scoreStudent(name, st.model, texts.length, train, evalTexts, evalGold, opts);
}

/** Score a trained student on (evalTexts, evalGold) as a StudentRun; disposes it unless `keepModel`. */
export async function scoreStudent(
  name: string,
  model: TextClassifier,
  trainSize: number,
  train: { seconds: number; epochs: number; finalLoss: number },
  evalTexts: readonly string[],
  evalGold: ArrayLike<number>,
  opts: { ciSeed?: number; keepModel?: boolean },
): Promise<StudentRun> {
  try {
    const probs = await model.predictProba(evalTexts);
    const pred = binaryDecisions(probs);
    const run: StudentRun = {
      name,
      trainSize,
      accuracy: accuracyCI(pred, evalGold, { seed: opts.ciSeed ?? 0 }),
      probs,
      pred,
      trainSeconds: train.seconds,
      epochs: train.epochs,
      finalLoss: train.finalLoss,
      params: model.paramCount(),
    };
    if (opts.keepModel) run.model = model;
    return run;
  } finally {
    if (!opts.keepModel) model.dispose();
  }
}
