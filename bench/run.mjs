// npm run bench [-- <name-filter>[,<name-filter>…]]: runs every bench/*.bench.mjs (or those whose file name
// contains one of the filters, e.g. `matmul,cnn,gpt`) in this one process, in file order,
// and prints each one's rows side by side. A bench module exports
//   export const title = "…";
//   export async function run(): Promise<Array<{ what: string; value: number; unit: string; note?: string }>>
// Ratios belong inside a bench (measured in the same run), not across runs. Rows with a `name` and
// PyTorch figures (bench-table.mjs) are also printed side by side at the end and written to
// outputs/bench.json (EMBEDLAB_BENCH_JSON=<file> elsewhere, =0 not at all; EMBEDLAB_BENCH_TORCH=0 skips PyTorch).
import { readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { machineDescription, summaryLines, writeBenchJson, fmt } from "./bench-table.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const filters = (filter ?? "").split(",").filter(Boolean);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.mjs") && (!filters.length || filters.some((x) => f.includes(x))))
  .sort();
if (files.length === 0) {
  console.error(
    `no benchmark matches "${filter ?? ""}"; available: ${readdirSync(here)
      .filter((f) => f.endsWith(".bench.mjs"))
      .join(", ")}`,
  );
  process.exit(2);
}
let failed = 0;
const summary = [];
for (const f of files) {
  const mod = await import(pathToFileURL(join(here, f)).href);
  console.log(`\n## ${mod.title ?? f}`);
  try {
    const rows = await mod.run();
    const w = Math.max(...rows.map((r) => r.what.length), 10);
    for (const r of rows) {
      const v = Math.abs(r.value) >= 100 ? r.value.toFixed(0) : r.value.toPrecision(3);
      const pt = "torch" in r ? `   | PyTorch ${fmt(r.torch)} ${r.unit}, ratio ${fmt(r.ratio, "×")}` : "";
      console.log(`  ${r.what.padEnd(w)}  ${v.padStart(10)} ${r.unit}${pt}${r.note ? "   (" + r.note + ")" : ""}`);
    }
    summary.push(...rows.filter((r) => r.name));
  } catch (err) {
    failed++;
    console.log(`  FAILED: ${err?.stack ?? err}`);
  }
}
if (summary.length) {
  console.log(`\n## Summary vs PyTorch (one thread each; ${machineDescription()})`);
  for (const l of summaryLines(summary)) console.log(l);
  const out = process.env.EMBEDLAB_BENCH_JSON ?? join(here, "..", "outputs", "bench.json");
  if (out !== "0") {
    writeBenchJson(out, summary);
    console.log(`wrote ${out}`);
  }
}
process.exit(failed ? 1 : 0);
