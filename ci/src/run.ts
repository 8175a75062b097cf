/**
 * Headless notebook runner: `npm run notebooks [-- names…] [--param k=v]… [--params f.yaml] [--out dir] [--timeout s]`.
 * Validates everything first (exit 2 on bad input, nothing run), then runs each notebook on a fresh
 * tslab kernel, writes `<out>/<name>.ipynb`, checks `ci/expectations.json`, prints one line per notebook.
 * Exit: 0 all ok, 1 a notebook failed or missed an expectation, 2 bad input or `--out` in use by another run,
 * 130/143 interrupted (SIGINT/SIGTERM: the partial notebook is marked "interrupted").
 */
import { outputDir, repoRoot } from "@embedlab/lib";
import { parseCli, USAGE, type CliArgs } from "./cli-args";
import { allWatchers } from "./cell-watcher";
import { fetchNotebookData } from "./data-on-demand";
import { executeNotebook, markExpectationFailures } from "./execute-notebook";
import {
  checkExpectations,
  expectationProfile,
  loadExpectations,
  type ExpectationProfile,
  type Expectations,
} from "./expectations";
import { notebookProfile, PROFILE_CELL_TIMEOUT_S } from "./cell-timeout";
import { markInterruptedResults } from "./interrupted-results";
import { Interruption, signalExitCode } from "./interruption";
import { killAllKernels } from "./kernel";
import { OutputLogger } from "./log-output";
import { listNotebooks, loadNotebook, selectNotebooks, type NotebookEntry } from "./notebooks";
import { acquireOutLock, type OutLock } from "./out-lock";
import { parseParamFlag, readParamsFile, resolveOverrides } from "./overrides";
import { progressWatcher } from "./progress-log";
import { failureReport, interruptedLine, summaryLine } from "./report";
import { UsageError } from "./usage-error";

interface Plan {
  root: string;
  args: CliArgs;
  entries: NotebookEntry[];
  perNotebook: Map<string, Record<string, unknown>>;
  expectations: Expectations;
  profiles: Map<string, ExpectationProfile>;
}

export async function main(argv: string[]): Promise<number> {
  const root = repoRoot();
  let plan: Plan;
  let lock: OutLock | undefined;
  try {
    const args = parseCli(argv, root, outputDir());
    if (args.help) {
      console.log(USAGE);
      return 0;
    }
    const names = selectNotebooks(listNotebooks(args.notebooksDir), args.names);
    const entries = names.map((n) => loadNotebook(args.notebooksDir, n));
    const overrides = [...(args.paramsFile ? readParamsFile(args.paramsFile) : []), ...args.params.map(parseParamFlag)];
    const perNotebook = resolveOverrides(entries, overrides);
    const expectations = loadExpectations(args.expectationsFile);
    const profiles = new Map(
      entries.map((e) => [e.name, expectationProfile(args.expect, notebookProfile(e, perNotebook.get(e.name) ?? {}))]),
    );
    plan = { root, args, entries, perNotebook, expectations, profiles };
    // Refused at once (exit 2, nothing run) when another live run writes into the same folder.
    if (entries.length > 0) lock = acquireOutLock(args.outDir, names);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}`);
      return 2;
    }
    throw err;
  }
  if (plan.entries.length === 0) {
    console.error(`error: no notebooks (NN_*.ipynb) in ${plan.args.notebooksDir}`);
    return 2;
  }
  if (lock?.tookOver)
    console.error(
      `note: took over the stale lock of run pid ${lock.tookOver.pid} (started ${lock.tookOver.started_at}), which is no longer running`,
    );
  const interruption = new Interruption(() => killAllKernels());
  try {
    return await runAll(plan, interruption);
  } finally {
    interruption.dispose();
    lock?.release();
  }
}

async function runAll(plan: Plan, interruption: Interruption): Promise<number> {
  const { root, args, entries, perNotebook, expectations, profiles } = plan;
  // Non-interactive logs (CI) get one line per cell; a terminal keeps the per-notebook lines.
  const progress = !process.stdout.isTTY;
  const summaries: string[] = [];
  let failed = 0;
  let stoppedInNotebook = false;
  for (const entry of entries) {
    if (interruption.by) break;
    const profile = profiles.get(entry.name)!;
    console.log(`▶ ${entry.name} (expectations: ${profile})`);
    await fetchNotebookData(entry.name, notebookProfile(entry, perNotebook.get(entry.name) ?? {}), (l) =>
      console.log(l),
    );
    const t0 = Date.now();
    const write = (stream: "stdout" | "stderr", line: string) =>
      (stream === "stdout" ? console.log : console.error)(line);
    const run = await executeNotebook(entry, {
      root,
      outDir: args.outDir,
      timeoutS: args.timeoutS ?? PROFILE_CELL_TIMEOUT_S[profile],
      heartbeatS: args.heartbeatS,
      env: process.env,
      overrides: perNotebook.get(entry.name) ?? {},
      log: (l) => console.log(l),
      interrupt: interruption.signal,
      watch: allWatchers(
        progress ? progressWatcher(entry.name, entry.notebook.cells.length, t0, (l) => console.log(l)) : null,
        args.logOutput ? new OutputLogger(entry.name, write) : null,
      ),
    });
    if (run.status === "interrupted") {
      stoppedInNotebook = true;
      const results = markInterruptedResults(args.outDir, entry.name, run.startedAt, {
        interrupted_cell: run.interruptedCell?.label ?? null,
        interrupted_by: interruption.by ?? "signal",
      });
      console.error(interruptedLine(run, interruption.by ?? "signal", results));
    } else if (run.status !== "ok") {
      console.error(failureReport(run));
    } else {
      const problems = checkExpectations(entry.name, expectations[profile]?.[entry.name], args.outDir, run.startedAt);
      if (problems.length) {
        run.status = "FAILED";
        markExpectationFailures(run, problems);
        console.error(problems.map((p) => `expectation failed: ${p}`).join("\n"));
      }
    }
    if (run.status !== "ok") failed++;
    const line = summaryLine(run);
    summaries.push(line);
    console.log(line);
  }
  const ran = summaries.length;
  if (interruption.by && !stoppedInNotebook)
    console.error(
      `interrupted (${interruption.by}) after ${entries[ran - 1]?.name ?? "start"}, which finished; nothing partial`,
    );
  if (entries.length > 1) {
    const notRun = entries.slice(ran).map((e) => e.name);
    const tail = notRun.length ? `; not run: ${notRun.join(", ")}` : "";
    console.log(`\n${summaries.join("\n")}\n${ran - failed}/${entries.length} notebooks ok${tail}`);
  }
  if (interruption.by) return signalExitCode(interruption.by);
  return failed > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      // Interrupted: exit now, whatever a stopped kernel's start may still hold open.
      if (code > 128) process.exit(code);
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      killAllKernels();
      process.exitCode = 1;
    },
  );
}
