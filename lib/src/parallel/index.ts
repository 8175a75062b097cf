/** parallel/ (above backend): independent jobs in worker threads (one tfjs backend each); a job names the module and export it runs. */
export { runParallel, workerCount, type ParallelOptions } from "./pool";
export { job, resolveTask, type Job, type TaskRef } from "./task";
