/** Sections 2 and 3 of notebook 01 train together: the target-type runs and the end-to-end zero-shot CNN share one worker pool. */
import { runParallel, type ParallelOptions } from "../../parallel";
import type { Config } from "./config";
import type { TrainingData } from "./data";
import { targetJobs, type TargetRunResult } from "./target-runs";
import { zeroShotJob, type ZeroShotEndToEnd } from "./zero-shot-experiment";

/**
 * The target-type runs (section 2) and the end-to-end zero-shot CNN (section 3) are independent
 * trainings, so all of them go to one worker pool (as many at once as there are cores). Every run is
 * seeded, so the numbers are the same as training them one after the other (EMBEDLAB_WORKERS=1).
 */
export async function trainSections(
  cfg: Config,
  d: TrainingData,
  opts: ParallelOptions = {},
): Promise<{ targets: TargetRunResult[]; zeroShot: ZeroShotEndToEnd; seconds: number }> {
  const t0 = Date.now();
  const t = targetJobs(cfg, d.train, d.test, d.runSources);
  const z = zeroShotJob(cfg, d.zeroShot, d.zeroShotSource);
  const results = await runParallel([...t.jobs, z.job], opts);
  return {
    targets: t.assemble(results.slice(0, t.jobs.length)),
    zeroShot: z.assemble(results[t.jobs.length]),
    seconds: (Date.now() - t0) / 1000,
  };
}
