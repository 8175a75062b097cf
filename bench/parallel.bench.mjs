// Two independent small-CNN trainings (notebook 01's architecture, 40 steps of batch 64 each): one after the
// other in this process vs side by side in two worker threads (parallel.runParallel). Same results either way
// (the bench checks the losses); the ratio is what a second core buys on this machine.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);

export const title = "parallel trainings: 2 small CNNs (40 steps × batch 64), sequential vs 2 worker threads";

function images(n) {
  const images = new Uint8Array(n * 32 * 32 * 3);
  const labels = new Int32Array(n);
  let s = 1;
  for (let i = 0; i < images.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    images[i] = s & 255;
  }
  for (let i = 0; i < n; i++) labels[i] = i % 10;
  return {
    images,
    labels,
    classNames: Array.from({ length: 10 }, (_, i) => `c${i}`),
    n,
    height: 32,
    width: 32,
    channels: 3,
    source: { dataset: "bench", files: [], root: "" },
  };
}

export async function run() {
  const lib = require("@embedlab/lib");
  await lib.backend.initBackend({ prefer: "wasm" });
  const lt = lib.experiments.labelTargets;
  const ds = images(64 * 40);
  const job = (seed) =>
    lt.trainReadJob({
      train: {
        kind: "onehot",
        arch: "small",
        train: ds,
        classes: [...Array(10).keys()],
        epochs: 1,
        batchSize: 64,
        schedule: "adam-warmup",
        seed,
      },
      read: [],
    });
  const time = async (workers) => {
    const t = performance.now();
    const r = await lib.parallel.runParallel([job(1), job(2)], { workers });
    return [(performance.now() - t) / 1000, r];
  };
  const [tSeq, a] = await time(1);
  const [tPar, b] = await time(2);
  if (a.some((r, i) => r.history[0].loss !== b[i].history[0].loss))
    throw new Error("parallel and sequential losses differ");
  return [
    { what: "sequential (EMBEDLAB_WORKERS=1)", value: tSeq, unit: "s" },
    { what: "2 worker threads", value: tPar, unit: "s", note: `${(tSeq / tPar).toFixed(2)}x faster, identical losses` },
  ];
}
