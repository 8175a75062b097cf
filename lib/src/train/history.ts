/** One epoch of training: mean train loss, lr at the epoch's last step, wall seconds, plus evaluate()'s metrics. */
export interface EpochRecord {
  epoch: number;
  /** Optimizer steps taken so far. */
  step: number;
  loss: number;
  lr: number;
  seconds: number;
  [metric: string]: number;
}
