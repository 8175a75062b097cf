import type { SgdConfig } from "./optimizers";
import { oneCycle, Schedule } from "./schedules";

/**
 * The original CIFAR-10 experiment's hyper-parameters: SGD, momentum 0.484, weight decay 4.6e-4,
 * batch 76, one-cycle lr with max 0.063. Spread into fit's options: `{ ...originalOneCycleRecipe(), loss, epochs }`.
 */
export function originalOneCycleRecipe(): { batchSize: number; optimizer: SgdConfig; lr: Schedule } {
  return {
    batchSize: 76,
    optimizer: { type: "sgd", momentum: 0.484, weightDecay: 4.6e-4 },
    lr: oneCycle({ maxLr: 0.063 }),
  };
}
