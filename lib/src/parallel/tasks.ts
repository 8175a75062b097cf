/** The functions a worker thread can run, by task name (see pool.ts). Arguments and results are structured-cloneable. */
import { trainAndRead, TRAIN_READ_TASK } from "../train/label-targets/jobs";
import { finetuneFold, FINETUNE_FOLD_TASK } from "../train/contrastive/cross-fit";
import { fitAndScoreProbe, PROBE_TASK } from "../train/label-targets/zero-shot-experiment";

export const TASKS = {
  [TRAIN_READ_TASK]: trainAndRead,
  [FINETUNE_FOLD_TASK]: finetuneFold,
  [PROBE_TASK]: fitAndScoreProbe,
} as const;
