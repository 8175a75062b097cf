// The GPT's fused training ops on wasm (heap-matmul attention, …) against the same ops on the cpu
// backend (the plain-JS / tf-ops reference): values and gradients.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
require("@tensorflow/tfjs-backend-wasm");
const lib = require("@embedlab/lib");
const gpt = lib.models.gpt;
import { TINY } from "./gpt-tiny.mjs";

await lib.backend.initBackend({ prefer: "wasm" });
assert.equal(tf.getBackend(), "wasm");

const maxAbsDiff = (a, b) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
const maxAbs = (a) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** f's value and its gradient for each input, on backend `be` (inputs rebuilt there from plain arrays). */
async function valueAndGrads(be, f, inputs) {
  await tf.setBackend(be);
  const out = tf.tidy(() => {
    const xs = inputs.map(([v, s]) => tf.tensor(v, s));
    const { value, grads } = tf.valueAndGrads(f)(xs);
    return { value: value.dataSync().slice(), grads: grads.map((g) => g.dataSync().slice()) };
  });
  await tf.setBackend("wasm");
  return out;
}

function randn(n, seed, s = 1) {
  const rng = new lib.Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal() * s);
}

// [2, 24, 3, 8] and [1, 96, 2, 16]: the GEMM path (one and three causal row groups); [2, 20, 3, 6]: T and hd not
// multiples of 8, so the per-head XNNPACK products
for (const [B, T, H, hd] of [
  [2, 24, 3, 8],
  [1, 96, 2, 16],
  [2, 20, 3, 6],
])
  test(`causal attention on wasm matches the JS attention on cpu, forward and gradient (B ${B}, T ${T}, H ${H}, hd ${hd})`, async () => {
    const C = H * hd;
    const qkv = [randn(B * T * 3 * C, 1), [B * T, 3 * C]];
    const dy = tf.tensor2d(randn(B * T * C, 2), [B * T, C]);
    const dyA = dy.dataSync().slice();
    dy.dispose();
    const f = (x) => tf.sum(tf.mul(gpt.causalSelfAttention(x, B, T, H), tf.tensor2d(dyA, [B * T, C])));
    const yOf = async (be) => {
      await tf.setBackend(be);
      const y = tf.tidy(() =>
        gpt
          .causalSelfAttention(tf.tensor2d(...qkv), B, T, H)
          .dataSync()
          .slice(),
      );
      await tf.setBackend("wasm");
      return y;
    };
    const [yw, yc] = [await yOf("wasm"), await yOf("cpu")];
    assert.ok(maxAbsDiff(yw, yc) < 1e-5, `forward diff ${maxAbsDiff(yw, yc)}`);
    const w = await valueAndGrads("wasm", f, [qkv]);
    const c = await valueAndGrads("cpu", f, [qkv]);
    const d = maxAbsDiff(w.grads[0], c.grads[0]);
    assert.ok(d < 1e-5 * Math.max(1, maxAbs(c.grads[0])), `gradient diff ${d}`);
    assert.ok(maxAbs(c.grads[0]) > 0.1, "reference gradient is not trivial");
    // repeated gradients leave no tensors behind
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++)
      tf.tidy(() =>
        tf
          .grad(f)(tf.tensor2d(...qkv))
          .dataSync(),
      );
    assert.equal(tf.memory().numTensors, before, "no tensor leak");
  });

test("causal attention: the GEMM path gives the per-head XNNPACK products' results bit for bit, forward and gradient", () => {
  const [B, T, H, hd] = [2, 128, 4, 32];
  const C = H * hd;
  const qkv = randn(B * T * 3 * C, 5);
  const dyA = randn(B * T * C, 6, 0.1);
  const run = (gemm) => {
    const saved = process.env.EMBEDLAB_WASM_GEMM;
    process.env.EMBEDLAB_WASM_GEMM = gemm ? "1" : "0";
    try {
      return tf.tidy(() => {
        const x = tf.tensor2d(qkv, [B * T, 3 * C]);
        const y = gpt.causalSelfAttention(x, B, T, H).dataSync().slice();
        const f = (z) => tf.sum(tf.mul(gpt.causalSelfAttention(z, B, T, H), tf.tensor2d(dyA, [B * T, C])));
        return { y, g: tf.grad(f)(x).dataSync().slice() };
      });
    } finally {
      if (saved === undefined) delete process.env.EMBEDLAB_WASM_GEMM;
      else process.env.EMBEDLAB_WASM_GEMM = saved;
    }
  };
  const a = run(true),
    b = run(false);
  assert.equal(maxAbsDiff(a.y, b.y), 0, "forward");
  assert.equal(maxAbsDiff(a.g, b.g), 0, "gradient");
  assert.ok(maxAbs(a.g) > 1e-3, "gradient is not trivial");
});

test("wasm Transpose (last-two-axes fast path) equals the cpu backend's, other perms delegate", async () => {
  const cases = [
    [[5, 13], [1, 0], "float32"],
    [[16, 24], [1, 0], "float32"],
    [[3, 7, 9], [0, 2, 1], "float32"],
    [[4, 6], [1, 0], "int32"],
    [[2, 3, 4], [1, 0, 2], "float32"],
    [[2, 3, 4, 5], [0, 2, 1, 3], "float32"],
    // the SIMD 4×4-block path (rows and cols multiples of 4), batched, int32, and a wide matrix
    [[3, 8, 12], [0, 2, 1], "float32"],
    [[2, 2, 20, 36], [0, 1, 3, 2], "float32"],
    [[12, 8], [1, 0], "int32"],
    [[64, 1024], [1, 0], "float32"],
  ];
  for (const [shape, perm, dtype] of cases) {
    const n = shape.reduce((a, b) => a * b, 1);
    const vals = dtype === "int32" ? Int32Array.from({ length: n }, (_, i) => i * 7 - 3) : randn(n, n);
    const res = [];
    for (const be of ["wasm", "cpu"]) {
      await tf.setBackend(be);
      res.push(
        tf.tidy(() => {
          const t = tf.transpose(tf.tensor(vals, shape, dtype), perm);
          return { shape: t.shape, dtype: t.dtype, v: Array.from(t.dataSync()) };
        }),
      );
    }
    await tf.setBackend("wasm");
    assert.deepEqual(res[0], res[1], `transpose [${shape}] by [${perm}] (${dtype})`);
  }
});

test("fused LayerNorm on wasm matches tf-op LayerNorm on cpu: value and gradients for x, gain, bias", async () => {
  const [B, T, C] = [2, 5, 24];
  const x = [randn(B * T * C, 3, 2), [B, T, C]];
  const g = [randn(C, 4), [C]];
  const b = [randn(C, 5), [C]];
  const dyA = randn(B * T * C, 6);
  const loss = (ln) => (xi, gi, bi) => tf.sum(tf.mul(ln(xi, gi, bi, 1e-5), tf.tensor(dyA, [B, T, C])));
  const w = await valueAndGrads("wasm", loss(gpt.layerNormFused), [x, g, b]);
  const c = await valueAndGrads("cpu", loss(gpt.layerNormTf), [x, g, b]);
  assert.ok(
    Math.abs(w.value[0] - c.value[0]) < 1e-4 * Math.max(1, Math.abs(c.value[0])),
    `value ${w.value} vs ${c.value}`,
  );
  ["x", "gain", "bias"].forEach((name, i) => {
    const d = maxAbsDiff(w.grads[i], c.grads[i]);
    assert.ok(d < 1e-4 * Math.max(1, maxAbs(c.grads[i])), `d${name} diff ${d}`);
    assert.ok(maxAbs(c.grads[i]) > 0.1, `reference d${name} is not trivial`);
  });
});

test("tied output head on wasm: value and gradients match h·wteᵀ with tf's own gradient on cpu", async () => {
  const [N, C, V] = [12, 8, 20];
  const h = [randn(N * C, 7), [N, C]];
  const wte = [randn(V * C, 8), [V, C]];
  const dyA = randn(N * V, 9);
  const w = await valueAndGrads("wasm", (a, b) => tf.sum(tf.mul(gpt.tiedHead(a, b), tf.tensor(dyA, [N, V]))), [h, wte]);
  const c = await valueAndGrads("cpu", (a, b) => tf.sum(tf.mul(tf.matMul(a, b, false, true), tf.tensor(dyA, [N, V]))), [
    h,
    wte,
  ]);
  assert.ok(Math.abs(w.value[0] - c.value[0]) < 1e-4 * Math.max(1, Math.abs(c.value[0])));
  ["h", "wte"].forEach((name, i) => {
    const d = maxAbsDiff(w.grads[i], c.grads[i]);
    assert.ok(d < 1e-5 * Math.max(1, maxAbs(c.grads[i])), `d${name} diff ${d}`);
    assert.ok(maxAbs(c.grads[i]) > 0.1, `reference d${name} is not trivial`);
  });
});

test("a whole GPT training step: wasm gradients match the cpu backend's, and AdamW steps leave no tensors behind", async () => {
  const cfg = { ...TINY, n_embd: 24, n_head: 3, block_size: 12, vocab_size: 64 };
  const [B, T] = [3, cfg.block_size];
  const rng = new lib.Rng(11);
  const x = Int32Array.from({ length: B * T }, () => Math.floor(rng.next() * cfg.vocab_size));
  const y = Int32Array.from({ length: B * T }, () => Math.floor(rng.next() * cfg.vocab_size));
  const loss = (model) => () =>
    gpt.crossEntropy(
      tf.reshape(model.forward(tf.tensor2d(x, [B, T], "int32"), { training: true }).logits, [B * T, cfg.vocab_size]),
      tf.tensor1d(y, "int32"),
    );
  const grads = {};
  for (const be of ["wasm", "cpu"]) {
    await tf.setBackend(be);
    const model = new gpt.GPT(cfg, undefined, 5);
    const { value, grads: g } = tf.variableGrads(loss(model), model.variables());
    grads[be] = {
      loss: value.dataSync()[0],
      g: Object.fromEntries(Object.entries(model.params).map(([n, v]) => [n, g[v.name].dataSync().slice()])),
    };
    tf.dispose([value, ...Object.values(g)]);
    model.dispose();
  }
  await tf.setBackend("wasm");
  assert.ok(Math.abs(grads.wasm.loss - grads.cpu.loss) < 1e-4, `loss ${grads.wasm.loss} vs ${grads.cpu.loss}`);
  for (const [name, gc] of Object.entries(grads.cpu.g)) {
    const d = maxAbsDiff(grads.wasm.g[name], gc);
    assert.ok(d < 1e-4 * Math.max(1, maxAbs(gc)), `${name}: gradient diff ${d}`);
  }
  assert.ok(maxAbs(grads.cpu.g["h.0.attn.c_attn.weight"]) > 1e-3, "attention gradient is not trivial");

  const model = new gpt.GPT(cfg, undefined, 5);
  const vars = model.variables();
  const opt = lib.train.makeOptimizer(
    vars,
    { type: "adamw", beta2: 0.95, weightDecay: 0.1, clipNorm: 1 },
    (v) => v.rank >= 2,
  );
  const run = (steps) =>
    lib.train.fitSteps({ variables: vars, optimizer: opt, steps, lr: 3e-3, nextBatch: () => null, loss: loss(model) });
  const first = (await run(1)).history[0].loss;
  const before = tf.memory().numTensors;
  const last = (await run(20)).history.at(-1).loss;
  assert.equal(tf.memory().numTensors, before, "tensor count flat across steps");
  assert.ok(last < first - 0.5, `loss ${first} -> ${last}`);
  opt.dispose();
  model.dispose();
});

test("softmax cross-entropy gradient on wasm: the fused kernel gives the one-hot formula's values bit for bit, with weights", () => {
  const [n, c] = [37, 4096];
  const z = randn(n * c, 21, 3);
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 977) % c);
  const w = Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : 1 + (i % 3)));
  const grad = (fused) =>
    tf.tidy(() => {
      const lab = tf.tensor1d(labels, "int32");
      const wt = tf.tensor1d(w);
      if (fused)
        return tf
          .grad((x) => lib.losses.softmaxCrossEntropyRows(x, lab, wt))(tf.tensor2d(z, [n, c]))
          .dataSync()
          .slice();
      // the formula the kernel replaces, with tf ops on the same backend
      const p = tf.softmax(tf.tensor2d(z, [n, c]));
      const s = tf.div(tf.mul(wt, 1), tf.maximum(tf.sum(wt), 1e-12));
      const oneHot = tf.cast(tf.oneHot(lab, c, 1, 0, "int32"), "float32");
      return tf
        .mul(tf.sub(p, oneHot), tf.reshape(s, [n, 1]))
        .dataSync()
        .slice();
    });
  const a = grad(true),
    b = grad(false);
  assert.equal(maxAbsDiff(a, b), 0);
  assert.ok(maxAbs(a) > 0.01, "gradient is not trivial");
  // the label entries carry the −1
  assert.ok(a[1 * c + labels[1]] < 0);
});

for (const c of [4096, 10])
  test(`softmax cross-entropy value on wasm: the fused kernel equals the tf-op formula bit for bit (C ${c})`, () => {
    const n = 29;
    const z = randn(n * c, 31, 4);
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 7 + 3) % c);
    const [fused, ops] = tf.tidy(() => {
      const zt = tf.tensor2d(z, [n, c]);
      const lab = tf.tensor1d(labels, "int32");
      const a = lib.losses.softmaxCrossEntropyRows(zt, lab).dataSync()[0];
      const p = tf.softmax(zt);
      const zl = tf.gather(
        tf.reshape(zt, [n * c]),
        tf.add(tf.mul(tf.range(0, n, 1, "int32"), tf.scalar(c, "int32")), lab),
      );
      const ce = tf.sub(tf.neg(tf.log(tf.max(p, -1))), tf.sub(zl, tf.max(zt, -1)));
      return [a, tf.div(tf.sum(ce), n).dataSync()[0]];
    });
    assert.equal(fused, ops);
    assert.ok(fused > 1, `loss ${fused} is not trivial`);
  });

for (const shape of [
  [1024, 128],
  [3, 5, 7],
])
  test(`LayerNorm on wasm: the compiled loops equal the JS loops bit for bit, value and gradients ([${shape}])`, () => {
    const n = shape.reduce((a, b) => a * b, 1),
      C = shape.at(-1);
    const x = randn(n, 41, 2),
      g = randn(C, 42),
      b = randn(C, 43),
      dy = randn(n, 44);
    const run = (compiled) => {
      const saved = process.env.EMBEDLAB_WASM_LN;
      process.env.EMBEDLAB_WASM_LN = compiled ? "1" : "0";
      try {
        return tf.tidy(() => {
          const f = (xx, gg, bb) => tf.sum(tf.mul(gpt.layerNorm(xx, gg, bb), tf.tensor(dy, shape)));
          const y = gpt.layerNorm(tf.tensor(x, shape), tf.tensor1d(g), tf.tensor1d(b)).dataSync().slice();
          const grads = tf
            .grads(f)([tf.tensor(x, shape), tf.tensor1d(g), tf.tensor1d(b)])
            .map((t) => t.dataSync().slice());
          return [y, ...grads];
        });
      } finally {
        if (saved === undefined) delete process.env.EMBEDLAB_WASM_LN;
        else process.env.EMBEDLAB_WASM_LN = saved;
      }
    };
    const a = run(true),
      c = run(false);
    ["y", "dx", "dg", "db"].forEach((name, i) => assert.equal(maxAbsDiff(a[i], c[i]), 0, name));
    assert.ok(maxAbs(a[1]) > 1e-3 && maxAbs(a[2]) > 1e-3, "gradients are not trivial");
  });
