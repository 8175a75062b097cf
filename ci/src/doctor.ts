/**
 * `npm run doctor [-- --profile quick|full] [--json] [notebooks…]`: what a user runs first on a new machine.
 * Checks node/npm, the tfjs backend it would pick, the GPU and driver, CUDA/cuDNN libraries against what the
 * native packages need, onnxruntime-node's CUDA provider, the model hub (HF_ENDPOINT), the data each notebook
 * needs under each profile, and the caches. Exit 0 when the requested profile (default quick) can run here,
 * 1 (with each fix printed) when it cannot, 2 on bad arguments.
 */
import { parseArgs } from "node:util";
import { data } from "@embedlab/lib";
import type { CheckResult, DoctorProfile, Problem } from "./doctor/check";
import { checkCaches } from "./doctor/caches";
import { checkCudaLibs } from "./doctor/cuda-libs";
import { checkData } from "./doctor/data";
import { checkGpu } from "./doctor/gpu";
import { checkHub } from "./doctor/hub";
import { checkOnnxruntime } from "./doctor/onnxruntime";
import { checkTfjs } from "./doctor/tfjs";
import { checkVersions } from "./doctor/versions";

export const DOCTOR_USAGE = `usage: npm run doctor -- [--profile quick|full] [--json] [notebooks…]
  --profile p   the profile to check for (default quick): exit 0 when it can run here
  --json        print one JSON object instead of the report
  notebooks     numbers or names to check the data of (default: all)`;

export interface DoctorReport {
  profile: DoctorProfile;
  ok: boolean;
  notebooks: string[];
  checks: Record<string, CheckResult>;
  /** Problems that stop `profile` from running here. */
  blocking: Problem[];
  /** Problems that do not (warnings). */
  warnings: Problem[];
  /** notebook → profile → whether it can run here (its data present, nothing machine-wide blocking that profile). */
  canRun: Record<string, Record<DoctorProfile, boolean>>;
}

export async function doctor(profile: DoctorProfile, notebooks: string[]): Promise<DoctorReport> {
  const list: CheckResult[] = [
    checkVersions(),
    checkTfjs(),
    checkGpu(),
    checkCudaLibs(),
    checkOnnxruntime(),
    await checkHub(),
    checkData(notebooks),
    checkCaches(),
  ];
  const checks: Record<string, CheckResult> = {};
  for (const c of list) checks[c.id] = c;
  const all = list.flatMap((c) => c.problems);
  const blocking = all.filter((p) => p.blocks.includes(profile));
  const dataCheck = checks["data"] as ReturnType<typeof checkData>;
  const machineWide = list.filter((c) => c !== dataCheck).flatMap((c) => c.problems);
  const canRun: DoctorReport["canRun"] = {};
  for (const nb of notebooks) {
    const per = dataCheck.data.notebooks[nb];
    canRun[nb] = {
      quick: per.quick.ready && !machineWide.some((p) => p.blocks.includes("quick")),
      full: per.full.ready && !machineWide.some((p) => p.blocks.includes("full")),
    };
  }
  return {
    profile,
    ok: blocking.length === 0,
    notebooks,
    checks,
    blocking,
    warnings: all.filter((p) => !p.blocks.includes(profile)),
    canRun,
  };
}

function textReport(r: DoctorReport): string {
  const lines: string[] = [`embedlab doctor — profile ${r.profile}`, ""];
  for (const c of Object.values(r.checks)) {
    const mark = c.problems.some((p) => p.blocks.includes(r.profile)) ? "✗" : c.problems.length ? "!" : "✓";
    lines.push(`${mark} ${c.name}: ${c.summary}`);
    for (const d of c.details ?? []) lines.push(`    ${d}`);
  }
  lines.push("", "can run here:");
  for (const [nb, p] of Object.entries(r.canRun))
    lines.push(`    ${nb.padEnd(28)} quick ${p.quick ? "yes" : "no "}   full ${p.full ? "yes" : "no"}`);
  lines.push("");
  for (const w of r.warnings) lines.push(`note: ${w.message}\n  → ${w.fix}`);
  if (r.ok) lines.push(`profile ${r.profile} can run here.`);
  else {
    lines.push(`profile ${r.profile} cannot run here:`);
    for (const p of r.blocking) lines.push(`  ✗ ${p.message}\n    → ${p.fix}`);
  }
  return lines.join("\n");
}

/** Notebook names matching the arguments (a number like "02" or a name prefix); all when none given. */
function pickNotebooks(args: string[]): string[] {
  const all = Object.keys(data.NOTEBOOK_DATA);
  if (args.length === 0) return all;
  return args.map((a) => {
    const hit = all.find((n) => n === a || n.startsWith(`${a.padStart(2, "0")}_`) || n.startsWith(a));
    if (!hit) throw new Error(`unknown notebook "${a}" (known: ${all.join(", ")})`);
    return hit;
  });
}

export async function main(argv: string[]): Promise<number> {
  let profile: DoctorProfile;
  let json: boolean;
  let notebooks: string[];
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { profile: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
    if (values.help) {
      console.log(DOCTOR_USAGE);
      return 0;
    }
    const p = values.profile ?? "quick";
    if (p !== "quick" && p !== "full") throw new Error(`--profile must be quick or full, got "${p}"`);
    profile = p;
    json = values.json ?? false;
    notebooks = pickNotebooks(positionals);
  } catch (err) {
    console.error(`error: ${(err as Error).message}\n${DOCTOR_USAGE}`);
    return 2;
  }
  const report = await doctor(profile, notebooks);
  console.log(json ? JSON.stringify(report, null, 2) : textReport(report));
  return report.ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
