// MobileNetV2 image features from the model bundled in nsfwjs (offline), and its feature maps.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { models } = require("@embedlab/lib");
const sharp = require("sharp");

const { repoRoot } = require("@embedlab/lib");
const PHOTOS =
  [process.env.EMBEDLAB_DATA_DIR, path.join(repoRoot(), "..", "shared", "data"), "/work/shared/data"]
    .filter(Boolean)
    .map((d) => path.join(d, "photos"))
    .find((d) => fs.existsSync(d)) ?? "<EMBEDLAB_DATA_DIR>/photos";
const havePhotos = fs.existsSync(path.join(PHOTOS, "chelsea.jpg")) && fs.existsSync(path.join(PHOTOS, "rocket.jpg"));

/** A synthetic 160×120 image: gradient plus a bright disc at (cx, cy). */
function synthetic(cx, cy) {
  const w = 160,
    h = 120,
    data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      const disc = (x - cx) ** 2 + (y - cy) ** 2 < 400 ? 200 : 0;
      data[o] = Math.min(255, x + disc);
      data[o + 1] = Math.min(255, y * 2);
      data[o + 2] = disc ? 30 : 120;
    }
  return { data, width: w, height: h };
}

test("mobilenet-v2: 1280-d unit vectors, deterministic, raw/buffer/path inputs agree", async () => {
  const enc = await models.loadImageEncoder("mobilenet-v2");
  assert.equal(enc.dim, 1280);
  assert.equal(enc.id, "mobilenet-v2");
  const img = synthetic(50, 60);
  const png = await sharp(Buffer.from(img.data), { raw: { width: 160, height: 120, channels: 3 } })
    .png()
    .toBuffer();
  const [a, b, c] = await enc.embedImages([img, img, png], { batchSize: 2 });
  assert.equal(a.length, 1280);
  assert.ok(Math.abs(Math.hypot(...a) - 1) < 1e-4);
  assert.deepEqual([...a], [...b], "same image twice → identical vectors");
  assert.ok(models.cosine(a, c) > 0.9999, "PNG bytes decode to the same pixels");
  const [again] = await enc.embedImages([img]);
  assert.ok(models.cosine(a, again) > 0.99999, "deterministic across calls and batch sizes");
  assert.ok(a.some((x) => x > 0) && a.every((x) => x >= 0), "pooled ReLU features are non-negative and not all zero");
});

test(
  "mobilenet-v2: a flipped photo is closer than a different photo",
  { skip: !havePhotos && `no photos under ${PHOTOS} (set EMBEDLAB_DATA_DIR to the data mirror)` },
  async () => {
    for (const inputSize of [224, 128]) {
      const enc = await models.loadImageEncoder("mobilenet-v2", { inputSize });
      const cat = path.join(PHOTOS, "chelsea.jpg");
      const flipped = await sharp(cat).flop().toBuffer();
      const [v, f, r] = await enc.embedImages([cat, flipped, path.join(PHOTOS, "rocket.jpg")]);
      const cf = models.cosine(v, f),
        cr = models.cosine(v, r);
      assert.ok(cf > cr + 0.1, `size ${inputSize}: flipped ${cf} vs other ${cr}`);
    }
  },
);

test("mobilenet-v2: input size checks and bad images give clear errors", async () => {
  await assert.rejects(models.loadImageEncoder("mobilenet-v2", { inputSize: 64 }), /inputSize ≥ 96/);
  const enc = await models.loadImageEncoder("mobilenet-v2", { inputSize: 96 });
  await assert.rejects(
    enc.embedImages([Buffer.from("not an image")]),
    (e) => e.name === "EmbedlabError" && /cannot decode image/.test(e.message),
  );
  await assert.rejects(enc.embedImages(["/nonexistent/x.jpg"]), (e) => e.name === "DataNotFoundError");
  await assert.rejects(
    enc.embedImages([{ data: new Uint8Array(10), width: 4, height: 4 }]),
    /not width·height·channels/,
  );
});

test("mobilenetFeatureMaps: several activations with the expected shapes", async () => {
  const img = synthetic(80, 60);
  const maps = await models.mobilenetFeatureMaps([img, synthetic(30, 30)], undefined, { inputSize: 128 });
  assert.deepEqual(
    maps.map((m) => m.layer),
    models.MOBILENET_DEFAULT_MAP_LAYERS,
  );
  assert.deepEqual(
    maps.map((m) => m.shape),
    [
      [2, 64, 64, 32],
      [2, 32, 32, 24],
      [2, 16, 16, 32],
      [2, 8, 8, 96],
      [2, 4, 4, 1280],
    ],
  );
  for (const m of maps)
    assert.equal(
      m.data.length,
      m.shape.reduce((a, b) => a * b, 1),
    );
  // The pooled last map equals the (unnormalised) feature vector.
  const raw = await models.loadImageEncoder("mobilenet-v2", { inputSize: 128, normalize: false });
  const [v] = await raw.embedImages([img]);
  const last = maps[4];
  const pooled = new Float32Array(1280);
  for (let p = 0; p < 16; p++) for (let c = 0; c < 1280; c++) pooled[c] += last.data[p * 1280 + c] / 16;
  for (let c = 0; c < 1280; c += 97) assert.ok(Math.abs(pooled[c] - v[c]) < 1e-4 * (1 + Math.abs(v[c])));
  await assert.rejects(models.mobilenetFeatureMaps([img], ["no_such_layer"]), /unknown MobileNetV2 layer/);
  assert.ok((await models.mobilenetLayerNames()).includes("block_16_project_BN"));
});

test("mobilenet-v2 featureLayer: an intermediate layer's pooled map, its own id, unknown layers rejected", async () => {
  const img = synthetic(60, 50);
  const enc = await models.loadImageEncoder("mobilenet-v2", {
    inputSize: 128,
    featureLayer: "block_14_expand_relu",
    normalize: false,
  });
  assert.equal(enc.id, "mobilenet-v2@128/block_14_expand_relu");
  assert.equal(enc.dim, 960);
  const [v] = await enc.embedImages([img]);
  assert.equal(v.length, 960);
  const [map] = await models.mobilenetFeatureMaps([img], ["block_14_expand_relu"], { inputSize: 128 });
  const [, h, w, c] = map.shape;
  assert.equal(c, 960);
  const pooled = new Float32Array(c);
  for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) pooled[k] += map.data[p * c + k] / (h * w);
  for (let k = 0; k < c; k += 37) assert.ok(Math.abs(pooled[k] - v[k]) < 1e-4 * (1 + Math.abs(v[k])));
  // the default layer keeps the old id, so cached out_relu features stay valid
  assert.equal((await models.loadImageEncoder("mobilenet-v2", { inputSize: 128 })).id, "mobilenet-v2@128");
  await assert.rejects(
    models.loadImageEncoder("mobilenet-v2", { featureLayer: "no_such_layer" }),
    /unknown MobileNetV2 layer "no_such_layer"/,
  );
});
