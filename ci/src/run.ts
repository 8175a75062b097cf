/**
 * Headless notebook runner: `npm run notebooks [-- names…] [--param k=v]… [--params f.yaml] [--out dir] [--timeout s]`.
 * Validates everything first (exit 2 on bad input, nothing run), then runs each notebook on a fresh
 * tslab kernel, writes `<out>/<name>.ipynb`, checks `ci/expectations.json`, prints one line per notebook.
 * Exit: 0 all ok, 1 a notebook failed or missed an expectation, 2 bad input, 130/143 interrupted.
 */
import { outputDir, repoRoot } from "@embedlab/lib";
import { parseCli, USAGE } from "./cli-args";
import { executeNotebook, markExpectationFailures } from "./execute-notebook";
import { checkExpectations, expectationProfile, loadExpectations } from "./expectations";
import { notebookProfile, PROFILE_CELL_TIMEOUT_S } from "./cell-timeout";
import { killAllKernels } from "./kernel";
import { listNotebooks, loadNotebook, selectNotebooks } from "./notebooks";
import { parseParamFlag, readParamsFile, resolveOverrides } from "./overrides";
import { failureReport, summaryLine } from "./report";
import { UsageError } from "./usage-error";

export async function main(argv: string[]): Promise<number> {
  const root = repoRoot();
  let plan;
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
    plan = { args, entries, perNotebook, expectations, profiles };
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const { args, entries, perNotebook, expectations, profiles } = plan;
  if (entries.length === 0) {
    console.error(`error: no notebooks (NN_*.ipynb) in ${args.notebooksDir}`);
    return 2;
  }
  const onSignal = (sig: NodeJS.Signals) => {
    killAllKernels();
    console.error(`\ninterrupted (${sig}); kernels stopped`);
    process.exit(sig === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const summaries: string[] = [];
  let failed = 0;
  for (const entry of entries) {
    const profile = profiles.get(entry.name)!;
    console.log(`▶ ${entry.name} (expectations: ${profile})`);
    const run = await executeNotebook(entry, {
      root,
      outDir: args.outDir,
      timeoutS: args.timeoutS ?? PROFILE_CELL_TIMEOUT_S[profile],
      heartbeatS: args.heartbeatS,
      env: process.env,
      overrides: perNotebook.get(entry.name) ?? {},
      log: (l) => console.log(l),
    });
    if (run.status !== "ok") {
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
  if (entries.length > 1)
    console.log(`\n${summaries.join("\n")}\n${entries.length - failed}/${entries.length} notebooks ok`);
  return failed > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      killAllKernels();
      process.exitCode = 1;
    },
  );
}
