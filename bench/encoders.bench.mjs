// Encoder throughput: USE-lite sentences/s (batch 64), MobileNetV2 images/s at 224 and 128 px (batch 32),
// and 1,000 sentences embedded cold vs from the on-disk cache (temp cache dir).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const { models } = lib;

export const title = "encoders (USE-lite, MobileNetV2, embedding cache)";

/** Deterministic, varied English-like sentences (8–20 words). */
function sentences(n, seed) {
  const words = (
    "the a cat dog market river film story music city child teacher engine garden storm " +
    "quickly slowly happy sad bright dark old new small large walks sings builds breaks finds loses " +
    "watches opens closes under over near beside before after because while and but"
  ).split(" ");
  const rng = new lib.Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const len = 8 + rng.int(13);
    const w = Array.from({ length: len }, () => words[rng.int(words.length)]);
    return `${w.join(" ")} ${i}.`;
  });
}

function syntheticImages(n, seed) {
  const rng = new lib.Rng(seed);
  return Array.from({ length: n }, () => {
    const w = 256,
      h = 256,
      data = new Uint8Array(w * h * 3);
    const a = rng.next() * 0.1,
      b = rng.next() * 0.1,
      c = rng.int(255);
    for (let i = 0; i < w * h; i++) {
      const x = i % w,
        y = (i / w) | 0;
      data[3 * i] = (x * a * 10) & 255;
      data[3 * i + 1] = (y * b * 10) & 255;
      data[3 * i + 2] = (c + x + y) & 255;
    }
    return { data, width: w, height: h };
  });
}

async function time(fn) {
  const t0 = performance.now();
  const r = await fn();
  return { s: (performance.now() - t0) / 1000, r };
}

export async function run() {
  const rows = [];
  const tf = await models.getTf();
  const backend = tf.getBackend();

  const load = await time(() => models.loadTextEncoder("use-lite"));
  const use = load.r;
  rows.push({ what: "USE-lite load", value: load.s, unit: "s", note: backend });
  await use.embed(sentences(64, 1), { batchSize: 64 }); // warm-up
  const texts = sentences(512, 2);
  const t = await time(() => use.embed(texts, { batchSize: 64 }));
  rows.push({
    what: "USE-lite embed (batch 64)",
    value: texts.length / t.s,
    unit: "sentences/s",
    note: `${texts.length} sentences, ${backend}`,
  });

  const imgs = syntheticImages(64, 3);
  for (const size of [224, 128]) {
    const enc = await models.loadImageEncoder("mobilenet-v2", { inputSize: size });
    await enc.embedImages(imgs.slice(0, 4), { batchSize: 32 }); // warm-up
    const r = await time(() => enc.embedImages(imgs, { batchSize: 32 }));
    rows.push({
      what: `MobileNetV2 ${size}px (batch 32)`,
      value: imgs.length / r.s,
      unit: "images/s",
      note: `${imgs.length} images incl. sharp resize, ${backend}`,
    });
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-bench-cache-"));
  try {
    const thousand = sentences(1000, 4);
    const cold = await time(() => models.cachedEncoder(use, { dir }).embed(thousand, { batchSize: 64 }));
    const warm = await time(() => models.cachedEncoder(use, { dir }).embed(thousand, { batchSize: 64 }));
    rows.push({ what: "1,000 sentences cold (USE-lite + cache write)", value: cold.s, unit: "s" });
    rows.push({ what: "1,000 sentences from cache", value: warm.s, unit: "s" });
    rows.push({ what: "cache speed-up", value: cold.s / warm.s, unit: "x", note: "same run" });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
