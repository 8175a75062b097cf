// The stand-in hub: every model of the full profile (models.HUB_MODELS) generated as a tiny random-weight
// repository, served on loopback under the hub's URL scheme, and loaded through the project's own loaders
// from a fresh empty cache with HF_ENDPOINT pointing at it: shapes, finite values, and the fake commit recorded.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-standin-"));
process.env.EMBEDLAB_CACHE_DIR = path.join(tmp, "cache");
process.env.HF_HOME = path.join(tmp, "hf-home"); // no Python hub snapshots from this machine
process.env.EMBEDLAB_DEVICE = "cpu";
delete process.env.HF_HUB_CACHE;
delete process.env.EMBEDLAB_DTYPE;
delete process.env.EMBEDLAB_PROFILE;
delete process.env.EMBEDLAB_ALLOW_REMOTE;

const lib = require("@embedlab/lib");
const { models, experiments } = lib;
const tf = require("@tensorflow/tfjs");
const { generateStandins, standinCommit, readManifest, MANIFEST } = require("../ci/dist/standin/generate.js");
const { startHubServer } = require("../ci/dist/standin/hub-server.js");

const ID = models.HUB_IDS;
const FULL = { profile: "full" };
const hubDir = path.join(tmp, "hub");
let server;
let manifest;

before(async () => {
  manifest = generateStandins(hubDir);
  server = await startHubServer({ dir: hubDir });
  process.env.HF_ENDPOINT = server.endpoint;
});
after(async () => {
  await server?.close();
  delete process.env.HF_ENDPOINT;
  fs.rmSync(tmp, { recursive: true, force: true });
});

const finite = (v) => v.every((x) => Number.isFinite(x));
const config = (id, rev = "main") =>
  JSON.parse(
    fs.readFileSync(
      path.join(hubDir, manifest.repos.find((r) => r.id === id && r.revision === rev).dir, "config.json"),
      "utf8",
    ),
  );

/** The runtime record's entry for `id` names the stand-in's fake commit for the revision loaded. */
function assertCommitRecorded(id) {
  const rev = models.hubModel(id)?.revision ?? "main";
  const noted = lib.runtimeRecord().models.filter((m) => m.id === id);
  assert.ok(noted.length > 0, `${id} noted in the runtime record`);
  assert.ok(
    noted.some((m) => m.commit === standinCommit(id, rev) && m.revision === rev),
    `${id}: ${JSON.stringify(noted)} records commit ${standinCommit(id, rev)} of revision ${rev}`,
  );
}

/** A small RGB image with a gradient that depends on `k`. */
function image(k, w = 24, h = 20) {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      data[i] = (x * 10 + k * 70) % 256;
      data[i + 1] = (y * 12 + k * 30) % 256;
      data[i + 2] = (x * y + k * 90) % 256;
    }
  return { data, width: w, height: h, channels: 3 };
}

test("the stand-in hub has every listed model, with its files, under the hub's URL scheme", async () => {
  assert.deepEqual(readManifest(hubDir), manifest);
  assert.ok(fs.existsSync(path.join(hubDir, MANIFEST)));
  for (const m of models.HUB_MODELS) {
    const rev = m.revision ?? "main";
    const repo = manifest.repos.find((r) => r.id === m.id && r.revision === rev);
    assert.ok(repo, `${m.id}@${rev} generated`);
    for (const f of m.files) {
      const res = await fetch(`${server.endpoint}/${m.id}/resolve/${rev}/${f}`, { method: "HEAD" });
      assert.equal(res.status, 200, `${m.id}@${rev}/${f}`);
      assert.equal(res.headers.get("x-repo-commit"), standinCommit(m.id, rev));
      assert.ok(Number(res.headers.get("content-length")) > 0);
    }
    // a commit resolves like a branch
    const byCommit = await fetch(`${server.endpoint}/${m.id}/resolve/${repo.commit}/config.json`);
    assert.equal(byCommit.status, 200);
    assert.equal((await byCommit.json()).model_type, m.modelType);
  }
  assert.ok(
    models.HUB_MODELS.find((m) => m.id === ID.gpt2).files.every((f) => f),
    "gpt2 listed",
  );
  for (const f of models.gpt.GPT2_FILES) assert.ok(models.hubModel(ID.gpt2).files.includes(f), `gpt2 lists ${f}`);
  const missing = await fetch(`${server.endpoint}/${ID.bgeSmallEn}/resolve/main/onnx/model_fp16.onnx`);
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get("x-error-code"), "EntryNotFound");
  assert.equal(
    (await fetch(`${server.endpoint}/nobody/nothing/resolve/main/config.json`)).headers.get("x-error-code"),
    "RepoNotFound",
  );
  assert.equal(
    (await fetch(`${server.endpoint}/${ID.gpt2}/resolve/v9/config.json`)).headers.get("x-error-code"),
    "RevisionNotFound",
  );
  const info = await (await fetch(`${server.endpoint}/api/models/${ID.qwenChat}`)).json();
  assert.equal(info.sha, standinCommit(ID.qwenChat));
  assert.ok(info.siblings.some((s) => s.rfilename === "onnx/model_quantized.onnx"));
  assert.equal((await fetch(server.endpoint, { method: "HEAD" })).status, 200);
  // same seed, same bytes
  const again = generateStandins(path.join(tmp, "hub-again"), { ids: [ID.qwenChat] });
  const file = "onnx/model.onnx";
  assert.deepEqual(
    fs.readFileSync(path.join(tmp, "hub-again", ID.qwenChat, file)),
    fs.readFileSync(path.join(hubDir, ID.qwenChat, file)),
  );
  assert.equal(again.repos.length, 1);
});

test("feature-extraction stand-ins load through loadTextEncoder (hf:<id>) from an empty cache", async () => {
  for (const id of [ID.bertBaseUncased, ID.bgeSmallEn, ID.miniLmL6]) {
    const rev = models.hubModel(id).revision ?? "main";
    const cfg = config(id, rev);
    const enc = await models.loadTextEncoder(`hf:${id}`, FULL);
    assert.equal(enc.dim, cfg.hidden_size, `${id}: hidden_size, not ${config(id).vocab_size} vocabulary logits`);
    const texts = ["The king and the queen", "a photo of a cat", "zebras? Xylophone!"];
    const vecs = await enc.embed(texts, { batchSize: 2 });
    assert.equal(vecs.length, 3);
    for (const v of vecs) {
      assert.equal(v.length, cfg.hidden_size);
      assert.ok(finite(v), `${id} finite`);
      assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-4, `${id} normalised`);
    }
    assert.ok(models.cosine(vecs[0], vecs[1]) < 0.9999, `${id}: different texts, different vectors`);
    assertCommitRecorded(id);
  }
  // Xenova/bert-base-uncased's "main" is its fill-mask export: read from there, "embeddings" would be vocabulary logits
  const mlm = await models.loadTextEncoder(`hf:${ID.bertBaseUncased}`, { ...FULL, revision: "main" });
  assert.equal(mlm.dim, config(ID.bertBaseUncased).vocab_size);
  // files landed in the project's cache, none half-written
  assert.ok(fs.existsSync(path.join(models.hfLocalModelPath(ID.bgeSmallEn), "onnx", "model.onnx")));
  assert.ok(fs.existsSync(path.join(models.hfLocalModelPath(ID.bertBaseUncased, "default"), "onnx", "model.onnx")));
  assert.equal(fs.existsSync(path.join(models.hfModelRoot(), ".partial")), false);
});

test("once downloaded, the stand-ins load offline from the cache (a branch's files apart from main's), commit from the note", async () => {
  lib.resetRuntime();
  for (const id of [ID.bertBaseUncased, ID.bgeSmallEn]) {
    const enc = await models.loadTextEncoder(`hf:${id}`, { allowRemote: false });
    assert.equal(enc.dim, config(id, models.hfRevision(id)).hidden_size);
    const noted = lib.runtimeRecord().models.find((m) => m.id === id);
    assert.equal(noted.source, models.hfLocalModelPath(id, models.hfRevision(id)));
    assert.equal(noted.revision, models.hfRevision(id));
  }
  for (const id of [ID.bertBaseUncased, ID.bgeSmallEn])
    assert.equal(lib.runtimeRecord().models.find((m) => m.id === id).commit, standinCommit(id, models.hfRevision(id)));
});

test("bge-small is CLS-pooled by default (its card); other encoders mean-pooled", async () => {
  const texts = ["the cat sat", "a dog"];
  const embed = async (id, pooling) =>
    (await models.loadTextEncoder(`hf:${id}`, pooling ? { ...FULL, pooling } : FULL)).embed(texts);
  const same = (a, b) => a.every((v, i) => models.cosine(v, b[i]) > 0.999999);
  const bge = await embed(ID.bgeSmallEn);
  assert.ok(same(bge, await embed(ID.bgeSmallEn, "cls")), "bge default = CLS pooling");
  assert.ok(!same(bge, await embed(ID.bgeSmallEn, "mean")), "CLS and mean pooling differ");
  const mini = await embed(ID.miniLmL6);
  assert.ok(same(mini, await embed(ID.miniLmL6, "mean")), "MiniLM default = mean pooling");
});

test("nb01's hub label source (hub-minilm) loads from the stand-in hub under the full profile", async () => {
  const src = await experiments.labelTargets.loadLabelSource("hub-minilm", "cifar10", FULL);
  assert.equal(src.vectors.length, 10);
  assert.equal(src.dim, config(ID.miniLmL6).hidden_size);
  assert.ok(src.vectors.every(finite));
  assert.match(src.provenance, /all-MiniLM-L6-v2/);
});

test("CLIP stand-in: text (hf-clip-text:) and image (hf:) towers give projection_dim embeddings", async () => {
  const cfg = config(ID.clipVitB32);
  const text = await models.loadTextEncoder(`hf-clip-text:${ID.clipVitB32}`, FULL);
  assert.equal(text.dim, cfg.projection_dim);
  const tv = await text.embed(["a photo of a dog", "a photo of a cat", "an airplane"]);
  assert.ok(tv.every((v) => v.length === cfg.projection_dim && finite(v)));
  const img = await models.loadImageEncoder(`hf:${ID.clipVitB32}`, FULL);
  assert.equal(img.dim, cfg.projection_dim);
  const iv = await img.embedImages([image(0), image(1), image(2, 40, 16)]);
  assert.equal(iv.length, 3);
  assert.ok(iv.every((v) => v.length === cfg.projection_dim && finite(v)));
  assert.ok(models.cosine(iv[0], iv[1]) < 0.9999, "different images, different vectors");
  assertCommitRecorded(ID.clipVitB32);
});

test("NLI stand-ins load through nb02's teacher loader (nli:<id>) and classify", async () => {
  const prompts = { negative: ["a bad movie", "terrible"], positive: ["a great movie"] };
  for (const id of [ID.bartLargeMnli, ID.debertaXsmallNli]) {
    const cfg = config(id);
    assert.ok(Object.values(cfg.id2label).includes("entailment") && "contradiction" in cfg.label2id);
    const teacher = await experiments.trainWithoutLabels.loadTeacher(`nli:${id}`, prompts, FULL);
    const out = await teacher.classifier.classify(["what a wonderful film", "I hated it"]);
    assert.equal(out.length, 2);
    for (const r of out) {
      assert.ok(["negative", "positive"].includes(r.label), `${id}: label ${r.label}`);
      assert.ok(
        Object.values(r.scores).every((s) => Number.isFinite(s) && s >= 0 && s <= 1),
        JSON.stringify(r.scores),
      );
    }
    assertCommitRecorded(id);
  }
  const defaults = experiments.trainWithoutLabels.PROFILE_DEFAULTS.full.teacherModel;
  assert.equal(defaults, `nli:${ID.bartLargeMnli}`);
});

test("chat LM stand-in: nb03's last-token-logits path (chat template, past key values, q8 file)", async () => {
  const cfg = config(ID.qwenChat);
  assert.equal(experiments.gptEmbeddings.DEFAULT_CHAT_LM, ID.qwenChat);
  const lm = await experiments.gptEmbeddings.hfLastTokenLogits(ID.qwenChat, FULL);
  const vecs = await lm.embed(["What is the capital of France?", "Paris is a city.", "What is the capital of France?"]);
  assert.equal(vecs.length, 3);
  for (const v of vecs) {
    assert.equal(v.length, cfg.vocab_size);
    assert.ok(finite(v));
  }
  assert.deepEqual([...vecs[0]], [...vecs[2]], "deterministic");
  assert.notDeepEqual([...vecs[0]], [...vecs[1]]);
  assert.ok(fs.existsSync(path.join(models.hfLocalModelPath(ID.qwenChat), "onnx", "model_quantized.onnx")));
  const tcfg = JSON.parse(
    fs.readFileSync(path.join(models.hfLocalModelPath(ID.qwenChat), "tokenizer_config.json"), "utf8"),
  );
  assert.match(tcfg.chat_template, /<\|im_start\|>/);
  assertCommitRecorded(ID.qwenChat);
});

test("GPT-2 stand-in: safetensors with GPT-2's tensor names through models.gpt.loadGpt2, downloaded atomically", async () => {
  await lib.backend.initBackend({ prefer: "cpu" });
  const cfg = config(ID.gpt2);
  const { model, tokenizer, dir } = await models.gpt.loadGpt2(FULL);
  assert.equal(dir, models.hfLocalModelPath(ID.gpt2));
  assert.equal(tokenizer.vocabSize, cfg.vocab_size);
  assert.equal(tokenizer.eotId, cfg.vocab_size - 1);
  const ids = tokenizer.encode("Hello world, the king");
  assert.ok(ids.length > 0 && ids.every((i) => i >= 0 && i < cfg.vocab_size));
  assert.equal(tokenizer.decode(ids), "Hello world, the king");
  const logits = tf.tidy(() => {
    const out = model.forward(tf.tensor2d([ids], [1, ids.length], "int32")).logits;
    return { shape: out.shape, data: out.dataSync() };
  });
  assert.deepEqual(logits.shape, [1, ids.length, cfg.vocab_size]);
  assert.ok(finite(logits.data));
  model.dispose();
  assertCommitRecorded(ID.gpt2);
});

test("ELECTRA stand-in: nb02's full-profile student through models.bert.loadBert, downloaded from the hub", async () => {
  await lib.backend.initBackend({ prefer: "cpu" });
  const cfg = config(ID.electraBase);
  const loaded = await models.bert.loadBert({ ...FULL, modelId: ID.electraBase });
  assert.equal(loaded.dir, models.hfLocalModelPath(ID.electraBase));
  assert.equal(loaded.weightFile, path.join(loaded.dir, "model.safetensors"));
  assert.equal(cfg.model_type, "electra");
  const clf = new models.bert.BertTextClassifier(loaded.encoder, loaded.tokenizer, 2, 1);
  const p = await clf.predictProba(["a good movie", "it was awful"]);
  assert.equal(p.length, 4);
  assert.ok(finite(p) && p.every((v) => v >= 0 && v <= 1));
  clf.dispose();
});

test("a model the stand-in hub lacks fails naming the model id and the URL tried", async () => {
  await assert.rejects(models.loadTextEncoder("hf:Xenova/not-on-the-hub", FULL), (e) => {
    assert.equal(e.name, "EmbedlabError");
    assert.match(e.message, /Xenova\/not-on-the-hub/);
    assert.ok(e.message.includes(`${server.endpoint}/Xenova/not-on-the-hub/resolve/main/`), e.message);
    assert.match(e.message, /404/);
    return true;
  });
  await assert.rejects(models.gpt.loadGpt2({ ...FULL, modelId: "test-org/no-gpt2" }), (e) => {
    assert.match(e.message, /test-org\/no-gpt2/);
    assert.ok(e.message.includes(`${server.endpoint}/test-org/no-gpt2/resolve/main/config.json`), e.message);
    assert.match(e.message, /HTTP 404/);
    return true;
  });
  assert.equal(fs.existsSync(models.hfLocalModelPath("test-org/no-gpt2")), false, "no empty model folder left");
});

test("serve-hub CLI: generates into --dir when absent, prints and writes HF_ENDPOINT, stops on SIGTERM", async () => {
  const { spawn } = await import("node:child_process");
  const dir = path.join(tmp, "cli-hub");
  const envFile = path.join(tmp, "hub.env");
  const child = spawn(process.execPath, ["ci/dist/standin/serve-hub.js", "--dir", dir, "--endpoint-file", envFile], {
    cwd: path.resolve(path.dirname(new URL(import.meta.url).pathname), ".."),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const line = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
    child.once("exit", (code) => reject(new Error(`serve-hub exited ${code}: ${stderr}`)));
  });
  assert.match(line, /^HF_ENDPOINT=http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(fs.readFileSync(envFile, "utf8"), line + "\n");
  assert.ok(readManifest(dir), "generated");
  const endpoint = line.slice("HF_ENDPOINT=".length);
  const res = await fetch(`${endpoint}/${ID.gpt2}/resolve/main/config.json`);
  assert.equal(res.headers.get("x-repo-commit"), standinCommit(ID.gpt2));
  assert.equal((await res.json()).model_type, "gpt2");
  const code = await new Promise((resolve) => {
    child.once("exit", (c) => resolve(c));
    child.kill("SIGTERM");
  });
  assert.equal(code, 0, stderr);
  assert.match(stderr, /generated \d+ stand-in repositories/);
});
