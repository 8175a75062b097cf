// Text encoders (USE-lite, cached vectors, OpenAI key check), the on-disk embedding cache and
// zero-shot classification. Everything offline; caches go to temp dirs.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const { models } = lib;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-models-"));
process.env.EMBEDLAB_CACHE_DIR = tmp;
delete process.env.EMBEDLAB_ALLOW_REMOTE;
delete process.env.OPENAI_API_KEY;

const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

test("USE-lite tokenizer matches the reference SentencePiece ids", () => {
  const vocab = JSON.parse(fs.readFileSync(path.join(models.useLiteModelDir(), "vocab.json"), "utf8"));
  const tok = new models.UseTokenizer(vocab);
  // Ids produced by @energetic-ai/embeddings' tokenizer (the tfjs-models reference) for this string.
  assert.deepEqual(tok.encode("Hello world, this is a test."), [341, 4125, 311, 8, 43, 18, 11, 748, 6]);
  assert.deepEqual(tok.encode(""), []);
});

test("USE-lite: 512-d unit vectors, paraphrase closer than an unrelated sentence", async () => {
  const enc = await models.loadTextEncoder("use-lite");
  assert.equal(enc.id, "use-lite");
  assert.equal(enc.dim, 512);
  assert.ok(enc.provenance.source.includes("model-embeddings-en"));
  const [a, b, c, empty] = await enc.embed(
    ["The cat sat on the mat.", "A cat was sitting on the rug.", "Quarterly profits beat analyst expectations.", ""],
    { batchSize: 2 },
  );
  for (const v of [a, b, c]) {
    assert.equal(v.length, 512);
    assert.ok(Math.abs(norm(v) - 1) < 1e-4, `norm ${norm(v)}`);
  }
  assert.equal(norm(empty), 0, "empty text gives the zero vector");
  const para = models.cosine(a, b);
  const unrel = models.cosine(a, c);
  assert.ok(para > unrel + 0.2, `paraphrase ${para} vs unrelated ${unrel}`);
  // Batching does not change results, to the bit: a text's vector does not depend on the other texts of the call
  // (before texts were batched by token count, a long sentence in the same call changed the CIFAR-10 names' vectors by ~2e-7).
  const [a1] = await enc.embed(["The cat sat on the mat."], { batchSize: 64 });
  assert.deepEqual(Array.from(a1), Array.from(a));
  const names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];
  const alone = await enc.embed(names);
  const mixed = await enc.embed(["a b c d e f g h i j k l m n o p", ...names, "", "x"], { batchSize: 3 });
  names.forEach((n, i) => assert.deepEqual(Array.from(mixed[i + 1]), Array.from(alone[i]), n));
  assert.equal(norm(mixed[11]), 0);
  const raw = await models.loadTextEncoder("use-lite", { normalize: false });
  const [r] = await raw.embed(["The cat sat on the mat."]);
  assert.ok(models.cosine(r, a) > 0.99999);
});

test("cached:<file.json> looks up vectors and names missing texts", async () => {
  const file = path.join(tmp, "labels.json");
  fs.writeFileSync(file, JSON.stringify({ cat: [3, 4, 0], dog: [0, 0, 2] }));
  const enc = await models.loadTextEncoder(`cached:${file}`);
  assert.equal(enc.dim, 3);
  const [c, d] = await enc.embed(["cat", "dog"]);
  assert.deepEqual(
    [...c].map((x) => +x.toFixed(6)),
    [0.6, 0.8, 0],
  );
  assert.deepEqual([...d], [0, 0, 1]);
  const raw = await models.loadTextEncoder(`cached:${file}`, { normalize: false });
  assert.deepEqual([...(await raw.embed(["cat"]))[0]], [3, 4, 0]);
  await assert.rejects(
    enc.embed(["cat", "zebra", "okapi"]),
    (e) => e.name === "EmbedlabError" && /zebra/.test(e.message) && /okapi/.test(e.message) && /2 text/.test(e.message),
  );
  fs.writeFileSync(path.join(tmp, "bad.json"), JSON.stringify({ a: [1, 2], b: [1] }));
  await assert.rejects(models.loadTextEncoder(`cached:${path.join(tmp, "bad.json")}`), /entry "b" has 1 numbers/);
  await assert.rejects(
    models.loadTextEncoder(`cached:${path.join(tmp, "nope.json")}`),
    (e) => e.name === "DataNotFoundError",
  );
});

function countingEncoder(dim = 4) {
  const calls = [];
  return {
    calls,
    enc: {
      id: "fake:counting",
      dim,
      provenance: { id: "counting-v1", source: "test" },
      async embed(texts) {
        calls.push([...texts]);
        return texts.map((t) => Float32Array.from({ length: dim }, (_, i) => t.length + i));
      },
    },
  };
}

test("cachedEncoder: second call is served from disk without calling the inner encoder", async () => {
  const dir = path.join(tmp, "cache-a");
  const { enc, calls } = countingEncoder();
  const cached = models.cachedEncoder(enc, { dir });
  const first = await cached.embed(["alpha", "be", "alpha"]);
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0], ["alpha", "be"], "duplicates computed once");
  assert.deepEqual([...first[0]], [5, 6, 7, 8]);
  assert.deepEqual([...first[2]], [5, 6, 7, 8]);
  // A fresh wrapper (a re-run) over the same directory: no inner call at all.
  const again = models.cachedEncoder(enc, { dir });
  const second = await again.embed(["alpha", "be"]);
  assert.equal(calls.length, 1, "inner encoder was called again");
  assert.deepEqual([...second[1]], [2, 3, 4, 5]);
  assert.deepEqual(again.cacheStats, { hits: 2, misses: 0 });
  // Only the new text is computed.
  await again.embed(["alpha", "gamma"]);
  assert.deepEqual(calls[1], ["gamma"]);
  // Files live under <dir>/<provider>/<model>/; no temp files left behind.
  const files = fs.readdirSync(dir, { recursive: true }).map(String);
  assert.ok(files.some((f) => f.startsWith("fake") && f.endsWith(".f32")));
  assert.ok(!files.some((f) => f.endsWith(".tmp")));
  // A truncated cache file is a miss, recomputed.
  const one = files.find((f) => f.endsWith(".f32"));
  fs.writeFileSync(path.join(dir, one), Buffer.alloc(3));
  const third = models.cachedEncoder(enc, { dir });
  await third.embed(["alpha", "be", "gamma"]);
  assert.equal(third.cacheStats.misses, 1);
  // A different model id does not share entries.
  const other = models.cachedEncoder({ ...enc, provenance: { id: "counting-v2", source: "test" } }, { dir });
  await other.embed(["alpha"]);
  assert.equal(other.cacheStats.misses, 1);
});

test("cachedEncoder defaults to cacheDir('embeddings')", async () => {
  const { enc } = countingEncoder();
  const cached = models.cachedEncoder(enc);
  assert.ok(cached.cacheRoot.startsWith(path.join(tmp, "embeddings")), cached.cacheRoot);
});

test("cachedEncoder wraps image encoders (raw pixels and buffers)", async () => {
  let n = 0;
  const inner = {
    id: "fake-img",
    dim: 2,
    provenance: { id: "fake-img", source: "test" },
    async embedImages(images) {
      n += images.length;
      return images.map((im) => Float32Array.of(im.width ?? im.length, 1));
    },
  };
  const dir = path.join(tmp, "cache-img");
  const img = { data: new Uint8Array(2 * 3 * 3).fill(7), width: 2, height: 3 };
  const a = await models.cachedEncoder(inner, { dir }).embedImages([img, Buffer.from("xyz")]);
  const b = await models.cachedEncoder(inner, { dir }).embedImages([img, Buffer.from("xyz")]);
  assert.equal(n, 2);
  assert.deepEqual(
    b.map((v) => [...v]),
    a.map((v) => [...v]),
  );
  await models.cachedEncoder(inner, { dir }).embedImages([{ ...img, data: new Uint8Array(18).fill(8) }]);
  assert.equal(n, 3, "different pixels are a different key");
  // Files are keyed by content: the same bytes under another name are a hit.
  fs.writeFileSync(path.join(tmp, "a.bin"), "same-bytes");
  fs.writeFileSync(path.join(tmp, "b.bin"), "same-bytes");
  await models.cachedEncoder(inner, { dir }).embedImages([path.join(tmp, "a.bin"), path.join(tmp, "b.bin")]);
  assert.equal(n, 4);
  await assert.rejects(
    models.cachedEncoder(inner, { dir }).embedImages([path.join(tmp, "missing.jpg")]),
    (e) => e.name === "DataNotFoundError",
  );
});

test("zero-shot by prompt-ensemble centroids classifies obvious sentences", async () => {
  const enc = await models.loadTextEncoder("use-lite");
  const clf = models.zeroShotClassifier(enc, {
    sports: ["a sentence about sports", "a football match", "the team won the game"],
    food: ["a sentence about food", "cooking a meal", "a tasty dish"],
    weather: ["a sentence about the weather", "it is raining", "a sunny forecast"],
  });
  const res = await clf.classify([
    "The striker scored twice and his team won the championship.",
    "Add the garlic and simmer the tomato sauce for ten minutes.",
    "Heavy snow and strong winds are expected tomorrow.",
  ]);
  assert.deepEqual(
    res.map((r) => r.label),
    ["sports", "food", "weather"],
  );
  for (const r of res) {
    assert.deepEqual(Object.keys(r.scores).sort(), ["food", "sports", "weather"]);
    assert.equal(Math.max(...Object.values(r.scores)), r.scores[r.label]);
  }
  assert.throws(() => models.zeroShotClassifier(enc, { only: ["x"] }), /at least two labels/);
  assert.throws(() => models.zeroShotClassifier(enc, { a: ["x"], b: [] }), /label "b" has no prompts/);
});

test("openai: without a key → a clear error; unknown ids are rejected", async () => {
  await assert.rejects(
    models.loadTextEncoder("openai:text-embedding-3-small"),
    (e) => e.name === "EmbedlabError" && /OPENAI_API_KEY/.test(e.message),
  );
  await assert.rejects(models.loadTextEncoder("bert-base"), /unknown text encoder "bert-base"[\s\S]*use-lite/);
  await assert.rejects(models.loadTextEncoder("hf:"), /missing its argument/);
  await assert.rejects(models.loadImageEncoder("resnet"), /unknown image encoder/);
});

test("openai: batched requests, results cached on disk (fake endpoint)", async () => {
  const http = await import("node:http");
  let requests = 0;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      requests++;
      const { input } = JSON.parse(body);
      assert.equal(req.headers.authorization, "Bearer sk-test");
      const data = input.map((t, i) => ({ index: i, embedding: [t.length, 1, 0] })).reverse();
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ data }));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const baseUrl = `http://127.0.0.1:${server.address().port}/v1`;
  try {
    const opts = {
      apiKey: "sk-test",
      baseUrl,
      dimensions: 3,
      normalize: false,
      cache: { dir: path.join(tmp, "cache-openai") },
    };
    const enc = await models.loadTextEncoder("openai:text-embedding-3-small", opts);
    const texts = Array.from({ length: 5 }, (_, i) => "x".repeat(i + 1));
    const v = await enc.embed(texts, { batchSize: 2 });
    assert.equal(requests, 3);
    assert.deepEqual(
      v.map((x) => x[0]),
      [1, 2, 3, 4, 5],
    );
    const enc2 = await models.loadTextEncoder("openai:text-embedding-3-small", opts);
    await enc2.embed(texts);
    assert.equal(requests, 3, "second run made requests");
  } finally {
    server.close();
  }
});

test("remoteAllowed: option, profile and environment", () => {
  assert.equal(models.remoteAllowed({}), false);
  assert.equal(models.remoteAllowed({ profile: "full" }), true);
  assert.equal(models.remoteAllowed({ profile: "full", allowRemote: false }), false);
  process.env.EMBEDLAB_ALLOW_REMOTE = "1";
  try {
    assert.equal(models.remoteAllowed({}), true);
  } finally {
    delete process.env.EMBEDLAB_ALLOW_REMOTE;
  }
});

test("embedInBatches (shared by the HF encoders): chunk sizes, order, and the hf rows() shape check", async () => {
  const { embedInBatches } = require("@embedlab/lib/dist/models/embed-batches.js");
  const { rows } = require("@embedlab/lib/dist/models/hf-text.js");
  const seen = [];
  const out = await embedInBatches([1, 2, 3, 4, 5], 2, undefined, async (chunk) => {
    seen.push(chunk.length);
    return chunk.map((v) => new Float32Array([v, -v]));
  });
  assert.deepEqual(seen, [2, 2, 1]);
  assert.deepEqual(
    out.map((v) => v[0]),
    [1, 2, 3, 4, 5],
  );
  assert.deepEqual(await embedInBatches([], 0, "x", async () => assert.fail("no chunk expected")), []);
  const r = rows({ dims: [2, 3], data: [1, 2, 3, 4, 5, 6] }, 2);
  assert.deepEqual(
    r.map((v) => [...v]),
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
  );
  assert.throws(() => rows({ dims: [3, 2], data: [1, 2, 3, 4, 5, 6] }, 2), /unexpected output shape/);
});

test("tfjsModelParamCount sums the weight shapes of a model.json it writes", async () => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nb02-"));
  const f = path.join(dir, "model.json");
  fs.writeFileSync(
    f,
    JSON.stringify({
      weightsManifest: [
        {
          paths: ["a"],
          weights: [
            { name: "w", shape: [3, 4] },
            { name: "b", shape: [4] },
          ],
        },
        { paths: ["b"], weights: [{ name: "s", shape: [] }] },
      ],
    }),
  );
  assert.equal(lib.models.tfjsModelParamCount(f), 17);
  fs.writeFileSync(f, JSON.stringify({ format: "graph-model" }));
  assert.throws(() => lib.models.tfjsModelParamCount(f), /no weightsManifest/);
  fs.rmSync(dir, { recursive: true, force: true });
});
