/**
 * Source of `notebooks/00_smoke.ipynb` (regenerate: `node ci/dist/smoke-notebook.js`).
 * The smoke notebook checks the whole stack in under a minute: kernel, backend, display, training, results.
 */
import * as path from "node:path";
import { repoRoot } from "@embedlab/lib";
import { writeNotebook, type CellSpec } from "./write-notebook";

export const SMOKE_CELLS: CellSpec[] = [
  {
    md: `# 00 · Smoke test

Checks, in under a minute, that everything a real notebook needs works here: the tslab kernel and
its parameters, the tfjs backend, rich display (a vega-lite chart and a table), a live progress bar,
training a small convolutional net, and writing \`outputs/00_smoke.results.json\` (which
\`ci/expectations.json\` checks: \`train_acc\` must reach 0.9).`,
  },
  {
    md: `## Parameters
Override from the runner, e.g. \`npm run notebooks -- 00_smoke --param profile=full --param seed=3\`.`,
  },
  {
    code: `let profile: "quick" | "full" = "quick"; // quick: 100 training steps; full: 300
let steps = 0; // training steps; 0 = the profile's default
let seed = 7; // seeds the synthetic data and the weight initialisation
let dataDir = ""; // data folder to report ("" = EMBEDLAB_DATA_DIR, else data/cache)`,
    tags: ["parameters"],
  },
  {
    md: `## Backend
\`backend.initBackend()\` picks the tfjs backend and says why; we ask for wasm, the backend every
machine has (\`EMBEDLAB_BACKEND\` can override it).`,
  },
  {
    code: `import * as tf from "@tensorflow/tfjs";
import { backend, dataDir as defaultDataDir, notebookName, progress, Rng, saveResults } from "@embedlab/lib";
import { show } from "@embedlab/kernel-ext";

const durations: Record<string, number> = {};
let t = Date.now();
const info = await backend.initBackend({ prefer: "wasm" });
const nSteps = steps > 0 ? steps : profile === "full" ? 300 : 100;
console.log(\`backend: \${info.name} — \${info.reason}\`);
durations.backend_s = (Date.now() - t) / 1000;
console.log(\`data dir: \${dataDir || defaultDataDir()} · steps: \${nSteps} · seed: \${seed}\`);`,
  },
  {
    md: `## Synthetic images
Four classes of 16×16 grey images — a horizontal bar, a vertical bar, a diagonal, a hollow square —
placed at random positions on Gaussian noise (σ = 0.35), all drawn from the seeded \`Rng\`. The
classes are separable by local shape only, which a convolution sees and a pixel-wise model does not.`,
  },
  {
    code: `const SIZE = 16;
const CLASSES = ["horizontal", "vertical", "diagonal", "square"];
function makeImages(n: number, rng: Rng): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(n * SIZE * SIZE);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % CLASSES.length;
    y[i] = c;
    const img = x.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE);
    for (let p = 0; p < img.length; p++) img[p] = 0.35 * rng.normal();
    const r = 2 + rng.int(SIZE - 9), col = 2 + rng.int(SIZE - 9), len = 6;
    for (let k = 0; k < len; k++) {
      if (c === 0) img[r * SIZE + col + k] += 1;
      if (c === 1) img[(r + k) * SIZE + col] += 1;
      if (c === 2) img[(r + k) * SIZE + col + k] += 1;
      if (c === 3 && k < 4) {
        img[r * SIZE + col + k] += 1; img[(r + 3) * SIZE + col + k] += 1;
        if (k > 0 && k < 3) { img[(r + k) * SIZE + col] += 1; img[(r + k) * SIZE + col + 3] += 1; }
      }
    }
  }
  return { x, y };
}
const rng = new Rng(seed);
const train = makeImages(512, rng);
const test = makeImages(256, rng);
show.table(CLASSES.map((name, c) => ({ class: name, train: train.y.filter((v) => v === c).length, test: test.y.filter((v) => v === c).length })), { caption: "Synthetic data set" });`,
  },
  {
    md: `## A tiny CNN
conv 8×3×3 → max-pool 2 → conv 16×3×3 → global max-pool ("is the shape anywhere?") → dense 4, trained with Adam (lr 0.01,
batch 32) for the chosen number of steps; the live bar shows the loss. Initial weights come from
tfjs's seeded initialisers so a run is reproducible for a given \`seed\`.`,
  },
  {
    code: `t = Date.now();
const init = (s: number) => tf.initializers.glorotUniform({ seed: seed * 100 + s });
const model = tf.sequential({ layers: [
  tf.layers.conv2d({ inputShape: [SIZE, SIZE, 1], filters: 8, kernelSize: 3, activation: "relu", padding: "same", kernelInitializer: init(1) }),
  tf.layers.maxPooling2d({ poolSize: 2 }),
  tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: "relu", padding: "same", kernelInitializer: init(2) }),
  tf.layers.globalMaxPooling2d({}),
  tf.layers.dense({ units: CLASSES.length, kernelInitializer: init(3) }),
] });
const optimizer = tf.train.adam(0.01);
const xTrain = tf.tensor4d(train.x, [train.y.length, SIZE, SIZE, 1]);
const yTrain = tf.oneHot(tf.tensor1d(train.y, "int32"), CLASSES.length).cast("float32");
const batch = 32;
const order = rng.permutation(train.y.length);
const losses: { step: number; loss: number }[] = [];
const bar = progress(nSteps, "train");
for (let step = 0; step < nSteps; step++) {
  const start = (step * batch) % train.y.length;
  const idx = tf.tensor1d(order.slice(start, start + batch), "int32");
  const xb = tf.gather(xTrain, idx), yb = tf.gather(yTrain, idx);
  const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(yb, model.apply(xb) as tf.Tensor) as tf.Scalar, true)!;
  const value = (await loss.data())[0];
  tf.dispose([idx, xb, yb, loss]);
  losses.push({ step: step + 1, loss: value });
  bar.tick(1, \`loss \${value.toFixed(3)}\`);
}
durations.train_s = (Date.now() - t) / 1000;
bar.done(\`loss \${losses[losses.length - 1].loss.toFixed(3)}\`);`,
  },
  {
    md: `## Loss curve
Cross-entropy per step (chance level is ln 4 ≈ 1.39).`,
  },
  {
    code: `const lossFigure = await show.vegalite({
  $schema: "https://vega.github.io/schema/vega-lite/v5.json",
  title: "Training loss",
  width: 420, height: 220,
  data: { values: losses },
  mark: { type: "line", point: false },
  encoding: { x: { field: "step", type: "quantitative" }, y: { field: "loss", type: "quantitative", title: "cross-entropy" } },
});`,
  },
  {
    md: `## Accuracy and results
Accuracy on all 512 training images (what \`ci/expectations.json\` checks) and on 256 fresh test
images, then everything is saved with \`saveResults\`.`,
  },
  {
    code: `function accuracy(d: { x: Float32Array; y: Int32Array }): number {
  return tf.tidy(() => {
    const pred = (model.predict(tf.tensor4d(d.x, [d.y.length, SIZE, SIZE, 1])) as tf.Tensor).argMax(1).dataSync();
    let ok = 0;
    pred.forEach((p, i) => { if (p === d.y[i]) ok++; });
    return ok / d.y.length;
  });
}
const train_acc = accuracy(train);
const test_acc = accuracy(test);
const final_loss = losses[losses.length - 1].loss;
show.table([{ split: "train", images: train.y.length, accuracy: train_acc }, { split: "test", images: test.y.length, accuracy: test_acc }], { caption: \`After \${nSteps} steps (final loss \${final_loss.toFixed(3)})\` });
tf.dispose([xTrain, yTrain]);
const file = saveResults(notebookName("00_smoke"), {
  metrics: { train_acc: train_acc, test_acc: test_acc, final_loss: final_loss, steps: nSteps },
  params: { profile: profile, steps: nSteps, seed: seed, dataDir: dataDir || defaultDataDir() },
  // explicit key: value pairs, because tslab does not rewrite shorthand properties naming earlier cells' variables
  backend: \`\${info.name}: \${info.reason}\`,
  durations: durations,
  extra: { losses: losses },
});
console.log(\`results → \${file}\`);`,
  },
];

if (require.main === module) {
  const file = path.join(repoRoot(), "notebooks", "00_smoke.ipynb");
  writeNotebook(file, SMOKE_CELLS);
  console.log(`wrote ${file}`);
}
