export { runParallel, workerCount, type Job, type ParallelOptions } from "./pool";
