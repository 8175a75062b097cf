// transformers.js providers offline: the missing-model error, the local model path, and a tiny BERT-like
// model that this test writes itself (an ONNX Gather graph from the stand-in hub's builder + WordPiece tokenizer.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { models } = require("@embedlab/lib");
// the ONNX builder the stand-in hub uses (ci/src/standin/onnx-graph.ts)
const { OnnxGraph } = require("../ci/dist/standin/onnx-graph.js");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-hf-"));
process.env.EMBEDLAB_CACHE_DIR = tmp;
delete process.env.EMBEDLAB_ALLOW_REMOTE;
delete process.env.EMBEDLAB_PROFILE;

/** ONNX model: last_hidden_state = Gather(E[V,H], input_ids); attention_mask is a declared input. */
function tinyOnnx(E, V, H) {
  const g = new OnnxGraph("tiny");
  g.op("Gather", [g.weight("embeddings.weight", [V, H], Float32Array.from(E)), "input_ids"], {}, "last_hidden_state");
  return g.encode(
    [
      { name: "input_ids", type: "int64", dims: ["batch", "seq"] },
      { name: "attention_mask", type: "int64", dims: ["batch", "seq"] },
    ],
    [{ name: "last_hidden_state", type: "float32", dims: ["batch", "seq", H] }],
  );
}

const VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "king", "queen", "carrot", "the", "##s"];
const H = 4;
const E = [];
for (let i = 0; i < VOCAB.length; i++) for (let j = 0; j < H; j++) E.push(Math.sin(i * 1.3 + j * 0.7 + 1));

function writeTinyBert(modelId) {
  const dir = models.hfLocalModelPath(modelId);
  fs.mkdirSync(path.join(dir, "onnx"), { recursive: true });
  fs.writeFileSync(path.join(dir, "onnx", "model.onnx"), tinyOnnx(E, VOCAB.length, H));
  fs.writeFileSync(
    path.join(dir, "config.json"),
    JSON.stringify({ model_type: "bert", architectures: ["BertModel"], hidden_size: H, vocab_size: VOCAB.length }),
  );
  fs.writeFileSync(
    path.join(dir, "tokenizer_config.json"),
    JSON.stringify({
      tokenizer_class: "BertTokenizer",
      do_lower_case: true,
      model_max_length: 64,
      cls_token: "[CLS]",
      sep_token: "[SEP]",
      pad_token: "[PAD]",
      unk_token: "[UNK]",
    }),
  );
  fs.writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify(models.bert.wordPieceTokenizerJson(VOCAB)));
  return dir;
}

/** Expected sentence vector: normalised mean of the token rows. */
function expected(tokens) {
  const v = new Float64Array(H);
  for (const t of tokens) for (let j = 0; j < H; j++) v[j] += E[VOCAB.indexOf(t) * H + j] / tokens.length;
  const n = Math.hypot(...v);
  return [...v].map((x) => x / n);
}

test("hub models resolve under cacheDir('hf')/<org>/<name>", () => {
  assert.equal(models.hfModelRoot(), path.join(tmp, "hf"));
  assert.equal(models.hfLocalModelPath("Xenova/all-MiniLM-L6-v2"), path.join(tmp, "hf", "Xenova", "all-MiniLM-L6-v2"));
});

test("offline, a missing hub model is an EmbedlabError naming the model and how to get it", async () => {
  const check = (e) => {
    assert.equal(e.name, "EmbedlabError");
    assert.match(e.message, /Xenova\/all-MiniLM-L6-v2/);
    assert.match(e.message, /EMBEDLAB_ALLOW_REMOTE=1/);
    assert.ok(e.message.includes(path.join(tmp, "hf", "Xenova", "all-MiniLM-L6-v2")), e.message);
    return true;
  };
  await assert.rejects(models.loadTextEncoder("hf:Xenova/all-MiniLM-L6-v2"), check);
  await assert.rejects(models.loadTextEncoder("hf:Xenova/all-MiniLM-L6-v2", { profile: "quick" }), check);
  await assert.rejects(
    models.loadTextEncoder("hf-clip-text:Xenova/clip-vit-base-patch32"),
    /clip-vit-base-patch32[\s\S]*EMBEDLAB_ALLOW_REMOTE/,
  );
  await assert.rejects(
    models.loadImageEncoder("hf:Xenova/clip-vit-base-patch32"),
    /clip-vit-base-patch32[\s\S]*EMBEDLAB_ALLOW_REMOTE/,
  );
  await assert.rejects(
    models.hfZeroShot("Xenova/nli-deberta-v3-xsmall", { a: ["x"], b: ["y"] }),
    /nli-deberta-v3-xsmall[\s\S]*EMBEDLAB_ALLOW_REMOTE/,
  );
});

test("a local transformers.js model loads offline: mean pooling over real tokens, normalised", async () => {
  writeTinyBert("test-org/tiny-bert");
  const enc = await models.loadTextEncoder("hf:test-org/tiny-bert");
  assert.equal(enc.id, "hf:test-org/tiny-bert");
  assert.equal(enc.dim, H);
  assert.equal(enc.provenance.id, "test-org/tiny-bert");
  // Different lengths in one batch: padding must not enter the mean.
  const texts = ["The King", "kings zzz", "the"];
  const got = await enc.embed(texts, { batchSize: 3 });
  const want = [
    expected(["[CLS]", "the", "king", "[SEP]"]),
    expected(["[CLS]", "king", "##s", "[UNK]", "[SEP]"]),
    expected(["[CLS]", "the", "[SEP]"]),
  ];
  got.forEach((v, i) =>
    v.forEach((x, j) => assert.ok(Math.abs(x - want[i][j]) < 1e-5, `text ${i} dim ${j}: ${x} vs ${want[i][j]}`)),
  );
  // Batch size 1 gives the same vectors.
  const one = await enc.embed(texts, { batchSize: 1 });
  one.forEach((v, i) => assert.ok(models.cosine(v, got[i]) > 0.99999));
  // And it composes with the disk cache.
  const cached = models.cachedEncoder(enc);
  await cached.embed(texts);
  await models
    .cachedEncoder(enc)
    .embed(texts)
    .then((v) => assert.ok(models.cosine(v[0], got[0]) > 0.99999));
});

test("offline, a partly present model (config but no weights) is reported the same way", async () => {
  const dir = models.hfLocalModelPath("test-org/half-model");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ model_type: "bert" }));
  await assert.rejects(models.loadTextEncoder("hf:test-org/half-model"), (e) => {
    assert.equal(e.name, "EmbedlabError");
    assert.match(e.message, /test-org\/half-model[\s\S]*not available offline[\s\S]*EMBEDLAB_ALLOW_REMOTE=1/);
    return true;
  });
});
