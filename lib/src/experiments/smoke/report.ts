/** Notebook 00's results: the flat metrics `ci/expectations.json` checks, and its one-line verdict. */
import { percent } from "../../core";

/** Training accuracy the smoke notebook must reach (also its expectation in ci/expectations.json). */
export const MIN_TRAIN_ACC = 0.9;

export interface SmokeOutcome {
  trainAcc: number;
  testAcc: number;
  finalLoss: number;
  steps: number;
}

export function metrics(o: SmokeOutcome): Record<string, number> {
  return { train_acc: o.trainAcc, test_acc: o.testAcc, final_loss: o.finalLoss, steps: o.steps };
}

/** Markdown verdict from the run's numbers. */
export function conclusion(o: SmokeOutcome, backend: string): string {
  const ok = o.trainAcc >= MIN_TRAIN_ACC;
  return (
    `**${ok ? "The stack works" : "Training fell short"}.** On the ${backend} backend the tiny CNN reached ` +
    `${percent(o.trainAcc)} training and ${percent(o.testAcc)} test accuracy after ${o.steps} steps (final loss ${o.finalLoss.toFixed(3)}); ` +
    (ok
      ? `at least ${percent(MIN_TRAIN_ACC)} on training images, as required.`
      : `below the required ${percent(MIN_TRAIN_ACC)} on training images.`)
  );
}
