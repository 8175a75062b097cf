/**
 * A parallel job names the code it runs: the compiled module file that exports the function, and the
 * export's name. The worker thread `require`s that module and calls the export, so following a job
 * leads straight to its code (no registry of task names).
 */
import { EmbedlabError } from "../core";

/** Where a job's function lives: a module file (pass `__filename`) and the name it is exported under. */
export interface TaskRef {
  module: string;
  export: string;
}

/** A job: the function to run (by module + export), its structured-cloneable arguments, and the same function for in-process runs. */
export interface Job<A, R> {
  task: TaskRef;
  args: A;
  local: (args: A) => Promise<R>;
}

/** Load the function a `TaskRef` names (in a worker thread, or to check a job in this one). */
export function resolveTask(ref: TaskRef): (args: unknown) => Promise<unknown> {
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(ref.module) as Record<string, unknown>;
  } catch (e) {
    throw new EmbedlabError(
      `parallel task module ${ref.module} cannot be loaded: ${(e as Error).message}`,
      "pass the defining module's __filename to parallel.job",
    );
  }
  const fn = mod[ref.export];
  if (typeof fn !== "function") {
    throw new EmbedlabError(
      `parallel task "${ref.export}" is not a function exported by ${ref.module}`,
      "export the function from the module passed to parallel.job, under the name given",
    );
  }
  return fn as (args: unknown) => Promise<unknown>;
}

/**
 * Make a job that runs `fn(args)`: `module` is the file that exports `fn` under `exportName`
 * (call as `job(__filename, "trainAndRead", trainAndRead, args)`). Checked here, so a wrong name fails
 * when the job is made, not inside a worker.
 */
export function job<A, R>(module: string, exportName: string, fn: (args: A) => Promise<R>, args: A): Job<A, R> {
  const ref = { module, export: exportName };
  if (resolveTask(ref) !== (fn as unknown)) {
    throw new EmbedlabError(
      `parallel.job: ${module} exports "${exportName}", but not as the function given`,
      "name the export that is the job's function",
    );
  }
  return { task: ref, args, local: fn };
}
