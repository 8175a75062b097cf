// The benchmark summary writer (bench/bench-table.mjs): bench.json's row format, "—" for figures that
// were not measured, and a filtered run keeping the other rows. Fake rows only: no timing here.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { benchDocument, writeBenchJson, summaryLines, fmt } from "../bench/bench-table.mjs";

const FAKE = {
  name: "gpt-tiny-train",
  what: "tiny GPT train step",
  value: 2246.4,
  unit: "tok/s",
  cpu: 2300,
  torch: 9300,
  torchCpu: 9400,
  ratio: 0.2415,
  cpuRatio: 0.245,
  rssMb: 512.3,
  torchRssMb: 340,
  note: "456 ms/step",
};

test("bench.json rows: name, value, unit, PyTorch's value, ratio, CPU figures, RSS, machine", () => {
  const doc = benchDocument([FAKE], { machine: "Test CPU, 2 cores", now: new Date("2026-01-02T03:04:05Z") });
  assert.equal(doc.format, "embedlab-bench/1");
  assert.equal(doc.machine, "Test CPU, 2 cores");
  assert.deepEqual(doc.rows, [
    {
      name: "gpt-tiny-train",
      what: "tiny GPT train step",
      value: 2246.4,
      unit: "tok/s",
      cpuValue: 2300,
      pytorch: 9300,
      pytorchCpuValue: 9400,
      ratio: 0.2415,
      cpuRatio: 0.245,
      peakRssMb: 512.3,
      pytorchPeakRssMb: 340,
      note: "456 ms/step",
      measuredAt: "2026-01-02T03:04:05.000Z",
    },
  ]);
  assert.throws(() => benchDocument([{ ...FAKE, name: undefined }]), /needs a name/);
  assert.match(benchDocument([]).machine, /cores/);
});

test("without PyTorch: null in bench.json, — in the table", () => {
  const row = { ...FAKE, torch: undefined, torchCpu: undefined, ratio: NaN, cpuRatio: NaN, torchRssMb: undefined };
  const [r] = benchDocument([row], { machine: "m" }).rows;
  assert.equal(r.pytorch, null);
  assert.equal(r.ratio, null);
  assert.equal(r.pytorchPeakRssMb, null);
  const lines = summaryLines([row]);
  assert.equal(lines.length, 3);
  const cells = lines[2].split("|").map((c) => c.trim());
  assert.deepEqual(cells.slice(1, 9), [
    "gpt-tiny-train: tiny GPT train step",
    "2246 tok/s",
    "—",
    "—",
    "2300 tok/s",
    "—",
    "—",
    "512/—",
  ]);
  assert.equal(fmt(0.2416, "×"), "0.242×");
});

test("a filtered run replaces its own rows and keeps the others", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-json-"));
  const file = path.join(dir, "out", "bench.json");
  writeBenchJson(file, [FAKE, { ...FAKE, name: "cnn-train", unit: "ms", value: 80 }], { machine: "m" });
  const doc = writeBenchJson(file, [{ ...FAKE, value: 3000 }], { machine: "m" });
  assert.deepEqual(
    doc.rows.map((r) => [r.name, r.value]),
    [
      ["cnn-train", 80],
      ["gpt-tiny-train", 3000],
    ],
  );
  assert.deepEqual(JSON.parse(fs.readFileSync(file, "utf8")), doc);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ["bench.json"], "no temp file left");
});
