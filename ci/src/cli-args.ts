import * as path from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "./usage-error";

export interface CliArgs {
  names: string[];
  params: string[];
  paramsFile?: string;
  outDir: string;
  /** `--timeout`: per-cell limit replacing the profile default (undefined: the profile default). */
  timeoutS: number | undefined;
  /** `--expect`: expectation profile to check (default: the notebook's profile). */
  expect: string | undefined;
  heartbeatS: number;
  notebooksDir: string;
  expectationsFile: string;
  /** Stream each cell's stdout/stderr/text outputs to the runner's own, prefixed `[notebook]` (papermill's flag). */
  logOutput: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run notebooks -- [names…] [--param k=v]… [--params f.yaml] [--out dir] [--timeout s]
       [--log-output]
  names            notebooks to run (00_smoke, 00_smoke.ipynb or 00); default: all notebooks/NN_*.ipynb
  --param k=v      override a parameter (value parsed as JSON, else a string); repeatable
  --params f.yaml  overrides from a YAML mapping (--param wins)
  --out dir        where executed notebooks and results go (default: outputs/)
  --timeout s      per-cell time limit in seconds (default by profile: quick 1200, full 43200, full-smoke 600;
                   a cell's metadata.execution.timeout or metadata.timeout overrides it)
  --expect p       check the expectations of profile p (quick, full, full-smoke; default: the run's profile)
  --heartbeat s    a kernel silent on its heartbeat this long (idle, or stopped) is dead (default 30)
  --notebooks dir  notebook folder (default: notebooks/)
  --expectations f metric bounds (default: ci/expectations.json)
  --log-output     stream each cell's stdout/stderr/text outputs here as they arrive, prefixed [notebook]

Not on a terminal (CI logs) it prints a line as each cell starts: [notebook] cell i/N (elapsed) first line.
Ctrl-C / SIGTERM stops the kernel and marks the partial notebook "interrupted" (exit 130 / 143).
One run at a time per --out folder (lock file .embedlab-run.lock; a second run exits 2).`;

export function parseCli(argv: string[], root: string, defaultOut: string): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        param: { type: "string", multiple: true },
        params: { type: "string" },
        out: { type: "string" },
        timeout: { type: "string" },
        heartbeat: { type: "string" },
        notebooks: { type: "string" },
        expectations: { type: "string" },
        "log-output": { type: "boolean" },
        expect: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message, USAGE);
  }
  const v = parsed.values;
  const timeoutS = v.timeout === undefined ? undefined : Number(v.timeout);
  if (timeoutS !== undefined && (!Number.isFinite(timeoutS) || timeoutS <= 0))
    throw new UsageError(`--timeout must be a positive number of seconds, got "${v.timeout}"`);
  const heartbeatS = v.heartbeat === undefined ? 30 : Number(v.heartbeat);
  if (!Number.isFinite(heartbeatS) || heartbeatS <= 0)
    throw new UsageError(`--heartbeat must be a positive number of seconds, got "${v.heartbeat}"`);
  return {
    heartbeatS,
    names: parsed.positionals,
    params: v.param ?? [],
    paramsFile: v.params,
    outDir: path.resolve(v.out ?? defaultOut),
    timeoutS,
    expect: v.expect,
    notebooksDir: path.resolve(v.notebooks ?? path.join(root, "notebooks")),
    expectationsFile: path.resolve(v.expectations ?? path.join(root, "ci", "expectations.json")),
    logOutput: v["log-output"] ?? false,
    help: v.help ?? false,
  };
}
