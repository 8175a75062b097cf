// Hub access like the Hugging Face tools: HF_ENDPOINT honoured by every downloader (transformers.js through the
// project's atomic cache, the GPT-2 safetensors downloader), failed downloads named (model, URL, cause, fix),
// nothing half-downloaded left behind, and the commit the hub reports recorded for the results.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const { models } = lib;
const core = lib;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-hub-"));
process.env.EMBEDLAB_CACHE_DIR = path.join(tmp, "cache");
process.env.HF_HOME = path.join(tmp, "hf-home"); // no Python hub snapshots from this machine
delete process.env.HF_HUB_CACHE;
delete process.env.EMBEDLAB_PROFILE;
process.env.EMBEDLAB_ALLOW_REMOTE = "1";
// A port nothing listens on (fetch refuses the discard port 9 itself as a "bad port" before connecting).
let UNREACHABLE;

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const TOKENIZER = {
  version: "1.0",
  truncation: null,
  padding: null,
  added_tokens: [
    { id: 0, content: "[UNK]", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
  ],
  normalizer: null,
  pre_tokenizer: { type: "Whitespace" },
  post_processor: null,
  decoder: null,
  model: {
    type: "WordPiece",
    vocab: { "[UNK]": 0, hello: 1, world: 2 },
    unk_token: "[UNK]",
    continuing_subword_prefix: "##",
    max_input_chars_per_word: 100,
  },
};
/** What the stand-in hub serves: `/<id>/resolve/main/<file>`; "truncated" files announce more bytes than they send. */
const FILES = {
  "test-org/tok/resolve/main/tokenizer.json": JSON.stringify(TOKENIZER),
  "test-org/tok/resolve/main/tokenizer_config.json": JSON.stringify({ tokenizer_class: "BertTokenizer" }),
  "test-org/tok/resolve/main/config.json": JSON.stringify({ model_type: "bert" }),
  "test-org/gpt2ish/resolve/main/config.json": JSON.stringify({ n_layer: 1 }),
};
const TRUNCATED = new Set(["test-org/gpt2ish/resolve/main/model.safetensors"]);
const requests = [];
let server;
let endpoint;

before(async () => {
  server = http.createServer((req, res) => {
    const p = decodeURIComponent(req.url.split("?")[0]).replace(/^\//, "");
    requests.push(`${req.method} /${p}`);
    if (TRUNCATED.has(p)) {
      res.writeHead(200, { "content-length": "1000", "x-repo-commit": COMMIT });
      res.write("x".repeat(100));
      setTimeout(() => res.destroy(), 20);
      return;
    }
    const body = FILES[p];
    if (body === undefined) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("Entry not found");
      return;
    }
    res.writeHead(200, { "content-length": Buffer.byteLength(body), "x-repo-commit": COMMIT, etag: '"abc"' });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${server.address().port}`;
  const closed = http.createServer();
  await new Promise((r) => closed.listen(0, "127.0.0.1", r));
  UNREACHABLE = `http://127.0.0.1:${closed.address().port}`;
  await new Promise((r) => closed.close(r));
});
after(() => {
  server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every file below `dir` (relative), for "nothing left behind" checks. */
function filesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}
const hfRoot = () => path.join(process.env.EMBEDLAB_CACHE_DIR, "hf");

test("HF_ENDPOINT: default huggingface.co, trailing slash dropped, a non-URL is an EmbedlabError", () => {
  assert.equal(models.hubEndpoint({}), "https://huggingface.co");
  assert.equal(models.hubEndpoint({ HF_ENDPOINT: "https://hf-mirror.com/" }), "https://hf-mirror.com");
  assert.equal(
    models.hubFileUrl("org/m", "onnx/model.onnx", "main", { HF_ENDPOINT: "http://h:1" }),
    "http://h:1/org/m/resolve/main/onnx/model.onnx",
  );
  assert.throws(() => models.hubEndpoint({ HF_ENDPOINT: "hf-mirror.com" }), /HF_ENDPOINT="hf-mirror.com" is not a URL/);
});

test("the Python hub cache: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub", () => {
  assert.equal(models.pythonHubCache({ HF_HUB_CACHE: "/a", HF_HOME: "/b" }), "/a");
  assert.equal(models.pythonHubCache({ HF_HOME: "/b" }), path.join("/b", "hub"));
  assert.equal(models.pythonHubCache({}), path.join(os.homedir(), ".cache", "huggingface", "hub"));
});

test("transformers.js downloads from HF_ENDPOINT into the cache, atomically, and the commit is recorded", async () => {
  process.env.HF_ENDPOINT = endpoint;
  core.resetRuntime();
  const transformers = require("@huggingface/transformers");
  const tok = await models.hfLoad("test-org/tok", {}, "fp32", () =>
    Promise.all([
      transformers.AutoTokenizer.from_pretrained("test-org/tok"),
      transformers.AutoConfig.from_pretrained("test-org/tok"),
    ]).then(([t]) => t),
  );
  assert.deepEqual(Array.from(tok.encode("hello world", { add_special_tokens: false })), [1, 2]);
  assert.ok(requests.includes("GET /test-org/tok/resolve/main/tokenizer.json"), requests.join("\n"));
  const dir = path.join(hfRoot(), "test-org", "tok");
  assert.deepEqual(fs.readdirSync(dir).sort(), [
    ".embedlab-commit",
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
  ]);
  assert.deepEqual(filesUnder(path.join(hfRoot(), ".partial")), []);
  const m = core.runtimeRecord().models.find((x) => x.id === "test-org/tok");
  assert.equal(m.commit, COMMIT);
  assert.equal(m.source, `${endpoint}/test-org/tok`);
  // later, offline: loaded from the cache folder, and the commit it was downloaded at is still reported
  core.resetRuntime();
  const n = requests.length;
  await models.hfLoad("test-org/tok", { allowRemote: false }, "fp32", () =>
    Promise.all([
      transformers.AutoTokenizer.from_pretrained("test-org/tok"),
      transformers.AutoConfig.from_pretrained("test-org/tok"),
    ]).then(([t]) => t),
  );
  assert.equal(requests.length, n, "no request offline");
  assert.deepEqual(core.runtimeRecord().models, [
    { id: "test-org/tok", revision: "main", commit: COMMIT, source: dir },
  ]);
});

test("transformers.js: a 404 is an EmbedlabError naming the model, the URL and the fix; no model folder is made", async () => {
  process.env.HF_ENDPOINT = endpoint;
  const err = await models.loadHfTextEncoder("test-org/missing").then(
    () => assert.fail("should fail"),
    (e) => e,
  );
  assert.equal(err.name, "EmbedlabError");
  assert.match(err.message, /"test-org\/missing"/);
  assert.match(err.message, new RegExp(`${endpoint}/test-org/missing/resolve/main/\\S+`));
  assert.match(err.message, /404/);
  assert.match(err.message, /HF_ENDPOINT/);
  assert.match(err.message, /profile "quick"/);
  assert.equal(fs.existsSync(path.join(hfRoot(), "test-org", "missing")), false);
});

test("transformers.js: connection refused names the model, the URL, ECONNREFUSED; nothing is written", async () => {
  process.env.HF_ENDPOINT = UNREACHABLE;
  const err = await models.loadHfTextEncoder("test-org/offline-model").then(
    () => assert.fail("should fail"),
    (e) => e,
  );
  assert.equal(err.name, "EmbedlabError");
  assert.match(err.message, /"test-org\/offline-model"/);
  assert.match(err.message, new RegExp(`${UNREACHABLE}/test-org/offline-model/resolve/main/\\S+`));
  assert.match(err.message, /ECONNREFUSED/);
  assert.doesNotMatch(err.message, /^TypeError/);
  assert.equal(fs.existsSync(path.join(hfRoot(), "test-org", "offline-model")), false);
});

test("the atomic cache: a response that breaks off leaves no file and no folder", async () => {
  const root = path.join(tmp, "atomic");
  const c = models.atomicHubCache(root, endpoint);
  const res = await fetch(`${endpoint}/test-org/gpt2ish/resolve/main/model.safetensors`);
  await assert.rejects(c.put(`${endpoint}/test-org/gpt2ish/resolve/main/model.safetensors`, res));
  assert.deepEqual(fs.readdirSync(root), []); // no file, no model folder, no staging folder
});

test("the atomic cache: files stored at once all arrive, even when a file's open is slow", async () => {
  // transformers.js stores a model's files concurrently. One put finishing removes the staging folder once it is
  // empty; a put that has just started must already have its file in there, not an open still on the thread pool.
  // Every asynchronous open of a staging file is held back 40 ms, as a busy thread pool may do.
  const root = path.join(tmp, "atomic-concurrent");
  const c = models.atomicHubCache(root, endpoint);
  const url = (f) => `${endpoint}/test-org/many/resolve/main/${f}`;
  const cjsFs = require("node:fs"); // the object the write streams open through
  const realOpen = cjsFs.open;
  cjsFs.open = function (file, ...rest) {
    if (String(file).endsWith(".part")) setTimeout(() => realOpen.call(cjsFs, file, ...rest), 40);
    else realOpen.call(cjsFs, file, ...rest);
  };
  try {
    const first = c.put(url("a.json"), new Response('{"a":1}'));
    await new Promise((r) => setTimeout(r, 10));
    const second = c.put(url("b.json"), new Response('{"b":2}'));
    await Promise.all([first, second]);
  } finally {
    cjsFs.open = realOpen;
  }
  assert.equal(fs.readFileSync(path.join(root, "test-org", "many", "a.json"), "utf8"), '{"a":1}');
  assert.equal(fs.readFileSync(path.join(root, "test-org", "many", "b.json"), "utf8"), '{"b":2}');
  assert.equal(fs.existsSync(path.join(root, ".partial")), false);
});

test("the atomic cache: two caches storing the same file at once each stage their own copy", async () => {
  const root = path.join(tmp, "atomic-same-file");
  const key = `${endpoint}/test-org/same/resolve/main/weights.bin`;
  const bodies = ["A", "B"].map((ch) => ch.repeat(1 << 16));
  const caches = bodies.map(() => models.atomicHubCache(root, endpoint));
  const responses = bodies.map((b) => new Response(b));
  await Promise.all(caches.map((c, i) => c.put(key, responses[i]))); // back to back: usually within one millisecond
  const got = fs.readFileSync(path.join(root, "test-org", "same", "weights.bin"), "utf8");
  assert.ok(bodies.includes(got), `one whole copy, not a mix (${got.length} bytes)`);
  assert.equal(fs.existsSync(path.join(root, ".partial")), false);
});

test("GPT-2 downloader: HF_ENDPOINT honoured; a broken-off file leaves no partial file and no empty model folder", async () => {
  process.env.HF_ENDPOINT = endpoint;
  const before = requests.length;
  const err = await models.gpt.loadGpt2({ modelId: "test-org/gpt2ish" }).then(
    () => assert.fail("should fail"),
    (e) => e,
  );
  assert.ok(requests.slice(before).includes("GET /test-org/gpt2ish/resolve/main/config.json"));
  assert.equal(err.name, "EmbedlabError");
  assert.match(err.message, /"test-org\/gpt2ish"/);
  assert.match(err.message, new RegExp(`${endpoint}/test-org/gpt2ish/resolve/main/model.safetensors`));
  assert.match(err.message, /broke off/);
  assert.equal(fs.existsSync(path.join(hfRoot(), "test-org", "gpt2ish")), false);
  assert.equal(fs.existsSync(path.join(hfRoot(), ".partial")), false); // no staging folder left either
});

test("GPT-2 downloader: 404 and connection refused are named errors with the URL and the fix", async () => {
  process.env.HF_ENDPOINT = endpoint;
  const e404 = await models.gpt.loadGpt2({ modelId: "test-org/nope" }).then(assert.fail, (e) => e);
  assert.match(
    e404.message,
    /could not download hub model "test-org\/nope" from http:\S+\/test-org\/nope\/resolve\/main\/config\.json: HTTP 404/,
  );
  assert.match(e404.message, /HF_ENDPOINT/);
  process.env.HF_ENDPOINT = UNREACHABLE;
  const eRefused = await models.gpt.loadGpt2().then(assert.fail, (e) => e);
  assert.equal(eRefused.name, "EmbedlabError");
  assert.match(
    eRefused.message,
    new RegExp(
      `"openai-community/gpt2" from ${UNREACHABLE}/openai-community/gpt2/resolve/main/config.json: ECONNREFUSED`,
    ),
  );
  assert.match(eRefused.message, /profile "quick"/);
  assert.equal(fs.existsSync(path.join(hfRoot(), "openai-community", "gpt2")), false);
});

test("downloadHubFiles fetches only missing files, records X-Repo-Commit, renames into place", async () => {
  process.env.HF_ENDPOINT = endpoint;
  const dir = path.join(tmp, "dl", "test-org", "tok");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "tokenizer_config.json"), "{}");
  const r = await models.downloadHubFiles("test-org/tok", ["tokenizer.json", "tokenizer_config.json"], dir, {
    partialDir: path.join(tmp, "dl", ".partial"),
  });
  assert.deepEqual(r.fetched, ["tokenizer.json"]);
  assert.equal(r.commit, COMMIT);
  assert.equal(fs.readFileSync(path.join(dir, "tokenizer_config.json"), "utf8"), "{}");
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "tokenizer.json"), "utf8")), TOKENIZER);
  assert.deepEqual(filesUnder(path.join(tmp, "dl", ".partial")), []);
});
