// Small-channel stride-1 convolutions (an image net's first layer) on the GEMM through patch rows
// (lib/src/backend/wasm-kernels/conv2d-patch-rows.ts): which convolutions take it, and its forward and
// filter-gradient values against the tfjs cpu backend (direct summation).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { randArray as rand, relErr } from "./numeric-helpers.mjs";

const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
const { patchRowsApply } = require("@embedlab/lib/dist/backend/wasm-kernels/conv2d-patch-rows.js");
const { convGeometry } = require("@embedlab/lib/dist/backend/wasm-kernels/conv-geometry.js");
delete process.env.EMBEDLAB_BACKEND;

before(async () => {
  const info = await lib.backend.initBackend({ prefer: "wasm" });
  assert.equal(info.name, "wasm");
});

test("patchRowsApply: stride-1 size-preserving convolutions with fh·fw·inC ≤ 64, outC % 8 == 0, width ≥ 16", () => {
  const applies = (x, f, attrs = {}) =>
    patchRowsApply(convGeometry(x, f, { strides: [1, 1], pad: "same", dilations: [1, 1], ...attrs }, false));
  assert.equal(applies([2, 32, 32, 3], [3, 3, 3, 32]), true);
  assert.equal(applies([2, 16, 16, 4], [4, 4, 4, 8]), true, "K = 64, even filter");
  assert.equal(applies([2, 32, 32, 8], [3, 3, 8, 32]), false, "K = 72");
  assert.equal(applies([2, 32, 32, 3], [3, 3, 3, 12]), false, "12 outputs");
  assert.equal(applies([2, 32, 8, 3], [3, 3, 3, 32]), false, "8 wide");
  assert.equal(applies([2, 32, 32, 3], [3, 3, 3, 32], { strides: [2, 2] }), false, "stride 2");
  assert.equal(applies([2, 32, 32, 3], [3, 3, 3, 32], { pad: "valid" }), false, "valid");
  assert.equal(applies([2, 32, 32, 3], [3, 3, 3, 32], { dilations: [2, 2] }), false, "dilated");
});

// the CNN's first layer (3 channels); odd sizes and more outputs; an even filter (asymmetric padding); K = 63
const cases = [
  [2, 32, 32, 3, 32, 3],
  [3, 17, 20, 3, 16, 3],
  [2, 16, 18, 4, 8, 4],
  [1, 20, 16, 7, 16, 3],
];
for (const [n, h, w, c, o, k] of cases) {
  test(`patch-row conv2d and filter gradient = cpu: ${[n, h, w, c, o, k]}`, async () => {
    const xs = [n, h, w, c],
      fs = [k, k, c, o];
    const arrays = [rand(n + h * 3, n * h * w * c), rand(c * 5 + o, k * k * c * o), rand(o + w * 7, n * h * w * o)];
    const run = async (backend) => {
      await tf.setBackend(backend);
      const [x, f, dy] = [tf.tensor(arrays[0], xs), tf.tensor(arrays[1], fs), tf.tensor(arrays[2], [n, h, w, o])];
      const dataIds = tf.engine().backend.numDataIds();
      const out = tf.tidy(() => [
        tf.conv2d(x, f, 1, "same").dataSync(),
        tf
          .engine()
          .runKernel(
            "Conv2DBackpropFilter",
            { x, dy },
            { strides: [1, 1], pad: "same", dataFormat: "NHWC", dilations: [1, 1], filterShape: fs },
          )
          .dataSync(),
      ]);
      assert.equal(tf.engine().backend.numDataIds(), dataIds, "heap buffers leaked");
      tf.dispose([x, f, dy]);
      return out;
    };
    const wasm = await run("wasm");
    const cpu = await run("cpu");
    await tf.setBackend("wasm");
    ["forward", "filter gradient"].forEach((what, i) => {
      const e = relErr(wasm[i], cpu[i]);
      assert.ok(e < 1e-5, `${what}: relative error vs cpu ${e.toExponential(2)}`);
    });
  });
}
