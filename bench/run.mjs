// npm run bench [-- <name-filter>]: runs every bench/*.bench.mjs in this one process, in file order,
// and prints each one's rows side by side. A bench module exports
//   export const title = "…";
//   export async function run(): Promise<Array<{ what: string; value: number; unit: string; note?: string }>>
// Ratios belong inside a bench (measured in the same run), not across runs.
import { readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.mjs") && (!filter || f.includes(filter)))
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
for (const f of files) {
  const mod = await import(pathToFileURL(join(here, f)).href);
  console.log(`\n## ${mod.title ?? f}`);
  try {
    const rows = await mod.run();
    const w = Math.max(...rows.map((r) => r.what.length), 10);
    for (const r of rows) {
      const v = Math.abs(r.value) >= 100 ? r.value.toFixed(0) : r.value.toPrecision(3);
      console.log(`  ${r.what.padEnd(w)}  ${v.padStart(10)} ${r.unit}${r.note ? "   (" + r.note + ")" : ""}`);
    }
  } catch (err) {
    failed++;
    console.log(`  FAILED: ${err?.stack ?? err}`);
  }
}
process.exit(failed ? 1 : 0);
