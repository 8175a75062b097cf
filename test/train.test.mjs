import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { mkdtempSync, readdirSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
const { train, losses, Rng, setProgressFactory } = lib;

await tf.setBackend("cpu");
setProgressFactory(() => ({ tick() {}, done() {} })); // quiet

test("batches: seeded permutation covering every index; dropLast", () => {
  const a = train.batches(10, 3, new Rng(1));
  assert.deepEqual(
    a.map((b) => b.length),
    [3, 3, 3, 1],
  );
  assert.deepEqual(
    a.flat().sort((x, y) => x - y),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.deepEqual(train.batches(10, 3, new Rng(1)), a);
  assert.notDeepEqual(train.batches(10, 3, new Rng(2)), a);
  assert.deepEqual(train.batches(10, 3, undefined, true), [
    [0, 1, 2],
    [3, 4, 5],
    [6, 7, 8],
  ]);
  assert.throws(() => train.batches(10, 0), /batchSize/);
});

test("imageBatchArray: normalisation, and crop+flip is a shifted/flipped copy with zero padding", () => {
  const [N, H, W, C] = [3, 6, 5, 2];
  const data = new Uint8Array(N * H * W * C).map((_, i) => (i * 37) % 251);
  const images = { data, shape: [N, H, W, C] };
  const mean = [0.5, 0.25],
    std = [0.5, 0.25];
  const plain = train.imageBatchArray(images, [2, 0], { mean, std });
  const at = (n, y, x, c) => data[((n * H + y) * W + x) * C + c];
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < C; c++) {
        const want = (at(2, y, x, c) / 255 - mean[c]) / std[c];
        assert.ok(Math.abs(plain[((0 * H + y) * W + x) * C + c] - want) < 1e-6);
      }
  const rng = new Rng(9);
  const aug = train.imageBatchArray(images, [0, 1, 2, 0, 1, 2, 0, 1], { mean, std, augment: { pad: 2 }, rng });
  const seen = new Set();
  for (let k = 0; k < 8; k++) {
    const n = k % 3;
    let found = false;
    for (const flip of [false, true])
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++) {
          let ok = true;
          for (let y = 0; y < H && ok; y++)
            for (let x = 0; x < W && ok; x++)
              for (let c = 0; c < C && ok; c++) {
                const sy = y + dy,
                  sx = (flip ? W - 1 - x : x) + dx;
                const raw = sy < 0 || sy >= H || sx < 0 || sx >= W ? 0 : at(n, sy, sx, c);
                ok = Math.abs(aug[((k * H + y) * W + x) * C + c] - (raw / 255 - mean[c]) / std[c]) < 1e-6;
              }
          if (ok && !found) {
            found = true;
            seen.add(`${flip}${dy}${dx}`);
          }
        }
    assert.ok(found, `augmented image ${k} is not a crop/flip of its source`);
  }
  assert.ok(seen.size > 2, "augmentation should vary");
  // seeded: same rng seed → same output
  assert.deepEqual(
    train.imageBatchArray(images, [0, 1, 2, 0, 1, 2, 0, 1], { mean, std, augment: { pad: 2 }, rng: new Rng(9) }),
    aug,
  );
  assert.throws(() => train.imageBatchArray({ data, shape: [N, H, W, 3] }, [0]), /does not match/);
  const t = train.toTensorImages(images, [1], { mean, std });
  assert.deepEqual(t.shape, [1, H, W, C]);
  t.dispose();
});

test("schedules: one-cycle endpoints and peak, warm-up then decay", () => {
  const s = train.oneCycle({ maxLr: 0.063 });
  const T = 1000;
  assert.ok(Math.abs(s(0, T) - 0.063 / 25) < 1e-12);
  const peakStep = Math.floor(0.3 * T) - 1;
  assert.ok(Math.abs(s(peakStep, T) - 0.063) < 1e-12);
  assert.ok(s(T - 1, T) < 0.063 / 25 / 1e4 + 1e-12);
  for (let i = 1; i <= peakStep; i++) assert.ok(s(i, T) >= s(i - 1, T));
  for (let i = peakStep + 1; i < T; i++) assert.ok(s(i, T) <= s(i - 1, T));
  const w = train.warmupLinear({ peakLr: 1, warmup: 10, finalFrac: 0.1 });
  assert.ok(Math.abs(w(0, 110) - 0.1) < 1e-12);
  assert.ok(Math.abs(w(9, 110) - 1) < 1e-12);
  assert.ok(Math.abs(w(10, 110) - 1) < 1e-12);
  assert.ok(Math.abs(w(109, 110) - 0.1) < 1e-12);
  assert.ok(Math.abs(w(60, 110) - (1 - (0.9 * 50) / 99)) < 1e-12);
  const c = train.warmupCosine({ peakLr: 2, warmup: 0.1 });
  assert.ok(Math.abs(c(10, 100) - 2) < 1e-12 && c(99, 100) < 1e-12);
  const m = train.oneCycleMomentum({ base: 0.85, max: 0.95 });
  assert.ok(Math.abs(m(0, T) - 0.95) < 1e-12 && Math.abs(m(peakStep, T) - 0.85) < 1e-12);
});

test("optimizers match hand-computed updates (SGD momentum/Nesterov + L2, Adam, AdamW)", () => {
  const run = (config, gradsSeq, lr = 0.1) => {
    const p = tf.variable(tf.tensor1d([1, -2]));
    const opt = train.makeOptimizer([p], config);
    for (const g of gradsSeq) {
      const gt = tf.tensor1d(g);
      opt.apply([gt], lr);
      gt.dispose();
    }
    const out = Array.from(p.dataSync());
    opt.dispose();
    p.dispose();
    return out;
  };
  const G = [
    [0.5, 1],
    [0.1, -0.3],
    [1, 1],
  ];
  const near = (a, b) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-5, `${a} vs ${b}`));
  // plain JS references (PyTorch semantics)
  const sgdRef = (mu, wd, nesterov) => {
    let p = [1, -2],
      buf = null;
    for (const g0 of G) {
      const g = g0.map((v, i) => v + wd * p[i]);
      buf = buf ? buf.map((b, i) => mu * b + g[i]) : g.slice();
      const upd = nesterov ? g.map((v, i) => v + mu * buf[i]) : buf;
      p = p.map((v, i) => v - 0.1 * upd[i]);
    }
    return p;
  };
  near(run({ type: "sgd", momentum: 0.9, weightDecay: 0.01 }, G), sgdRef(0.9, 0.01, false));
  near(run({ type: "sgd", momentum: 0.9, nesterov: true }, G), sgdRef(0.9, 0, true));
  const adamRef = (wd, decoupled) => {
    let p = [1, -2],
      m = [0, 0],
      v = [0, 0];
    G.forEach((g0, t) => {
      const g = decoupled ? g0 : g0.map((x, i) => x + wd * p[i]);
      m = m.map((x, i) => 0.9 * x + 0.1 * g[i]);
      v = v.map((x, i) => 0.999 * x + 0.001 * g[i] ** 2);
      const c1 = 1 - 0.9 ** (t + 1),
        c2 = 1 - 0.999 ** (t + 1);
      // AdamW's decoupled decay joins the update: p -= lr·(m̂/(√v̂+ε) + wd·p)
      p = p.map((x, i) => x - 0.1 * (m[i] / c1 / (Math.sqrt(v[i] / c2) + 1e-8) + (decoupled ? wd * x : 0)));
    });
    return p;
  };
  near(run({ type: "adam", weightDecay: 0.1 }, G), adamRef(0.1, false));
  near(run({ type: "adamw", weightDecay: 0.1 }, G), adamRef(0.1, true));
  // clipNorm in the config: the gradient [3, 4] (norm 5) is scaled to norm 1 before the update
  const clipped = run({ type: "sgd", clipNorm: 1 }, [[3, 4]]);
  near(clipped, [1 - (0.1 * 3) / (5 + 1e-6), -2 - (0.1 * 4) / (5 + 1e-6)]);
  near(run({ type: "sgd", clipNorm: 10 }, [[3, 4]]), [1 - 0.3, -2 - 0.4]);
  // the decay mask: a variable with decay(v) false gets plain Adam
  const p = tf.variable(tf.tensor1d([1, -2]));
  const opt = train.makeOptimizer([p], { type: "adamw", weightDecay: 0.1 }, () => false);
  for (const g of G) {
    const gt = tf.tensor1d(g);
    opt.apply([gt], 0.1);
    gt.dispose();
  }
  near(Array.from(p.dataSync()), run({ type: "adamw" }, G));
  opt.dispose();
  p.dispose();
});

test("Adam bias correction: β1 held constant gives the same float32 correction as a running product; a schedule uses the product", () => {
  for (const b1 of [0.9, 0.85, 0.95]) {
    let prod = 1;
    for (let t = 1; t <= 20000; t++) {
      prod *= b1;
      assert.equal(Math.fround(1 - prod), Math.fround(1 - b1 ** t), `β1 ${b1}, t ${t}`);
    }
  }
  // a momentum schedule: same result as a hand-computed Adam with the varying β1
  const betas = [0.95, 0.9, 0.85];
  const p = tf.variable(tf.tensor1d([1, -2]));
  const opt = train.makeOptimizer([p], { type: "adam" });
  const G = [
    [0.5, 1],
    [0.1, -0.3],
    [1, 1],
  ];
  G.forEach((g, i) => {
    const gt = tf.tensor1d(g);
    opt.apply([gt], 0.1, betas[i]);
    gt.dispose();
  });
  let q = [1, -2],
    m = [0, 0],
    v = [0, 0],
    prod = 1;
  G.forEach((g, t) => {
    prod *= betas[t];
    m = m.map((x, i) => betas[t] * x + (1 - betas[t]) * g[i]);
    v = v.map((x, i) => 0.999 * x + 0.001 * g[i] ** 2);
    q = q.map((x, i) => x - (0.1 * (m[i] / (1 - prod))) / (Math.sqrt(v[i] / (1 - 0.999 ** (t + 1))) + 1e-8));
  });
  Array.from(p.dataSync()).forEach((x, i) => assert.ok(Math.abs(x - q[i]) < 1e-5, `${x} vs ${q[i]}`));
  opt.dispose();
  p.dispose();
});

test('warm-up/decay with decayTo "end" is the GPT trainings\' schedule, bit for bit', () => {
  // the formulas the GPT pretraining / fine-tunings used (decay over total − warmup steps)
  const cosineRef = (step, total, peak, warmup, minFrac) => {
    if (step < warmup) return (peak * (step + 1)) / warmup;
    const t = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
    return peak * (minFrac + (1 - minFrac) * 0.5 * (1 + Math.cos(Math.PI * t)));
  };
  const linearRef = (step, total, peak, warmup) => {
    if (step < warmup) return (peak * (step + 1)) / warmup;
    return peak * Math.max(0, 1 - (step - warmup) / Math.max(1, total - warmup));
  };
  for (const [total, warmup, peak] of [
    [900, 60, 3e-3],
    [200, 20, 1e-3],
    [1000, 0, 2e-3],
    [37, 4, 0.01],
    [1, 0, 0.5],
  ]) {
    const c = train.warmupCosine({ peakLr: peak, warmup, finalFrac: 0.1, decayTo: "end" });
    const l = train.warmupLinear({ peakLr: peak, warmup, decayTo: "end" });
    for (let s = 0; s < total; s++) {
      assert.equal(c(s, total), cosineRef(s, total, peak, warmup, 0.1));
      assert.equal(l(s, total), linearRef(s, total, peak, warmup));
    }
  }
  // the default ("last-step") reaches the final value at the last step; "end" one step later
  const last = train.warmupLinear({ peakLr: 1, finalFrac: 0.2 });
  const end = train.warmupLinear({ peakLr: 1, finalFrac: 0.2, decayTo: "end" });
  assert.ok(
    Math.abs(last(9, 10) - 0.2) < 1e-12 &&
      Math.abs(end(9, 10) - (0.2 + 0.8 * 0.1)) < 1e-12 &&
      Math.abs(end(10, 10) - 0.2) < 1e-12,
  );
});

test("clipByGlobalNorm", () => {
  const g = [tf.tensor1d([3, 0]), tf.tensor1d([0, 4])];
  const { grads, norm } = train.clipByGlobalNorm(g, 1);
  assert.ok(Math.abs(norm - 5) < 1e-6);
  assert.ok(Math.abs(grads[0].dataSync()[0] - 0.6) < 1e-5 && Math.abs(grads[1].dataSync()[1] - 0.8) < 1e-5);
  const same = train.clipByGlobalNorm(g, 10);
  assert.deepEqual(Array.from(same.grads[1].dataSync()), [0, 4]);
  [...g, ...grads, ...same.grads].forEach((t) => t.dispose());
});

// A small 3-class problem: well-separated Gaussian blobs in 4-d.
function blobs(n, seed) {
  const rng = new Rng(seed);
  const centers = [
    [2, 0, 0, 1],
    [-2, 1, 0, 0],
    [0, -2, 2, 0],
  ];
  const x = [],
    y = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y.push(c);
    x.push(centers[c].map((v) => v + 0.7 * rng.normal()));
  }
  return { x: tf.tensor2d(x), y: tf.tensor1d(y, "int32"), labels: y };
}
function linearModel(seed) {
  const rng = new Rng(seed);
  const W = tf.variable(
    tf.tensor2d(
      Array.from({ length: 12 }, () => rng.normal() * 0.1),
      [4, 3],
    ),
    true,
    `W_${seed}_${Math.random()}`,
  );
  const b = tf.variable(tf.zeros([3]), true, `b_${seed}_${Math.random()}`);
  return {
    trainableVariables: [W, b],
    apply: (x) => tf.add(tf.matMul(x, W), b),
    dispose() {
      W.dispose();
      b.dispose();
    },
  };
}
const ceLoss = (m, x, y) => losses.oneHotCrossEntropy(y, m.apply(x));
const evalAcc = (data) => (m) => {
  const pred = tf.tidy(() => tf.argMax(m.apply(data.x), -1).dataSync());
  return { test_acc: lib.metrics.accuracy(Array.from(pred), data.labels) };
};

test("fit: learns, same seed → identical history, tensor count flat across epochs", async () => {
  const tr = blobs(120, 1),
    te = blobs(60, 2);
  const counts = [];
  const runOnce = async () => {
    const m = linearModel(3);
    const r = await train.fit(m, train.tensorSource(tr.x, tr.y), {
      loss: ceLoss,
      epochs: 5,
      batchSize: 16,
      seed: 42,
      optimizer: { type: "sgd", momentum: 0.9, weightDecay: 1e-4 },
      lr: train.oneCycle({ maxLr: 0.2 }),
      clipNorm: 5,
      evaluate: evalAcc(te),
      onEpochEnd: () => counts.push(tf.memory().numTensors),
    });
    m.dispose();
    return r;
  };
  const a = await runOnce();
  const nAfterFirst = counts.length;
  const b = await runOnce();
  assert.equal(a.history.length, 5);
  assert.equal(a.steps, 5 * 8);
  assert.ok(a.history[4].loss < a.history[0].loss, "loss decreases");
  assert.ok(a.history[4].test_acc > 0.9, `test acc ${a.history[4].test_acc}`);
  const strip = (h) => h.map(({ seconds, evalSeconds, ...rest }) => rest);
  assert.deepEqual(strip(a.history), strip(b.history));
  // numTensors identical at the end of every epoch (both runs)
  assert.equal(new Set(counts.slice(0, nAfterFirst)).size, 1, `tensor counts ${counts}`);
  assert.equal(new Set(counts.slice(nAfterFirst)).size, 1, `tensor counts ${counts}`);
});

test("fit with a tf.LayersModel and Adam; different seed → different run", async () => {
  const tr = blobs(90, 5);
  const mk = () =>
    tf.sequential({
      layers: [
        tf.layers.dense({ units: 3, inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      ],
    });
  const loss = (m, x, y) => losses.oneHotCrossEntropy(y, m.apply(x, { training: true }));
  const m1 = mk(),
    m2 = mk();
  const r1 = await train.fit(m1, train.tensorSource(tr.x, tr.y), { loss, epochs: 3, batchSize: 10, seed: 1, lr: 0.05 });
  const r2 = await train.fit(m2, { x: tr.x, y: tr.y }, { loss, epochs: 3, batchSize: 10, seed: 2, lr: 0.05 });
  assert.ok(r1.history[2].loss < r1.history[0].loss);
  assert.notEqual(r1.history[0].loss, r2.history[0].loss);
  m1.dispose();
  m2.dispose();
});

test("fit checkpoints every epoch and resumes to the same result", async () => {
  const tr = blobs(60, 7);
  const dir = mkdtempSync(join(tmpdir(), "embedlab-ckpt-"));
  try {
    const opts = {
      loss: ceLoss,
      batchSize: 8,
      seed: 3,
      optimizer: { type: "adamw", weightDecay: 0.01 },
      lr: train.warmupCosine({ peakLr: 0.05, warmup: 0.2 }),
    };
    const full = linearModel(11);
    const rf = await train.fit(full, train.tensorSource(tr.x, tr.y), { ...opts, epochs: 4 });
    const part = linearModel(11);
    // simulate a crash after epoch 2 (the checkpoint is written before onEpochEnd runs)
    await assert.rejects(
      train.fit(part, train.tensorSource(tr.x, tr.y), {
        ...opts,
        epochs: 4,
        checkpointDir: dir,
        onEpochEnd: (r) => {
          if (r.epoch === 2) throw new Error("crash");
        },
      }),
      /crash/,
    );
    assert.ok(train.hasCheckpoint(dir));
    assert.equal(readdirSync(dir).filter((f) => f.startsWith("ckpt-")).length, 1, "old checkpoints removed");
    assert.ok(!readdirSync(dir).some((f) => f.includes(".tmp")), "no temp files left");
    const resumed = linearModel(99); // different init: the checkpoint must overwrite it
    const rr = await train.fit(resumed, train.tensorSource(tr.x, tr.y), { ...opts, epochs: 4, checkpointDir: dir });
    assert.equal(rr.resumedFromEpoch, 2);
    assert.equal(rr.history.length, 4);
    assert.equal(rr.steps, rf.steps);
    for (let i = 0; i < 2; i++) {
      const A = full.trainableVariables[i].dataSync(),
        B = resumed.trainableVariables[i].dataSync();
      A.forEach((v, j) => assert.ok(Math.abs(v - B[j]) < 1e-6, `var ${i}[${j}] ${v} vs ${B[j]}`));
    }
    assert.ok(Math.abs(rr.history[3].loss - rf.history[3].loss) < 1e-6);
    const ck = train.loadCheckpoint(dir);
    assert.equal(ck.epoch, 4);
    // a model with another shape is refused with a clear message
    const other = { trainableVariables: [tf.variable(tf.zeros([2, 2]), true, `o_${Math.random()}`)] };
    await assert.rejects(
      train.fit(other, train.tensorSource(tr.x, tr.y), {
        ...opts,
        loss: () => tf.sum(other.trainableVariables[0]),
        epochs: 5,
        checkpointDir: dir,
      }),
      /checkpoint/,
    );
    full.dispose();
    part.dispose();
    resumed.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("early stopping restores the best epoch's weights", async () => {
  const tr = blobs(30, 8);
  const m = linearModel(4);
  const script = [0.5, 0.7, 0.6, 0.65, 0.9];
  let bestW;
  const r = await train.fit(m, train.tensorSource(tr.x, tr.y), {
    loss: ceLoss,
    epochs: 5,
    batchSize: 10,
    lr: 0.1,
    evaluate: (model, epoch) => {
      if (epoch === 2) bestW = Array.from(model.trainableVariables[0].dataSync());
      return { score: script[epoch - 1] };
    },
    earlyStopping: { metric: "score", mode: "max", patience: 2 },
  });
  assert.equal(r.stoppedEarly, true);
  assert.equal(r.history.length, 4);
  assert.equal(r.bestEpoch, 2);
  assert.deepEqual(Array.from(m.trainableVariables[0].dataSync()), bestW);
  await assert.rejects(
    train.fit(m, train.tensorSource(tr.x, tr.y), {
      loss: ceLoss,
      epochs: 1,
      batchSize: 10,
      earlyStopping: { metric: "nope", mode: "max", patience: 1 },
    }),
    /not in the history/,
  );
  m.dispose();
});

test("fit rejects bad options clearly", async () => {
  const tr = blobs(9, 1);
  const m = linearModel(1);
  await assert.rejects(
    train.fit(m, train.tensorSource(tr.x, tr.y), { loss: ceLoss, epochs: 0, batchSize: 4 }),
    /epochs/,
  );
  await assert.rejects(train.fit(m, train.tensorSource(tr.x, tr.y), { epochs: 1, batchSize: 4 }), /loss is required/);
  await assert.rejects(
    train.fit(m, train.tensorSource(tr.x, tr.y), { loss: ceLoss, epochs: 1, batchSize: 4, lr: Infinity }),
    /loss became|lower the learning rate/,
  );
  m.dispose();
});

test("imageSource feeds augmented normalised batches to fit", async () => {
  const [N, H, W, C] = [12, 4, 4, 1];
  const data = new Uint8Array(N * H * W * C);
  const labels = [];
  for (let n = 0; n < N; n++) {
    labels.push(n % 2);
    for (let i = 0; i < H * W; i++) data[n * H * W + i] = n % 2 ? 220 : 30;
  }
  const src = train.imageSource({ data, shape: [N, H, W, C] }, labels, {
    mean: [0.5],
    std: [0.25],
    augment: { pad: 1 },
  });
  const W1 = tf.variable(tf.zeros([H * W * C, 2]), true, `img_${Math.random()}`);
  const model = { trainableVariables: [W1] };
  const r = await train.fit(model, src, {
    loss: (m, x, y) => losses.oneHotCrossEntropy(y, tf.matMul(tf.reshape(x, [x.shape[0], -1]), W1)),
    epochs: 3,
    batchSize: 4,
    lr: 0.05,
  });
  assert.ok(r.history[2].loss < 0.2, `loss ${r.history[2].loss}`);
  W1.dispose();
});

test("fitSteps: a step-based run with a batch sampler, evaluation at chosen steps, split into calls = one call", async () => {
  const tr = blobs(60, 4);
  const sample = (rng) => () => {
    const idx = Array.from({ length: 8 }, () => Math.floor(rng.next() * 60));
    return { x: tf.gather(tr.x, idx), y: tf.gather(tr.y, idx) };
  };
  const run = async (split) => {
    const m = linearModel(5);
    const vars = train.trainableVariables(m);
    const opt = train.makeOptimizer(vars, { type: "adamw", weightDecay: 0.01, clipNorm: 0.5 });
    const rng = new Rng(7);
    const o = {
      variables: vars,
      optimizer: opt,
      totalSteps: 20,
      nextBatch: sample(rng),
      loss: (b) => ceLoss(m, b.x, b.y),
      disposeBatch: (b) => {
        b.x.dispose();
        b.y.dispose();
      },
      lr: train.warmupCosine({ peakLr: 0.05, warmup: 3, decayTo: "end" }),
      evalSteps: [0, 5, 12],
      evaluate: (s) => s,
    };
    const h = [];
    const ev = [];
    for (const steps of split) {
      const r = await train.fitSteps({ ...o, steps });
      h.push(...r.history);
      ev.push(...r.evals.map((e) => e.value));
    }
    const w = Array.from(vars[0].dataSync());
    opt.dispose();
    m.dispose();
    return { h, ev, w };
  };
  const one = await run([20]);
  assert.deepEqual(
    one.h.map((r) => r.step),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  assert.deepEqual(one.ev, [0, 5, 12]);
  assert.ok(one.h[19].loss < one.h[0].loss);
  const two = await run([12, 8]);
  assert.deepEqual(two.h, one.h, "same losses and learning rates when the run is taken in two calls");
  assert.deepEqual(two.w, one.w);
  assert.deepEqual(two.ev, [0, 5, 12, 12], "a call starting at a chosen step evaluates there too");
  const m = linearModel(1);
  const vars = train.trainableVariables(m);
  const opt = train.makeOptimizer(vars, { type: "sgd" });
  await assert.rejects(
    train.fitSteps({
      variables: vars,
      optimizer: opt,
      steps: 2,
      nextBatch: () => null,
      loss: () => tf.mul(tf.addN(vars.map((v) => tf.sum(v))), NaN),
      lr: 0.1,
      label: "toy",
    }),
    /toy: loss became NaN at step 1/,
  );
  await assert.rejects(
    train.fitSteps({
      variables: vars,
      optimizer: opt,
      steps: 1,
      nextBatch: () => null,
      loss: () => tf.sum(vars[0]),
      lr: 0.1,
    }),
    /no gradient/,
  );
  opt.dispose();
  m.dispose();
});
