/**
 * The trainings of notebook 01's sections 2 and 3 (the target-type runs and the end-to-end zero-shot CNN),
 * one notebook cell per run. Where worker threads pay (wasm / cpu backends, ≥ 2 cores) `startTrainings`
 * starts every run at once in the worker pool and each run's cell waits for its own; otherwise each run
 * trains in this process when its cell asks for it. With a checkpoint root every run saves a checkpoint
 * after each epoch (run-dirs.ts), so a rerun skips finished runs and an interrupted one resumes.
 */
import { EmbedlabError } from "../../core";
import { runParallel, workerCount, type Job, type ParallelOptions } from "../../parallel";
import type { Config } from "./config";
import type { TrainingData } from "./data";
import type { TrainReadArgs, TrainReadResult } from "./jobs";
import { targetJobs, type TargetRunResult } from "./target-runs";
import { zeroShotJob, type ZeroShotEndToEnd } from "./zero-shot-experiment";

/** How a run's cell found it: trained now from scratch, resumed from an earlier checkpoint, or finished earlier (not trained). */
export type RunStatus = "trained" | "resumed" | "skipped";

/** One run as its cell shows it. */
export interface RunReport<T> {
  /** 0-based position among the trainings (section-2 runs first, then the zero-shot CNN). */
  slot: number;
  of: number;
  name: string;
  status: RunStatus;
  /** Epochs the checkpoint held when the run started (0 when trained from scratch). */
  fromEpoch: number;
  epochs: number;
  /** Its checkpoint folder (undefined without checkpoints). */
  dir?: string;
  /** Wall time of this call's training (0-ish when skipped). */
  seconds: number;
  finalLoss: number;
  result: T;
}

/** A section-2 cell beyond the runs of this configuration. */
export interface NoRun {
  slot: number;
  of: number;
  status: "absent";
}

export interface TrainingsOptions extends ParallelOptions {
  /** Root of the runs' checkpoint folders (run-dirs.runRoot); undefined = no checkpoints, no resume. */
  checkpoints?: string;
}

/** The started (or startable) trainings of sections 2 and 3. */
export interface Trainings {
  /** "parallel": all runs started now in worker threads; "sequential": each run trains when its cell asks. */
  mode: "parallel" | "sequential";
  workers: number;
  /** Run names: section 2's runs, then the zero-shot CNN. */
  names: string[];
  checkpoints?: string;
  /** Section-2 run `i` (NoRun past the last). */
  target(i: number): Promise<RunReport<TargetRunResult> | NoRun>;
  /** Every section-2 run (training any a cell has not asked for yet, in order). */
  targets(): Promise<TargetRunResult[]>;
  /** Section 3's end-to-end zero-shot CNN. */
  zeroShot(): Promise<RunReport<ZeroShotEndToEnd>>;
}

function report<T>(
  slot: number,
  of: number,
  name: string,
  job: Job<TrainReadArgs, TrainReadResult>,
  r: TrainReadResult,
  result: T,
): RunReport<T> {
  const epochs = job.args.train.epochs;
  return {
    slot,
    of,
    name,
    status: r.resumedFromEpoch === 0 ? "trained" : r.resumedFromEpoch >= epochs ? "skipped" : "resumed",
    fromEpoch: r.resumedFromEpoch,
    epochs,
    dir: job.args.train.checkpointDir,
    seconds: r.seconds,
    finalLoss: r.history[r.history.length - 1]?.loss ?? NaN,
    result,
  };
}

/**
 * Set up the section-2 runs and the zero-shot CNN (`targetJobs`, `zeroShotJob`). When the profile runs
 * them side by side (`cfg.parallelRuns`, quick) and there is more than one worker (`parallel.workerCount`),
 * all of them start now in the worker pool, in job order; otherwise (full, or one worker) nothing starts
 * until a cell asks for a run, and each run trains in this process. Every run is seeded, so the numbers are the same either way.
 */
export function startTrainings(cfg: Config, d: TrainingData, opts: TrainingsOptions = {}): Trainings {
  const t = targetJobs(cfg, d.train, d.test, d.runSources, opts.checkpoints);
  const z = zeroShotJob(cfg, d.zeroShot, d.zeroShotSource, opts.checkpoints);
  const jobs = [...t.jobs, z.job];
  const names = [...cfg.runs.map((r) => r.name), `zero-shot emb_ce:${d.zeroShotSource.id}`];
  const workers = cfg.parallelRuns ? workerCount(jobs.length, opts) : 1;
  const pending = new Array<Promise<TrainReadResult> | undefined>(jobs.length);
  if (workers > 1) {
    const settle: { resolve: (r: TrainReadResult) => void; reject: (e: unknown) => void }[] = [];
    jobs.forEach((_, i) => {
      pending[i] = new Promise<TrainReadResult>((resolve, reject) => (settle[i] = { resolve, reject }));
      pending[i]!.catch(() => undefined); // a failure is reported by the cell that awaits the run
    });
    runParallel(jobs, opts, (i, r) => settle[i].resolve(r)).catch((e: unknown) => settle.forEach((s) => s.reject(e)));
  }
  const get = (i: number): Promise<TrainReadResult> =>
    (pending[i] ??= runParallel([jobs[i]], { workers: 1 }).then((r) => r[0]));
  const of = jobs.length;
  return {
    mode: workers > 1 ? "parallel" : "sequential",
    workers,
    names,
    checkpoints: opts.checkpoints,
    async target(i) {
      if (!(Number.isInteger(i) && i >= 0))
        throw new EmbedlabError(`target run index must be a non-negative integer, got ${i}`);
      if (i >= t.jobs.length) return { slot: i, of, status: "absent" };
      const r = await get(i);
      return report(i, of, names[i], jobs[i], r, t.assembleOne(r, i));
    },
    async targets() {
      const out: TargetRunResult[] = [];
      for (let i = 0; i < t.jobs.length; i++) out.push(t.assembleOne(await get(i), i));
      return out;
    },
    async zeroShot() {
      const k = t.jobs.length;
      const r = await get(k);
      return report(k, of, names[k], jobs[k], r, z.assemble(r));
    },
  };
}

/**
 * Sections 2 and 3 trained together (all runs in one worker pool, as many at once as there are cores), for
 * callers that want everything at once. Every run is seeded, so the numbers are the same as training them
 * one after the other (EMBEDLAB_WORKERS=1).
 */
export async function trainSections(
  cfg: Config,
  d: TrainingData,
  opts: TrainingsOptions = {},
): Promise<{ targets: TargetRunResult[]; zeroShot: ZeroShotEndToEnd; seconds: number }> {
  const t0 = Date.now();
  const tr = startTrainings(cfg, d, opts);
  const targets = await tr.targets();
  const zeroShot = (await tr.zeroShot()).result;
  return { targets, zeroShot, seconds: (Date.now() - t0) / 1000 };
}
