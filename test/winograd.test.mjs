// Winograd F(2×2, 3×3) convolutions on wasm (lib/src/backend/wasm-kernels/winograd.ts): which
// convolutions take it, and its forward, input-gradient and filter-gradient values against the tfjs
// cpu backend (direct summation) and against embedlab's other wasm paths (EMBEDLAB_WASM_WINOGRAD=0).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { randArray as rand, relErr } from "./numeric-helpers.mjs";

const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
const { winogradApplies } = require("@embedlab/lib/dist/backend/wasm-kernels/winograd.js");
const { convGeometry } = require("@embedlab/lib/dist/backend/wasm-kernels/conv-geometry.js");
delete process.env.EMBEDLAB_BACKEND;
const savedFlag = process.env.EMBEDLAB_WASM_WINOGRAD;

before(async () => {
  const info = await lib.backend.initBackend({ prefer: "wasm" });
  assert.equal(info.name, "wasm");
});
after(() => {
  if (savedFlag === undefined) delete process.env.EMBEDLAB_WASM_WINOGRAD;
  else process.env.EMBEDLAB_WASM_WINOGRAD = savedFlag;
});

const geometry = (x, f, attrs) =>
  convGeometry(x, f, { strides: [1, 1], pad: "same", dilations: [1, 1], ...attrs }, false);

test("winogradApplies: 3×3 stride-1 same convolutions with even sizes and channels (in % 4, out % 8) only", () => {
  const yes = (x, f, attrs) => winogradApplies(geometry(x, f, attrs), f[2], f[3]);
  assert.equal(yes([2, 16, 16, 32], [3, 3, 32, 64]), true);
  assert.equal(yes([2, 6, 10, 4], [3, 3, 4, 8]), true);
  assert.equal(yes([2, 15, 16, 32], [3, 3, 32, 64]), false, "odd height");
  assert.equal(yes([2, 16, 16, 3], [3, 3, 3, 32]), false, "3 input channels");
  assert.equal(yes([2, 16, 16, 32], [3, 3, 32, 12]), false, "12 output channels");
  assert.equal(yes([2, 16, 16, 32], [5, 5, 32, 64]), false, "5×5");
  assert.equal(yes([2, 16, 16, 32], [3, 3, 32, 64], { strides: [2, 2] }), false, "stride 2");
  assert.equal(yes([2, 16, 16, 32], [3, 3, 32, 64], { pad: "valid" }), false, "valid");
  assert.equal(yes([2, 16, 16, 32], [3, 3, 32, 64], { dilations: [2, 2] }), false, "dilated");
  process.env.EMBEDLAB_WASM_WINOGRAD = "0";
  try {
    assert.equal(yes([2, 16, 16, 32], [3, 3, 32, 64]), false, "switched off");
  } finally {
    delete process.env.EMBEDLAB_WASM_WINOGRAD;
  }
});

/** The three conv kernels' outputs for x [n, h, w, c], filter [3, 3, c, o], dy [n, h, w, o] on the current backend. */
function convKernels(x, f, dy) {
  const attrs = { strides: [1, 1], pad: "same", dataFormat: "NHWC", dilations: [1, 1] };
  return tf.tidy(() => [
    tf.conv2d(x, f, 1, "same").dataSync(),
    tf
      .engine()
      .runKernel("Conv2DBackpropInput", { dy, filter: f }, { ...attrs, inputShape: x.shape })
      .dataSync(),
    tf
      .engine()
      .runKernel("Conv2DBackpropFilter", { x, dy }, { ...attrs, filterShape: f.shape })
      .dataSync(),
  ]);
}

// one block of tiles; several blocks with runs crossing tile rows (7 tiles a row); more tiles than one
// float32 partial sum of the filter gradient (512); the CNN's conv2 shape; more inputs than outputs
const cases = [
  [3, 10, 6, 8, 16],
  [6, 12, 14, 16, 8],
  [10, 16, 14, 4, 8],
  [8, 16, 16, 32, 64],
  [2, 8, 8, 64, 32],
];
for (const [n, h, w, c, o] of cases) {
  test(`Winograd conv2d, input and filter gradients = cpu and = the other wasm paths: ${[n, h, w, c, o]}`, async () => {
    const arrays = [rand(n * 7 + h, n * h * w * c), rand(c * 13 + o, 9 * c * o), rand(o * 31 + w, n * h * w * o)];
    const run = async (backend) => {
      await tf.setBackend(backend);
      const [x, f, dy] = [
        tf.tensor(arrays[0], [n, h, w, c]),
        tf.tensor(arrays[1], [3, 3, c, o]),
        tf.tensor(arrays[2], [n, h, w, o]),
      ];
      const before = tf.memory().numTensors;
      const dataIds = tf.engine().backend.numDataIds();
      const out = convKernels(x, f, dy);
      assert.equal(tf.memory().numTensors, before, "tensors leaked");
      assert.equal(tf.engine().backend.numDataIds(), dataIds, "heap buffers leaked");
      tf.dispose([x, f, dy]);
      return out;
    };
    const wino = await run("wasm");
    process.env.EMBEDLAB_WASM_WINOGRAD = "0";
    let other;
    try {
      other = await run("wasm");
    } finally {
      delete process.env.EMBEDLAB_WASM_WINOGRAD;
    }
    const cpu = await run("cpu");
    await tf.setBackend("wasm");
    ["forward", "input gradient", "filter gradient"].forEach((what, i) => {
      const e = relErr(wino[i], cpu[i]);
      assert.ok(e < 1e-5, `${what}: relative error vs cpu ${e.toExponential(2)}`);
      assert.ok(relErr(wino[i], other[i]) < 1e-5, `${what}: differs from the other wasm path`);
    });
    // it did take another path: the sums are grouped differently
    assert.ok(
      wino.some((v, i) => v.some((a, j) => a !== other[i][j])),
      "identical to the non-Winograd results: the Winograd path did not run",
    );
  });
}
