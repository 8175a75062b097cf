// The Adam / AdamW update in wasm SIMD (float64 pairs) against the scalar JS loop: bit for bit, over
// several steps, odd sizes, coupled and decoupled decay, clipping scales and extreme values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const { AdamArena } = require("@embedlab/lib/dist/backend/wasm-kernels/adam-module.js");
const { adamCoefficients, adamStepJs } = require("@embedlab/lib/dist/train/adam-update.js");

const randn = (n, seed, s = 1) => {
  const rng = new lib.Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal() * s);
};

for (const decoupled of [true, false])
  test(`Adam in wasm SIMD equals the JS loop bit for bit (${decoupled ? "AdamW" : "Adam + L2"})`, () => {
    const sizes = [1, 7, 128, 1001];
    const arena = AdamArena.create(sizes);
    assert.ok(arena, "wasm SIMD is available on Node 20");
    const mJs = sizes.map((n) => new Float32Array(n)),
      vJs = sizes.map((n) => new Float32Array(n));
    const params = sizes.map((n, i) => randn(n, 10 + i));
    const paramsJs = params.map((p) => p.slice());
    let changed = 0;
    for (let t = 1; t <= 5; t++) {
      const c = adamCoefficients({
        lr: 1e-3 * t,
        b1: 0.9,
        b2: 0.95,
        eps: 1e-8,
        c1: 1 - 0.9 ** t,
        c2: 1 - 0.95 ** t,
        wd: 0.1,
        decoupled,
        scale: t === 3 ? 0.37 : 1,
      });
      sizes.forEach((n, i) => {
        // gradients with tiny, huge and exactly-zero entries
        const g = randn(n, 100 * t + i, t === 2 ? 1e-20 : t === 4 ? 1e10 : 1);
        if (n > 3) g[3] = 0;
        const next = arena.update(i, params[i], g, c).slice();
        const out = new Float32Array(n);
        adamStepJs(paramsJs[i], g, mJs[i], vJs[i], out, c);
        assert.deepEqual(next, out, `parameters, variable ${i}, step ${t}`);
        assert.deepEqual(arena.m[i], mJs[i], `m, variable ${i}, step ${t}`);
        assert.deepEqual(arena.v[i], vJs[i], `v, variable ${i}, step ${t}`);
        for (let k = 0; k < n; k++) if (next[k] !== params[i][k]) changed++;
        params[i] = next;
        paramsJs[i] = out;
      });
    }
    assert.ok(changed > 1000, "the updates changed the parameters");
  });

test("AdamArena refuses arrays of the wrong size", () => {
  const arena = AdamArena.create([4]);
  const c = adamCoefficients({
    lr: 1,
    b1: 0.9,
    b2: 0.9,
    eps: 1e-8,
    c1: 0.1,
    c2: 0.1,
    wd: 0,
    decoupled: true,
    scale: 1,
  });
  assert.throws(() => arena.update(0, new Float32Array(5), new Float32Array(5), c), /variable 0 has 4 values/);
});
