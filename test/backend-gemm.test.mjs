// embedlab's register-blocked SIMD GEMM behind BatchMatMul on wasm (gemm.ts, gemm-module.ts): values and
// gradients against the tfjs cpu backend for shapes it is routed to — transposes, batch dims and
// broadcasting, rows not a multiple of the 5-row tile, columns not a multiple of the 8-wide panel, and
// reductions longer than one 256-step block — and the tensor count.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { randArray, relErr } from "./numeric-helpers.mjs";

const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
const { gemmWins } = require("@embedlab/lib/dist/backend/wasm-kernels/batch-mat-mul.js");
delete process.env.EMBEDLAB_BACKEND;
delete process.env.EMBEDLAB_WASM_GEMM;

// Both backends accumulate in float32 (reductions up to 600 long here): 1e-5 of the largest magnitude.
const TOL = 1e-5;
const size = (shape) => shape.reduce((p, q) => p * q, 1);

before(async () => {
  const info = await lib.backend.initBackend({ prefer: "wasm" });
  assert.equal(info.name, "wasm");
});

// [aShape, bShape, transposeA, transposeB]
const CASES = [
  [[71, 300], [300, 37], false, false], // 71 = 14 tiles of 5 + 1; 37 = 4 panels + 5 (padded C); 2 blocks
  [[64, 600], [600, 48], false, false], // 3 reduction blocks, 12 tiles + 4 rows, whole panels
  [[65, 300], [300, 32], false, false], // whole tiles and panels
  [[300, 72], [300, 40], true, false],
  [[73, 300], [40, 300], false, true],
  [[300, 74], [40, 300], true, true],
  [[3, 66, 300], [3, 300, 24], false, false],
  [[3, 300, 66], [3, 24, 300], true, true],
  [[1, 66, 300], [3, 300, 24], false, false], // broadcast A
  [[3, 66, 300], [300, 24], false, false], // broadcast B (2-D)
  [[2, 2, 67, 257], [2, 2, 257, 35], false, false], // rank 4, k = 257: a 1-step last block
  [[260, 600], [260, 40], true, false], // m > 512 with transposeA: a transposed copy first (SIMD transpose)
  [[2, 257, 601], [2, 257, 24], true, false], // the same, batched, sizes not multiples of 4 (JS transpose)
];

test("GEMM shapes in these cases are the ones routed to it", () => {
  for (const [aShape, bShape, ta, tb] of CASES) {
    const m = aShape.at(ta ? -1 : -2),
      k = aShape.at(ta ? -2 : -1),
      n = bShape.at(tb ? -2 : -1);
    assert.ok(gemmWins({ m, n, k, transposeA: ta, transposeB: tb }), `${aShape} ${bShape} is not routed`);
  }
  assert.equal(gemmWins({ m: 32, n: 128, k: 128, transposeA: false, transposeB: false }), false);
});

for (const [aShape, bShape, ta, tb] of CASES) {
  test(`matMul ${aShape} · ${bShape} (tA ${ta}, tB ${tb}) wasm GEMM = cpu, values and gradients`, async () => {
    const a = randArray(size(aShape) + 7, size(aShape)),
      b = randArray(size(bShape) + 11, size(bShape));
    const sameBatch = aShape.slice(0, -2).join() === bShape.slice(0, -2).join();
    const r = await (async () => {
      const out = {};
      for (const name of ["wasm", "cpu"]) {
        await tf.setBackend(name);
        out[name] = tf.tidy(() => {
          const at = tf.tensor(a, aShape),
            bt = tf.tensor(b, bShape);
          const y = tf.matMul(at, bt, ta, tb).dataSync().slice();
          // tfjs's BatchMatMul gradient does not reduce broadcast batch dims: same-batch cases only
          const g = sameBatch
            ? tf
                .grads((x, w) => tf.sum(tf.square(tf.matMul(x, w, ta, tb))))([at, bt])
                .map((t) => t.dataSync().slice())
            : [];
          return { y, g };
        });
      }
      return out;
    })();
    assert.ok(relErr(r.wasm.y, r.cpu.y) <= TOL, `values: ${relErr(r.wasm.y, r.cpu.y)}`);
    r.wasm.g.forEach((g, i) => assert.ok(relErr(g, r.cpu.g[i]) <= TOL, `gradient ${i}: ${relErr(g, r.cpu.g[i])}`));
  });
}

test("GEMM path leaves no tensors or heap temporaries behind", async () => {
  await tf.setBackend("wasm");
  const a = tf.tensor(randArray(1, 70 * 300), [70, 300]),
    b = tf.tensor(randArray(2, 300 * 37), [300, 37]);
  const ids = () => tf.backend().numDataIds();
  const aT = tf.transpose(a);
  tf.matMul(aT, b, true, false).dispose();
  const before = { tensors: tf.memory().numTensors, ids: ids() };
  for (let i = 0; i < 5; i++) tf.matMul(a, b, false, false).dispose();
  for (let i = 0; i < 5; i++) tf.matMul(aT, b, true, false).dispose();
  assert.equal(tf.memory().numTensors, before.tensors);
  assert.equal(ids(), before.ids, "heap temporaries (packed panels, padded C) were not freed");
  for (const t of [a, b, aT]) t.dispose();
});
