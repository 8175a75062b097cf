/**
 * One CNN training as a parallel job (`parallel.runParallel`): train a target model, read it on some
 * image sets (class scores and/or features), dispose it, and return plain arrays — so sections 2 and 3
 * of notebook 01 can train their four CNNs two at a time in worker threads.
 */
import type { ImageDataset } from "../../data";
import { job, type Job } from "../../parallel";
import type { EpochRecord } from "../../train";
import { trainTargetModel, type TrainTargetOptions } from "./model";
import { readModel, type ModelReading } from "./predict";

/** What to read off the trained model on one image set. */
export interface ReadRequest {
  ds: ImageDataset;
  scores?: boolean;
  features?: boolean;
  /** Label vectors to score embedding models against (one per class). */
  labelVectors?: readonly Float32Array[];
}

export interface TrainReadArgs {
  train: TrainTargetOptions;
  read: readonly ReadRequest[];
}

export interface TrainReadResult {
  history: EpochRecord[];
  seconds: number;
  /** Dataset class indices of the model's outputs (one-hot). */
  classes: number[];
  read: ModelReading[];
  /** Epochs found in the run's checkpoint when it started (0: trained from scratch; = epochs: finished earlier, not trained). */
  resumedFromEpoch: number;
}

export async function trainAndRead(a: TrainReadArgs): Promise<TrainReadResult> {
  const { model, history, seconds, resumedFromEpoch } = await trainTargetModel(a.train);
  try {
    const read: ModelReading[] = [];
    for (const r of a.read)
      read.push(await readModel(model, r.ds, { scores: r.scores, features: r.features, labelVectors: r.labelVectors }));
    return { history, seconds, classes: model.classes, read, resumedFromEpoch };
  } finally {
    model.dispose();
  }
}

/** `trainAndRead(args)` as a parallel job. */
export function trainReadJob(args: TrainReadArgs): Job<TrainReadArgs, TrainReadResult> {
  return job(__filename, "trainAndRead", trainAndRead, args);
}
