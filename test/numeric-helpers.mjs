// Shared by the wasm kernel tests: reproducible inputs and the error measure they compare backends by.
import assert from "node:assert/strict";

/** `n` values in [-1, 1) from a linear congruential generator seeded by `seed` (same values on every run). */
export function randArray(seed, n) {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

/** max |a − b| / max |b| (fails if the lengths differ or the reference is all zeros). */
export function relErr(a, b) {
  assert.equal(a.length, b.length, "length mismatch");
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  assert.ok(den > 0, "reference is all zeros");
  return num / den;
}
