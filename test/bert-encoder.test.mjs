// The BERT-family encoder and its loader on tiny random checkpoints written here (config.json,
// model.safetensors, WordPiece tokenizer.json): outputs against a PyTorch reference forward (when torch is
// installed), the attention mask, fine-tuning, PyTorch .bin weights, and the errors for missing or broken files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
const bert = lib.models.bert;
const here = path.dirname(fileURLToPath(import.meta.url));

function tmp(name) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `bert-${name}-`));
}

/** A Python 3 that imports torch (the PATH one, else Debian's), or null. */
function torchPython() {
  for (const py of ["python3", "/usr/bin/python3"]) {
    try {
      execFileSync(py, ["-c", "import torch"], { stdio: "ignore", env: { ...process.env, OPENBLAS_NUM_THREADS: "1" } });
      return py;
    } catch {
      /* next */
    }
  }
  return null;
}
const PY = torchPython();
const NO_TORCH =
  "PyTorch is not installed (python3 -c 'import torch' fails): install python3-torch to run the reference check";

function runPy(script, args) {
  return execFileSync(PY, [path.join(here, "fixtures", script), ...args], {
    env: { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" },
    maxBuffer: 64 << 20,
  }).toString();
}

const TEXTS = ["The movie is good.", "This film was not fun at all, and the acting was boring!", "great"];

function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length, "same length");
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const FLAVOURS = {
  electra: { flavour: "electra", seed: 3 },
  bert: { flavour: "bert", seed: 3 },
  "electra-small-style (embeddings_project)": { flavour: "electra", seed: 8, embeddingSize: 8 },
};
for (const [name, opts] of Object.entries(FLAVOURS)) {
  const flavour = opts.flavour;
  test(`${name}: the encoder reproduces a PyTorch reference forward (max |Δ| < 1e-4) on a padded batch`, async (t) => {
    await lib.backend.initBackend();
    const dir = tmp(flavour);
    bert.writeTinyBert(dir, opts);
    const { encoder, tokenizer, weightFile } = await bert.loadBert({ path: dir });
    assert.equal(path.basename(weightFile), "model.safetensors");
    assert.equal(encoder.config.pooler, flavour === "bert");
    const b = tokenizer.batch(TEXTS);
    assert.ok(b.T > 8 && b.mask.some((m) => m === 0), "the batch has padding");
    const ids = tf.tensor2d(b.ids, [b.B, b.T], "int32");
    const mask = tf.tensor2d(b.mask, [b.B, b.T], "int32");
    const hidden = tf.tidy(() => encoder.forward(ids, { mask }));
    const pooled = tf.tidy(() => encoder.pooled(hidden));
    const ours = hidden.dataSync();
    const oursPooled = pooled.dataSync();
    tf.dispose([ids, mask, hidden, pooled]);
    encoder.dispose();
    if (!PY) {
      t.skip(NO_TORCH);
      return;
    }
    const inputs = path.join(dir, "inputs.json");
    const rows = (a) => Array.from({ length: b.B }, (_, i) => Array.from(a.subarray(i * b.T, (i + 1) * b.T)));
    fs.writeFileSync(inputs, JSON.stringify({ ids: rows(b.ids), mask: rows(b.mask) }));
    const ref = JSON.parse(runPy("bert_reference.py", [dir, inputs]));
    // compare the real tokens' outputs (padded positions are outputs nobody reads)
    const real = [];
    const refReal = [];
    const H = encoder.config.hidden_size;
    for (let i = 0; i < b.B; i++)
      for (let j = 0; j < b.T; j++)
        if (b.mask[i * b.T + j]) {
          real.push(...ours.subarray((i * b.T + j) * H, (i * b.T + j + 1) * H));
          refReal.push(...ref.hidden[i][j]);
        }
    const d = maxAbsDiff(real, refReal);
    t.diagnostic(`${name}: max |Δ hidden| = ${d.toExponential(2)} over ${real.length} values`);
    assert.ok(d < 1e-4, `max |Δ hidden| = ${d}`);
    const spread = Math.max(...refReal) - Math.min(...refReal);
    assert.ok(spread > 1, `reference outputs are not degenerate (spread ${spread})`);
    if (flavour === "bert") {
      const dp = maxAbsDiff(Array.from(oursPooled), ref.pooled.flat());
      assert.ok(dp < 1e-4, `max |Δ pooled| = ${dp}`);
    }
  });
}

test("the attention mask: padding does not change the real tokens' outputs", async () => {
  await lib.backend.initBackend();
  const dir = tmp("mask");
  bert.writeTinyBert(dir, { seed: 5 });
  const { encoder, tokenizer } = await bert.loadBert({ path: dir });
  const short = "the movie is good";
  const alone = tokenizer.batch([short]);
  const padded = tokenizer.batch([short, "the plot was too long and the acting was very bad"]);
  assert.ok(padded.T > alone.T + 3);
  const run = (b, withMask) =>
    tf.tidy(() => {
      const ids = tf.tensor2d(b.ids, [b.B, b.T], "int32");
      const mask = tf.tensor2d(b.mask, [b.B, b.T], "int32");
      return encoder.forward(ids, withMask ? { mask } : {}).dataSync();
    });
  const H = encoder.config.hidden_size;
  const a = run(alone, true);
  const p = run(padded, true).subarray(0, alone.T * H);
  assert.ok(maxAbsDiff(a, p) < 1e-5, `masked padding changes the outputs by ${maxAbsDiff(a, p)}`);
  // without the mask the pad tokens are attended to, and the outputs do change: the check can fail
  const unmasked = run(padded, false).subarray(0, alone.T * H);
  assert.ok(maxAbsDiff(a, unmasked) > 1e-3, "attending to padding changes the outputs");
  encoder.dispose();
});

test("fine-tuning: a few epochs on a separable toy set lower the loss and fit it", async () => {
  await lib.backend.initBackend();
  const dir = tmp("ft");
  bert.writeTinyBert(dir, { seed: 7, std: 0.05 });
  const { encoder, tokenizer } = await bert.loadBert({ path: dir });
  const pos = ["good", "great", "fun", "love", "best"];
  const neg = ["bad", "awful", "boring", "hate", "worst"];
  const texts = [];
  const labels = [];
  for (let i = 0; i < 5; i++) {
    texts.push(`the movie is ${pos[i]}`, `it was ${pos[(i + 2) % 5]} and ${pos[i]}`);
    labels.push(1, 1);
    texts.push(`the movie is ${neg[i]}`, `it was ${neg[(i + 2) % 5]} and ${neg[i]}`);
    labels.push(0, 0);
  }
  const clf = new bert.BertTextClassifier(encoder, tokenizer, 2, 1);
  const before = tf.memory().numTensors;
  const r = await lib.train.finetuneBertClassifier(clf, texts, labels, {
    epochs: 30,
    batchSize: 10,
    lr: 1e-2,
    seed: 1,
    progress: false,
  });
  assert.equal(r.steps, 30 * 2);
  assert.equal(r.epochLoss.length, 30);
  assert.ok(
    r.epochLoss[r.epochLoss.length - 1] < 0.5 * r.epochLoss[0],
    `loss ${r.epochLoss[0].toFixed(3)} → ${r.epochLoss[r.epochLoss.length - 1].toFixed(3)}`,
  );
  const probs = await clf.predictProba(texts);
  const acc = labels.filter((y, i) => (probs[2 * i + 1] > probs[2 * i] ? 1 : 0) === y).length / labels.length;
  assert.ok(acc >= 0.9, `train accuracy ${acc}`);
  assert.equal(tf.memory().numTensors, before, "no tensors leak per step");
  assert.deepEqual(clf.paramCount().frozen, 0);
  clf.dispose();
});

test("PyTorch pytorch_model.bin (zip and legacy format) loads to the same weights as model.safetensors", async (t) => {
  if (!PY) {
    t.skip(NO_TORCH);
    return;
  }
  await lib.backend.initBackend();
  const dir = tmp("bin");
  bert.writeTinyBert(dir, { flavour: "bert", seed: 9 });
  const st = bert.readBertWeightFile(path.join(dir, "model.safetensors"));
  for (const legacy of [false, true]) {
    const bin = path.join(dir, legacy ? "legacy.bin" : "pytorch_model.bin");
    runPy("torch_save.py", [path.join(dir, "model.safetensors"), bin, legacy ? "legacy" : "zip"]);
    const pt = bert.readBertWeightFile(bin);
    assert.deepEqual(Object.keys(pt).sort(), Object.keys(st).sort(), `${legacy ? "legacy" : "zip"}: same tensors`);
    for (const k of Object.keys(st)) {
      assert.deepEqual(pt[k].shape, st[k].shape, k);
      assert.ok(maxAbsDiff(pt[k].data, st[k].data) === 0, `${k} (${legacy ? "legacy" : "zip"}) bit-identical`);
    }
  }
  // a folder with only pytorch_model.bin loads through it
  fs.rmSync(path.join(dir, "model.safetensors"));
  const { encoder, weightFile } = await bert.loadBert({ path: dir });
  assert.equal(path.basename(weightFile), "pytorch_model.bin");
  encoder.dispose();
});

test("PyTorch float16 and bfloat16 state dicts read as the float32 weights rounded to those types", async (t) => {
  if (!PY) {
    t.skip(NO_TORCH);
    return;
  }
  const dir = tmp("bin-half");
  bert.writeTinyBert(dir, { flavour: "bert", seed: 4 });
  const st = bert.readBertWeightFile(path.join(dir, "model.safetensors"));
  const u32 = new Uint32Array(1);
  const f32 = new Float32Array(u32.buffer);
  const toBf16 = (v) => {
    f32[0] = v;
    u32[0] = ((u32[0] + 0x7fff + ((u32[0] >>> 16) & 1)) >>> 16) << 16; // round to nearest even, as torch does
    return f32[0];
  };
  const rounders = { float16: (v) => lib.models.gpt.f16ToF32(lib.models.gpt.f32ToF16(v)), bfloat16: toBf16 };
  for (const [dtype, round] of Object.entries(rounders)) {
    const bin = path.join(dir, `${dtype}.bin`);
    runPy("torch_save.py", [path.join(dir, "model.safetensors"), bin, "zip", dtype]);
    const pt = bert.readBertWeightFile(bin);
    let changed = 0;
    for (const k of Object.keys(st)) {
      assert.deepEqual(pt[k].shape, st[k].shape, k);
      for (let i = 0; i < st[k].data.length; i++) {
        const want = round(st[k].data[i]);
        if (pt[k].data[i] !== want) assert.fail(`${dtype} ${k}[${i}]: ${pt[k].data[i]}, expected ${want}`);
        if (want !== st[k].data[i]) changed++;
      }
    }
    assert.ok(changed > 0, `${dtype}: the rounding changed some weights`);
  }
});

test("a folder with vocab.txt and no tokenizer.json gets the same WordPiece ids", async () => {
  await lib.backend.initBackend();
  const dir = tmp("vocab");
  const { vocab } = bert.writeTinyBert(dir, { seed: 4 });
  const a = (await bert.loadBert({ path: dir })).tokenizer;
  fs.rmSync(path.join(dir, "tokenizer.json"));
  fs.writeFileSync(path.join(dir, "vocab.txt"), vocab.join("\n") + "\n");
  const loaded = await bert.loadBert({ path: dir });
  for (const t of [...TEXTS, "Boringly long, unseen-words: ZEBRA!"])
    assert.deepEqual(loaded.tokenizer.encode(t), a.encode(t), t);
  assert.deepEqual(a.encode("the films"), [2, vocab.indexOf("the"), vocab.indexOf("film"), vocab.indexOf("##s"), 3]);
  assert.equal(a.padId, 0);
  loaded.encoder.dispose();
});

test("missing or corrupt files give EmbedlabErrors that name the file", async () => {
  await lib.backend.initBackend();
  const fresh = () => {
    const d = tmp("err");
    bert.writeTinyBert(d, { seed: 1 });
    return d;
  };
  const isNamed = (file, re) => (err) => {
    assert.ok(err instanceof lib.EmbedlabError, `${err.name}: ${err.message}`);
    assert.ok(err.message.includes(file), `message names ${file}: ${err.message}`);
    if (re) assert.match(err.message, re);
    return true;
  };
  let d = fresh();
  fs.rmSync(path.join(d, "model.safetensors"));
  await assert.rejects(bert.loadBert({ path: d }), isNamed("model.safetensors", /DataNotFound|not found/));
  d = fresh();
  fs.rmSync(path.join(d, "tokenizer.json"));
  await assert.rejects(bert.loadBert({ path: d }), isNamed("tokenizer.json"));
  d = fresh();
  const f = path.join(d, "model.safetensors");
  fs.writeFileSync(f, fs.readFileSync(f).subarray(0, 2000)); // truncated download
  await assert.rejects(bert.loadBert({ path: d }), isNamed(f, /corrupt/));
  d = fresh();
  fs.writeFileSync(path.join(d, "config.json"), "{ not json");
  await assert.rejects(bert.loadBert({ path: d }), isNamed(path.join(d, "config.json"), /not JSON/));
  d = fresh();
  const cfg = JSON.parse(fs.readFileSync(path.join(d, "config.json"), "utf8"));
  fs.writeFileSync(path.join(d, "config.json"), JSON.stringify({ ...cfg, hidden_size: 32 }));
  await assert.rejects(bert.loadBert({ path: d }), isNamed("model.safetensors", /shape/));
  d = fresh();
  fs.writeFileSync(path.join(d, "pytorch_model.bin"), "garbage");
  fs.rmSync(path.join(d, "model.safetensors"));
  await assert.rejects(bert.loadBert({ path: d }), isNamed("pytorch_model.bin", /not a torch\.save file/));
  assert.throws(
    () => bert.bertConfigFromHf({ hidden_size: 8, hidden_act: "relu" }, "x/config.json"),
    isNamed("x/config.json", /hidden_act "relu"/),
  );
});

test("loadBert offline with nothing on disk: DataNotFoundError naming the model and the download switch", async () => {
  const saved = { ...process.env };
  process.env.EMBEDLAB_CACHE_DIR = tmp("cache");
  process.env.HF_HUB_CACHE = tmp("hub");
  delete process.env.EMBEDLAB_ALLOW_REMOTE;
  try {
    await assert.rejects(bert.loadBert({ allowRemote: false }), (err) => {
      assert.equal(err.name, "DataNotFoundError");
      assert.match(err.message, /google\/electra-base-discriminator/);
      assert.match(err.message, /EMBEDLAB_ALLOW_REMOTE=1/);
      return true;
    });
  } finally {
    process.env = saved;
  }
});

test("download: 404s move on to vocab.txt and pytorch_model.bin; files land in the project cache", async (t) => {
  await lib.backend.initBackend();
  const src = tmp("hub-src");
  const { vocab } = bert.writeTinyBert(src, { seed: 6 });
  fs.rmSync(path.join(src, "tokenizer.json"));
  fs.writeFileSync(path.join(src, "vocab.txt"), vocab.join("\n") + "\n");
  if (PY) {
    runPy("torch_save.py", [path.join(src, "model.safetensors"), path.join(src, "pytorch_model.bin"), "zip"]);
    fs.rmSync(path.join(src, "model.safetensors"));
  }
  const asked = [];
  const server = http.createServer((req, res) => {
    const m = /^\/org\/tiny\/resolve\/main\/(.+)$/.exec(req.url);
    asked.push(m ? m[1] : req.url);
    const f = m && path.join(src, m[1]);
    if (!f || !fs.existsSync(f)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "X-Repo-Commit": "a".repeat(40) }).end(fs.readFileSync(f));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const saved = { ...process.env };
  process.env.HF_ENDPOINT = `http://127.0.0.1:${server.address().port}`;
  process.env.EMBEDLAB_CACHE_DIR = tmp("dl-cache");
  process.env.HF_HUB_CACHE = tmp("dl-hub");
  try {
    const loaded = await bert.loadBert({ modelId: "org/tiny", allowRemote: true });
    const weights = PY ? "pytorch_model.bin" : "model.safetensors";
    assert.equal(path.basename(loaded.weightFile), weights);
    assert.equal(loaded.dir, lib.models.hfLocalModelPath("org/tiny"));
    assert.deepEqual(
      fs
        .readdirSync(loaded.dir)
        .filter((f) => !f.startsWith("."))
        .sort(),
      ["config.json", "tokenizer_config.json", "vocab.txt", weights].sort(),
    );
    assert.ok(asked.includes("tokenizer.json") && asked.includes("vocab.txt"), asked.join());
    if (PY) assert.ok(asked.includes("model.safetensors"), "safetensors asked for first");
    else t.diagnostic(`${NO_TORCH}: the pytorch_model.bin fallback is not exercised`);
    assert.deepEqual(loaded.tokenizer.encode("the films"), [
      2,
      vocab.indexOf("the"),
      vocab.indexOf("film"),
      vocab.indexOf("##s"),
      3,
    ]);
    loaded.encoder.dispose();
  } finally {
    process.env = saved;
    server.close();
  }
});
