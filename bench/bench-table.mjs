// The benchmark summary: rows that carry a `name` (the figures the project tracks against PyTorch) are
// printed side by side at the end of `npm run bench` and written to outputs/bench.json. A row:
//   { name, what, value, unit, cpu?, torch?, torchCpu?, ratio?, cpuRatio?, rssMb?, torchRssMb?, note? }
// `value` / `torch` are medians from wall time, `cpu` / `torchCpu` the same figures from process CPU time;
// `ratio` = ours / PyTorch in the row's unit (for tok/s and GFLOP/s above 1 is faster, for ms above 1 is
// slower), the median of per-round ratios. A figure that was not measured (no PyTorch) is null here and
// "—" in the table.
import * as fs from "node:fs";
import * as os from "node:os";
import { writeFileAtomic } from "@embedlab/lib";

const num = (x) => (typeof x === "number" && Number.isFinite(x) ? x : null);

/** A one-line description of this machine (CPU model, cores, memory, OS, Node). */
export function machineDescription() {
  const cpus = os.cpus();
  const model = cpus[0]?.model?.trim() || "unknown CPU";
  const mhz = cpus[0]?.speed ? ` @ ${cpus[0].speed} MHz` : "";
  let simd = "";
  try {
    const flags = new Set(
      (/^flags\s*:(.*)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "").trim().split(/\s+/),
    );
    const has = ["avx2", "fma", "avx512f"].filter((f) => flags.has(f));
    if (has.length) simd = ` (${has.join(", ")})`;
  } catch {
    simd = "";
  }
  return `${model}${mhz}${simd}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()} ${os.arch()}, Node ${process.versions.node}`;
}

/** One summary row as stored in bench.json. */
export function jsonRow(r, measuredAt) {
  if (typeof r.name !== "string" || !r.name) throw new Error(`bench summary row needs a name: ${JSON.stringify(r)}`);
  return {
    name: r.name,
    what: r.what,
    value: num(r.value),
    unit: r.unit,
    cpuValue: num(r.cpu),
    pytorch: num(r.torch),
    pytorchCpuValue: num(r.torchCpu),
    ratio: num(r.ratio),
    cpuRatio: num(r.cpuRatio),
    peakRssMb: num(r.rssMb),
    pytorchPeakRssMb: num(r.torchRssMb),
    note: r.note ?? null,
    measuredAt,
  };
}

/**
 * The bench.json document: `previous` rows whose names were not measured now are kept (a filtered run,
 * `npm run bench -- cnn`, updates only its own rows), each with its own measuredAt.
 */
export function benchDocument(rows, { machine = machineDescription(), now = new Date(), previous } = {}) {
  const at = now.toISOString();
  const fresh = rows.map((r) => jsonRow(r, at));
  const names = new Set(fresh.map((r) => r.name));
  const kept = (previous?.rows ?? []).filter((r) => !names.has(r.name));
  return {
    format: "embedlab-bench/1",
    machine,
    ratio: "ours / PyTorch in each row's unit (tok/s, GFLOP/s: above 1 is faster; ms: above 1 is slower)",
    rows: [...kept, ...fresh],
  };
}

/** Write `doc` to `file` atomically (temp file + rename). */
export function writeBenchJson(file, rows, opts = {}) {
  let previous;
  try {
    previous = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    previous = undefined;
  }
  const doc = benchDocument(rows, { ...opts, previous });
  writeFileAtomic(file, JSON.stringify(doc, null, 1) + "\n");
  return doc;
}

/** A number for the table: "—" when absent, 3 significant digits below 100. */
export function fmt(x, suffix = "") {
  const v = num(x);
  if (v === null) return "—";
  return (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) + suffix;
}

/** The summary table as text lines (wall-time figures, CPU-time figures in brackets). */
export function summaryLines(rows) {
  const head = [
    "figure",
    "ours",
    "PyTorch",
    "ratio",
    "ours (CPU)",
    "PyTorch (CPU)",
    "ratio (CPU)",
    "peak RSS MB ours/PT",
  ];
  const body = rows.map((r) => [
    `${r.name}: ${r.what}`,
    `${fmt(r.value)} ${r.unit}`,
    r.torch == null || !Number.isFinite(r.torch) ? "—" : `${fmt(r.torch)} ${r.unit}`,
    fmt(r.ratio, "×"),
    r.cpu == null ? "—" : `${fmt(r.cpu)} ${r.unit}`,
    r.torchCpu == null || !Number.isFinite(r.torchCpu) ? "—" : `${fmt(r.torchCpu)} ${r.unit}`,
    fmt(r.cpuRatio, "×"),
    `${fmt(r.rssMb)}/${fmt(r.torchRssMb)}`,
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => "| " + cells.map((c, i) => c.padEnd(w[i])).join(" | ") + " |";
  return [line(head), line(w.map((n) => "-".repeat(n))), ...body.map(line)];
}
