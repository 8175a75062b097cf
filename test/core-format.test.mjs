import { test } from "node:test";
import assert from "node:assert/strict";
import { percent, points, signed } from "@embedlab/lib";

test("signed: explicit sign, typographic minus, ± for what rounds to zero, non-finite as is", () => {
  assert.equal(signed(0.0853, 3), "+0.085");
  assert.equal(signed(-0.29, 2), "−0.29");
  assert.equal(signed(2.94), "+2.9");
  assert.equal(signed(-0.0004, 2), "±0.00");
  assert.equal(signed(0), "±0.0");
  assert.equal(signed(Number.NaN), "NaN");
  assert.equal(signed(-Infinity, 2), "-Infinity");
});

test("points: a difference of fractions in signed percentage points", () => {
  assert.equal(points(0.562 - 0.592), "−3.0");
  assert.equal(points(-0.0287), "−2.9");
  assert.equal(points(0.0071, 2), "+0.71");
});

test("percent writes a fraction as a percentage", () => {
  assert.equal(percent(0.5917), "59.2 %");
  assert.equal(percent(0.8819, 2), "88.19 %");
});
