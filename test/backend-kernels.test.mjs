// Gradients of embedlab's extra wasm kernels vs the tfjs cpu backend (and a float64 reference
// for dilated conv2d, whose gradient tfjs's cpu backend does not implement).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
delete process.env.EMBEDLAB_BACKEND;

// Worst-case error relative to the largest reference magnitude. Both backends accumulate in
// float32; on these small cases the differences are ~1e-7, so 1e-5 is a real bound.
const TOL = 1e-5;
function relErr(a, b) {
  let num = 0,
    den = 0;
  assert.equal(a.length, b.length, "length mismatch");
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  assert.ok(den > 0, "reference is all zeros: the case checks nothing");
  return num / den;
}

function randArray(rng, n) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.next() * 2 - 1;
  return a;
}
function mulberry(seed) {
  let s = seed >>> 0;
  return {
    next() {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Runs `fn(...tensors)` on backend `name`, returns gradients wrt every input as plain arrays. */
async function gradsOn(name, fn, arrays) {
  await tf.setBackend(name);
  return tf.tidy(() => {
    const xs = arrays.map(([vals, shape]) => tf.tensor(vals, shape));
    const gs = tf.grads(fn)(xs);
    return gs.map((g) => g.dataSync().slice());
  });
}

async function compare(label, fn, arrays) {
  const w = await gradsOn("wasm", fn, arrays);
  const c = await gradsOn("cpu", fn, arrays);
  for (let i = 0; i < w.length; i++) {
    const e = relErr(w[i], c[i]);
    assert.ok(e <= TOL, `${label}: gradient ${i} relative error ${e.toExponential(2)} > ${TOL}`);
  }
}

before(async () => {
  const info = await lib.backend.initBackend({ prefer: "wasm" });
  assert.equal(info.name, "wasm");
});

const convCases = [
  { n: 2, h: 7, w: 7, cin: 3, cout: 4, k: 3, s: 1, pad: "same" },
  { n: 2, h: 8, w: 8, cin: 3, cout: 5, k: 3, s: 2, pad: "same" },
  { n: 3, h: 9, w: 9, cin: 2, cout: 3, k: 3, s: 2, pad: "valid" },
  { n: 2, h: 6, w: 5, cin: 4, cout: 2, k: 2, s: 1, pad: "valid" },
  { n: 2, h: 9, w: 9, cin: 2, cout: 3, k: 5, s: 2, pad: "same" },
  { n: 1, h: 4, w: 4, cin: 1, cout: 1, k: 1, s: 1, pad: "valid" },
  // more input channels; stride 2 / "valid" cases take the chunked colsᵀ·dy matMul path
  { n: 2, h: 6, w: 6, cin: 10, cout: 3, k: 3, s: 1, pad: "same" },
  { n: 2, h: 7, w: 6, cin: 12, cout: 4, k: 3, s: 2, pad: "valid" },
  // stride-1 "same" filter gradients take the shifted-planes path: wider and even filters
  // (asymmetric padding), rectangular images, and more positions than one 4096-row chunk
  { n: 2, h: 9, w: 7, cin: 3, cout: 2, k: 5, s: 1, pad: "same" },
  { n: 2, h: 6, w: 7, cin: 2, cout: 3, k: 4, s: 1, pad: "same" },
  { n: 3, h: 40, w: 36, cin: 2, cout: 3, k: 3, s: 1, pad: "same" },
  // outC a multiple of 8: embedlab's 5×8 GEMM on the shifted planes (inC 3, 5, 2: one partial or whole
  // row tile per tap)
  { n: 2, h: 7, w: 6, cin: 3, cout: 8, k: 3, s: 1, pad: "same" },
  { n: 3, h: 20, w: 20, cin: 5, cout: 16, k: 3, s: 1, pad: "same" },
  { n: 2, h: 5, w: 6, cin: 2, cout: 8, k: 4, s: 1, pad: "same" },
  // more than 320 filter rows, outC not a multiple of 8: wasm's matMul on the shifted planes
  { n: 2, h: 5, w: 5, cin: 40, cout: 6, k: 3, s: 1, pad: "same" },
  // the same GEMM with whole and partial row tiles (inC 12, 13, 40), an even filter, and 6·21·21
  // padded positions (two 2048-position chunks of 256-position blocks)
  { n: 2, h: 5, w: 5, cin: 40, cout: 8, k: 3, s: 1, pad: "same" },
  { n: 2, h: 9, w: 7, cin: 13, cout: 16, k: 3, s: 1, pad: "same" },
  { n: 2, h: 6, w: 7, cin: 12, cout: 8, k: 4, s: 1, pad: "same" },
  { n: 6, h: 20, w: 20, cin: 12, cout: 8, k: 3, s: 1, pad: "same" },
  // inC % 8 == 0: the input gradient on the same GEMM per tap (3×3, 4×4 and 5×5 filters; 3·21·21
  // padded positions: three 500-position blocks, the last with a partial row tile)
  { n: 2, h: 9, w: 7, cin: 8, cout: 5, k: 3, s: 1, pad: "same" },
  { n: 2, h: 6, w: 7, cin: 16, cout: 3, k: 4, s: 1, pad: "same" },
  { n: 2, h: 9, w: 7, cin: 8, cout: 2, k: 5, s: 1, pad: "same" },
  { n: 3, h: 20, w: 20, cin: 8, cout: 4, k: 3, s: 1, pad: "same" },
];

for (const c of convCases) {
  test(`conv2d grads wasm = cpu: ${JSON.stringify(c)}`, async () => {
    const rng = mulberry(1 + c.n * 100 + c.k * 10 + c.s);
    const x = randArray(rng, c.n * c.h * c.w * c.cin);
    const f = randArray(rng, c.k * c.k * c.cin * c.cout);
    const outH = c.pad === "same" ? Math.ceil(c.h / c.s) : Math.ceil((c.h - c.k + 1) / c.s);
    const outW = c.pad === "same" ? Math.ceil(c.w / c.s) : Math.ceil((c.w - c.k + 1) / c.s);
    const r = randArray(rng, c.n * outH * outW * c.cout);
    await compare(
      `conv ${JSON.stringify(c)}`,
      (xt, ft) => tf.sum(tf.mul(tf.conv2d(xt, ft, c.s, c.pad), tf.tensor(r, [c.n, outH, outW, c.cout]))),
      [
        [x, [c.n, c.h, c.w, c.cin]],
        [f, [c.k, c.k, c.cin, c.cout]],
      ],
    );
  });
}

// Naive float64 conv2d backprop with dilation, the reference for the dilated case.
function refConvGrads(x, xs, f, fs, dy, ys, s, d, padTop, padLeft) {
  const [n, H, W, C] = xs,
    [kh, kw, , O] = fs,
    [, oh, ow] = ys;
  const dx = new Float64Array(x.length),
    df = new Float64Array(f.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let z = 0; z < ow; z++)
        for (let o = 0; o < O; o++) {
          const g = dy[((b * oh + y) * ow + z) * O + o];
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const ih = y * s + i * d - padTop,
                iw = z * s + j * d - padLeft;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              for (let c = 0; c < C; c++) {
                const xi = ((b * H + ih) * W + iw) * C + c,
                  fi = ((i * kw + j) * C + c) * O + o;
                df[fi] += x[xi] * g;
                dx[xi] += f[fi] * g;
              }
            }
        }
  return { dx, df };
}

for (const [pad, cin] of [
  ["same", 3],
  ["valid", 3],
  ["same", 10],
]) {
  test(`conv2d backprop kernels with dilation 2 (${pad}, ${cin} channels) = float64 reference`, async () => {
    await tf.setBackend("wasm");
    const rng = mulberry(pad === "same" ? 7 + cin : 8);
    const xs = [2, 9, 8, cin],
      fs = [3, 3, cin, 4];
    const eff = 5; // (3-1)*2+1
    const oh = pad === "same" ? 9 : 9 - eff + 1,
      ow = pad === "same" ? 8 : 8 - eff + 1;
    const padTop = pad === "same" ? Math.floor((eff - 1) / 2) : 0; // total pad = eff-1 for stride 1
    const x = randArray(rng, 2 * 9 * 8 * cin),
      f = randArray(rng, 3 * 3 * cin * 4),
      dy = randArray(rng, 2 * oh * ow * 4);
    const attrs = { strides: [1, 1], pad, dataFormat: "NHWC", dilations: [2, 2] };
    const [dfW, dxW] = tf.tidy(() => {
      const xt = tf.tensor(x, xs),
        ft = tf.tensor(f, fs),
        dyt = tf.tensor(dy, [2, oh, ow, 4]);
      const df = tf.engine().runKernel("Conv2DBackpropFilter", { x: xt, dy: dyt }, { ...attrs, filterShape: fs });
      const dx = tf.engine().runKernel("Conv2DBackpropInput", { dy: dyt, filter: ft }, { ...attrs, inputShape: xs });
      return [df.dataSync().slice(), dx.dataSync().slice()];
    });
    const ref = refConvGrads(x, xs, f, fs, dy, [2, oh, ow], 1, 2, padTop, padTop);
    assert.ok(relErr(dfW, ref.df) <= TOL, `dFilter rel err ${relErr(dfW, ref.df)}`);
    assert.ok(relErr(dxW, ref.dx) <= TOL, `dInput rel err ${relErr(dxW, ref.dx)}`);
  });
}

const dwCases = [
  { n: 2, h: 7, w: 7, cin: 3, mult: 1, k: 3, s: 1, pad: "same" },
  { n: 2, h: 8, w: 8, cin: 2, mult: 2, k: 3, s: 2, pad: "same" },
  { n: 3, h: 9, w: 7, cin: 3, mult: 3, k: 3, s: 2, pad: "valid" },
];
for (const c of dwCases) {
  test(`depthwise grads wasm = cpu: ${JSON.stringify(c)}`, async () => {
    const rng = mulberry(11 + c.mult * 13 + c.s);
    const x = randArray(rng, c.n * c.h * c.w * c.cin);
    const f = randArray(rng, c.k * c.k * c.cin * c.mult);
    const outH = c.pad === "same" ? Math.ceil(c.h / c.s) : Math.ceil((c.h - c.k + 1) / c.s);
    const outW = c.pad === "same" ? Math.ceil(c.w / c.s) : Math.ceil((c.w - c.k + 1) / c.s);
    const r = randArray(rng, c.n * outH * outW * c.cin * c.mult);
    await compare(
      `depthwise ${JSON.stringify(c)}`,
      (xt, ft) =>
        tf.sum(tf.mul(tf.depthwiseConv2d(xt, ft, c.s, c.pad), tf.tensor(r, [c.n, outH, outW, c.cin * c.mult]))),
      [
        [x, [c.n, c.h, c.w, c.cin]],
        [f, [c.k, c.k, c.cin, c.mult]],
      ],
    );
  });
}

// tfjs's cpu DepthwiseConv2dNativeBackpropFilter ignores dilations (its loop uses wR + yR·stride),
// so the dilated depthwise case is checked against a float64 reference instead.
function refDepthwiseGrads(x, xs, f, fs, dy, ys, d, padTop, padLeft) {
  const [n, H, W, C] = xs,
    [kh, kw, , M] = fs,
    [, oh, ow] = ys;
  const dx = new Float64Array(x.length),
    df = new Float64Array(f.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let z = 0; z < ow; z++)
        for (let c = 0; c < C; c++)
          for (let q = 0; q < M; q++) {
            const g = dy[((b * oh + y) * ow + z) * C * M + c * M + q];
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const ih = y + i * d - padTop,
                  iw = z + j * d - padLeft;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                const xi = ((b * H + ih) * W + iw) * C + c,
                  fi = ((i * kw + j) * C + c) * M + q;
                df[fi] += x[xi] * g;
                dx[xi] += f[fi] * g;
              }
          }
  return { dx, df };
}

test("depthwise backprop kernels with dilation 2 = float64 reference", async () => {
  await tf.setBackend("wasm");
  const rng = mulberry(99);
  const xs = [2, 9, 9, 2],
    fs = [3, 3, 2, 2],
    ys = [2, 9, 9, 4];
  const x = randArray(rng, 2 * 9 * 9 * 2),
    f = randArray(rng, 3 * 3 * 2 * 2),
    dy = randArray(rng, 2 * 9 * 9 * 4);
  const attrs = { strides: [1, 1], pad: "same", dilations: [2, 2] };
  const [dfW, dxW] = tf.tidy(() => {
    const xt = tf.tensor(x, xs),
      ft = tf.tensor(f, fs),
      dyt = tf.tensor(dy, ys);
    const df = tf
      .engine()
      .runKernel("DepthwiseConv2dNativeBackpropFilter", { x: xt, dy: dyt }, { ...attrs, filterShape: fs });
    const dx = tf
      .engine()
      .runKernel("DepthwiseConv2dNativeBackpropInput", { dy: dyt, filter: ft }, { ...attrs, inputShape: xs });
    return [df.dataSync().slice(), dx.dataSync().slice()];
  });
  const ref = refDepthwiseGrads(x, xs, f, fs, dy, ys, 2, 2, 2);
  assert.ok(relErr(dfW, ref.df) <= TOL, `dFilter rel err ${relErr(dfW, ref.df)}`);
  assert.ok(relErr(dxW, ref.dx) <= TOL, `dInput rel err ${relErr(dxW, ref.dx)}`);
});

test("embedding (gather) gradient wasm = cpu, repeated indices", async () => {
  const rng = mulberry(5);
  const table = randArray(rng, 10 * 6);
  const idx = new Int32Array([3, 1, 3, 0, 9, 3, 1, 7]);
  const r = randArray(rng, 2 * 4 * 6);
  const fn = (t) => tf.sum(tf.mul(tf.gather(t, tf.tensor(idx, [2, 4], "int32")), tf.tensor(r, [2, 4, 6])));
  await compare("gather", fn, [[table, [10, 6]]]);
  const [g] = await gradsOn("wasm", fn, [[table, [10, 6]]]);
  // rows never gathered get exactly zero gradient
  for (const row of [2, 4, 5, 6, 8]) for (let k = 0; k < 6; k++) assert.equal(g[row * 6 + k], 0);
});

test("gather on wasm (row copies along axis 0; other cases delegated) = cpu, and a bad index is still an error", async () => {
  const rng = mulberry(11);
  const x3 = randArray(rng, 5 * 3 * 4);
  const cases = [
    // [x values, x shape, dtype, indices, indices shape, axis, batchDims]
    [x3, [5, 3, 4], "float32", [4, 0, 4, 2], [4], 0, 0],
    [x3, [5, 3, 4], "float32", [1, 3, 0, 2, 2, 4], [2, 3], 0, 0],
    [x3, [5, 3, 4], "float32", [3], [], 0, 0],
    [x3, [5, 3, 4], "float32", [], [0], 0, 0],
    [x3, [5, 3, 4], "float32", [2, 0], [2], -3, 0],
    [x3, [5, 3, 4], "float32", [2, 0, 1], [3], 1, 0],
    [x3, [5, 3, 4], "float32", [3, 0], [2], 2, 0],
    [Array.from({ length: 12 }, (_, i) => i * 7 - 20), [6, 2], "int32", [5, 1, 1], [3], 0, 0],
  ];
  for (const [xv, xs, dt, iv, is, axis, batchDims] of cases) {
    const run = async (b) => {
      await tf.setBackend(b);
      return tf.tidy(() => {
        const out = tf.gather(tf.tensor(xv, xs, dt), tf.tensor(iv, is, "int32"), axis, batchDims);
        return { shape: out.shape, dtype: out.dtype, values: Array.from(out.dataSync()) };
      });
    };
    const cpu = await run("cpu");
    const before = tf.memory().numTensors;
    const wasm = await run("wasm");
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(wasm, cpu, `gather ${JSON.stringify([xs, dt, is, axis, batchDims])}`);
  }
  await tf.setBackend("wasm");
  assert.throws(
    () => tf.tidy(() => tf.gather(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor1d([0, 2], "int32")).dataSync()),
    /index|range/i,
  );
});

test("unsortedSegmentSum drops out-of-range ids and keeps int32", async () => {
  await tf.setBackend("wasm");
  const out = tf.tidy(() =>
    tf.unsortedSegmentSum(
      tf.tensor2d(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        [3, 2],
        "int32",
      ),
      tf.tensor1d([2, 0, 2], "int32"),
      3,
    ),
  );
  assert.equal(out.dtype, "int32");
  assert.deepEqual(Array.from(out.dataSync()), [3, 4, 0, 0, 6, 8]);
  out.dispose();
});

// Kernels embedlab replaces for speed must still match the cpu backend.
const poolCases = [
  { shape: [2, 8, 8, 3], size: 2, s: 2, pad: "valid" },
  { shape: [2, 7, 5, 2], size: 2, s: 2, pad: "valid" }, // odd sides: last row/column gets no gradient
  { shape: [2, 7, 7, 2], size: 3, s: 2, pad: "same" },
  { shape: [1, 6, 5, 4], size: 3, s: 1, pad: "valid" },
  // channels a multiple of 4 and windows tiling the input: the wasm SIMD path
  { shape: [2, 8, 6, 4], size: 2, s: 2, pad: "valid" },
  { shape: [3, 4, 10, 12], size: 2, s: 2, pad: "valid" },
];
for (const c of poolCases) {
  test(`maxPool gradient wasm = cpu (ties from relu zeros included): ${JSON.stringify(c)}`, async () => {
    const rng = mulberry(31 + c.size * 3 + c.s);
    const n = c.shape.reduce((a, b) => a * b, 1);
    const x = randArray(rng, n).map((v) => (v < 0 ? 0 : v)); // many exact ties at 0
    await compare(
      `maxPool ${JSON.stringify(c)}`,
      (xt) => {
        const y = tf.maxPool(xt, c.size, c.s, c.pad);
        return tf.sum(
          tf.mul(
            y,
            tf
              .range(1, y.size + 1)
              .reshape(y.shape)
              .div(y.size),
          ),
        );
      },
      [[x, c.shape]],
    );
  });
}

test("sum over leading axes (bias gradient) and other axes wasm = cpu", async () => {
  const rng = mulberry(41);
  const x = randArray(rng, 3 * 4 * 5 * 6);
  for (const [axis, keepDims] of [
    [[0, 1, 2], false],
    [[0], true],
    [[1, 0], false],
    [[2], false],
    [[0, 2], false],
    [null, false],
  ]) {
    const run = async (name) => {
      await tf.setBackend(name);
      return tf.tidy(() => {
        const r = tf.sum(tf.tensor(x, [3, 4, 5, 6]), axis, keepDims);
        return [r.shape, r.dataSync().slice()];
      });
    };
    const [ws, w] = await run("wasm"),
      [cs, c] = await run("cpu");
    assert.deepEqual(ws, cs, `shape for axis ${axis}`);
    assert.ok(relErr(w, c) <= TOL, `sum axis ${axis}: ${relErr(w, c)}`);
  }
});

test("sum over leading axes on the SIMD path (columns a multiple of 4, 32-row blocks plus a tail) wasm = cpu", async () => {
  const rng = mulberry(43);
  for (const shape of [
    [5, 7, 3, 8],
    [2, 32, 12],
    [70, 4],
  ]) {
    const x = randArray(
      rng,
      shape.reduce((p, q) => p * q, 1),
    );
    const axis = shape.slice(0, -1).map((_, i) => i);
    const run = async (name) => {
      await tf.setBackend(name);
      return tf.tidy(() => tf.sum(tf.tensor(x, shape), axis).dataSync().slice());
    };
    const w = await run("wasm"),
      c = await run("cpu");
    assert.equal(w.length, shape[shape.length - 1]);
    assert.ok(relErr(w, c) <= TOL, `sum ${shape}: ${relErr(w, c)}`);
  }
});

test("matMul with transpose flags (2-D and batched) wasm = cpu, values and gradients", async () => {
  const rng = mulberry(51);
  for (const [aShape, bShape, ta, tb] of [
    [[5, 7], [5, 4], true, false],
    [[5, 7], [4, 7], false, true],
    [[7, 5], [4, 7], true, true],
    [[3, 5, 7], [3, 4, 7], false, true],
    [[3, 7, 5], [3, 7, 4], true, false],
    // batched without flags (per-entry 2-D products), broadcast batch, rank 4
    [[3, 5, 7], [3, 7, 4], false, false],
    [[1, 5, 7], [3, 7, 4], false, false],
    [[3, 5, 7], [7, 4], false, false],
    [[2, 3, 5, 7], [2, 3, 7, 4], false, false],
    // transposes with both sides a multiple of 4 (SIMD 4×4 blocks) on wasm's own product (n < 16):
    // the CNN's dense-layer gradient shape, and a batched one
    [[64, 128], [64, 12], true, false],
    [[2, 8, 12], [2, 4, 12], false, true],
  ]) {
    const a = randArray(
        rng,
        aShape.reduce((p, q) => p * q, 1),
      ),
      b = randArray(
        rng,
        bShape.reduce((p, q) => p * q, 1),
      );
    const run = async (name) => {
      await tf.setBackend(name);
      return tf.tidy(() => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb).dataSync().slice());
    };
    const w = await run("wasm"),
      c = await run("cpu");
    assert.ok(relErr(w, c) <= TOL, `matMul ${aShape} ${bShape} ${ta} ${tb}: ${relErr(w, c)}`);
    // tfjs's own BatchMatMul gradient does not reduce broadcast batch dims, so only same-batch cases
    if (aShape.slice(0, -2).join() === bShape.slice(0, -2).join()) {
      await compare(`matMul grads ${aShape} ${bShape}`, (at, bt) => tf.sum(tf.square(tf.matMul(at, bt, ta, tb))), [
        [a, aShape],
        [b, bShape],
      ]);
    }
  }
});

test("identity and same-dtype cast share data safely; other casts still convert", async () => {
  await tf.setBackend("wasm");
  const before = tf.memory().numBytes;
  const a = tf.tensor1d([1.5, -2, 3.25]);
  const b = tf.clone(a); // Identity
  const c = tf.cast(a, "float32"); // same-dtype Cast
  a.dispose();
  assert.deepEqual(Array.from(b.dataSync()), [1.5, -2, 3.25]);
  b.dispose();
  assert.deepEqual(Array.from(c.dataSync()), [1.5, -2, 3.25]);
  const bools = tf.tensor1d([1, 0, 1], "bool");
  const i = tf.cast(c, "int32"),
    f = tf.cast(bools, "float32");
  assert.equal(i.dtype, "int32");
  assert.deepEqual(Array.from(i.dataSync()), [1, -2, 3]);
  assert.deepEqual(Array.from(f.dataSync()), [1, 0, 1]);
  c.dispose();
  i.dispose();
  f.dispose();
  bools.dispose();
  assert.equal(tf.memory().numBytes, before, "shared data must be freed once the last tensor goes");
});
