import * as fs from "node:fs";
import { bert } from "../../models";
import type { LoadOptions } from "../../models/types";
import { finetuneBertClassifier, type BertFinetuneOptions } from "../../train/bert-finetune";
import { scoreStudent, type StudentRun } from "./student-runs";

/**
 * The fine-tuned student's settings, fixed before any run: the original's (txtai's HFTrainer = Hugging Face
 * Trainer defaults: AdamW lr 5e-5 decayed linearly to 0, no warm-up, no weight decay, gradient norm clipped
 * to 1, batch 8) with its 5 epochs; inputs truncated to 128 WordPiece tokens (SST-2 sentences are shorter).
 */
export const FINETUNE_SETTINGS: Readonly<
  Required<Pick<BertFinetuneOptions, "epochs" | "batchSize" | "lr" | "warmup" | "weightDecay" | "clipNorm">>
> & {
  maxLength: number;
} = { epochs: 5, batchSize: 8, lr: 5e-5, warmup: 0, weightDecay: 0, clipNorm: 1, maxLength: 128 };

/** Load options for a student model given as a hub id or a local folder. */
export function studentLoadOptions(model: string): bert.BertOptions {
  return fs.existsSync(model) && fs.statSync(model).isDirectory() ? { path: model } : { modelId: model };
}

/**
 * Fine-tune a fresh copy of the pretrained `model` (hub id or folder) with a new classification head on
 * (texts, targets), score it on (evalTexts, evalGold); its tensors are freed unless `keepModel`.
 */
export async function fineTuneAndScore(
  name: string,
  model: string,
  texts: readonly string[],
  targets: ArrayLike<number>,
  evalTexts: readonly string[],
  evalGold: ArrayLike<number>,
  opts: { seed: number; ciSeed?: number; keepModel?: boolean; load?: LoadOptions },
): Promise<StudentRun> {
  const s = FINETUNE_SETTINGS;
  const loaded = await bert.loadBert({ ...opts.load, ...studentLoadOptions(model), maxLength: s.maxLength });
  const clf = new bert.BertTextClassifier(loaded.encoder, loaded.tokenizer, 2, opts.seed);
  let ft;
  try {
    ft = await finetuneBertClassifier(clf, texts, targets, { ...s, seed: opts.seed, label: name });
  } catch (err) {
    clf.dispose();
    throw err;
  }
  const train = { seconds: ft.seconds, epochs: ft.epochs, finalLoss: ft.epochLoss[ft.epochLoss.length - 1] ?? NaN };
  return scoreStudent(name, clf, texts.length, train, evalTexts, evalGold, opts);
}
