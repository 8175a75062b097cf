// core.Stopwatch: seconds per notebook section (laps, timed steps, restart, total).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { setTimeout as sleep } from "node:timers/promises";

const require = createRequire(import.meta.url);
const { Stopwatch } = require("@embedlab/lib");

test("Stopwatch records laps, timed steps and the total, in order", async () => {
  const w = new Stopwatch();
  await sleep(30);
  const first = w.lap("a_s");
  assert.ok(first >= 0.02 && first < 1, `lap ${first}`);
  const out = await w.time("b_s", async () => {
    await sleep(30);
    return 7;
  });
  assert.equal(out, 7);
  assert.ok(w.durations.b_s >= 0.02);
  await sleep(40);
  w.restart();
  assert.ok(w.lap("c_s") < 0.03, "restart drops the time before it");
  const all = w.total();
  assert.deepEqual(Object.keys(all), ["a_s", "b_s", "c_s", "total_s"]);
  assert.ok(all.total_s >= 0.1);
  assert.equal(all, w.durations);
});
