// Offline with profile "full" and no hub: notebooks 02–04 fail in their first hub cell with a message naming the
// model, the URL tried and the fix. Each test makes the library call that cell makes, with the notebook's own
// parameter defaults (read from its parameters cell) and profile "full", against an HF_ENDPOINT nothing listens on.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { ROOT } from "./runner-helpers.mjs";

const require = createRequire(import.meta.url);
const { loadNotebook } = require(path.join(ROOT, "ci", "dist", "notebooks.js"));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-full-offline-"));
process.env.EMBEDLAB_CACHE_DIR = path.join(tmp, "cache");
process.env.HF_HOME = path.join(tmp, "hf-home");
delete process.env.HF_HUB_CACHE;
delete process.env.EMBEDLAB_ALLOW_REMOTE;
const lib = require("@embedlab/lib");
const X = lib.experiments;
let endpoint;

before(async () => {
  const s = http.createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${s.address().port}`;
  await new Promise((r) => s.close(r));
  process.env.HF_ENDPOINT = endpoint;
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The notebook's parameters as its parameters cell sets them, with profile "full". */
function fullParams(name) {
  const entry = loadNotebook(path.join(ROOT, "notebooks"), name);
  const values = {};
  for (const p of entry.params) values[p.name] = new Function("process", `return (${p.defaultSource});`)(process);
  return { ...values, profile: "full" };
}

/**
 * The error names the model, the URL it tried at HF_ENDPOINT (at the revision `HUB_MODELS` names for it), the cause,
 * and what to do; nothing was left in the cache.
 */
function assertNamedHubError(err, modelId) {
  assert.equal(err.name, "EmbedlabError", err.stack);
  assert.match(err.message, new RegExp(`hub model "${modelId}"`));
  assert.match(err.message, new RegExp(`${endpoint}/${modelId}/resolve/${lib.models.hfRevision(modelId)}/\\S+`));
  assert.match(err.message, /ECONNREFUSED/);
  assert.match(err.message, /HF_ENDPOINT/);
  assert.match(err.message, /profile "quick"/);
  assert.equal(fs.existsSync(path.join(process.env.EMBEDLAB_CACHE_DIR, "hf", ...modelId.split("/"))), false);
}

test("02 full, offline: the prompt-selection cell's teacher load names the NLI model and the URL", async () => {
  const cfg = X.trainWithoutLabels.resolveConfig(fullParams("02_train_without_labels"));
  assert.match(cfg.teacherId, /^nli:/);
  const err = await X.trainWithoutLabels.choosePrompts(cfg, ["a fine film"], [1]).then(assert.fail, (e) => e);
  assertNamedHubError(err, cfg.teacherId.slice("nli:".length));
});

test("03 full, offline: the models cell's GPT-2 download names the model and the URL", async () => {
  const p = fullParams("03_gpt_embedding_pitfalls");
  const cfg = X.gptEmbeddings.resolveConfig(p);
  const err = await X.gptEmbeddings
    .loadModels({ gpt: cfg.gpt, encoderId: cfg.encoderId, baselineId: p.baselineId, profile: p.profile })
    .then(assert.fail, (e) => e);
  assertNamedHubError(err, "openai-community/gpt2");
});

test("04 full, offline: the text-vs-human cell's BERT load names the model and the URL", async () => {
  const cfg = X.clipLlm.resolveConfig(fullParams("04_clip_llm_assignment"));
  const photos = { captions: ["a cat"], names: ["cat"], ratings: { matrix: [[1]] } };
  const err = await X.clipLlm.textVsHuman(photos, cfg).then(assert.fail, (e) => e);
  assertNamedHubError(err, cfg.textModel.slice("hf:".length));
});

test("01 full, no data: the data cell names CIFAR-100, where it looked and the fetch command; nothing is written", async () => {
  const root = path.join(tmp, "empty-data");
  fs.mkdirSync(root, { recursive: true });
  const p = { ...fullParams("01_label_embeddings"), dataRoot: root };
  const cfg = X.labelTargets.resolveConfig(p);
  assert.equal(cfg.dataset, "cifar100");
  const err = await X.labelTargets.loadTrainingData(cfg, p.zeroShotSource, root).then(assert.fail, (e) => e);
  assert.equal(err.name, "DataNotFoundError", err.stack);
  assert.match(err.message, /dataset "cifar100" not found/);
  assert.match(err.message, new RegExp(`${root}/cifar-100-binary/train\\.bin`));
  assert.match(err.message, /npm run data -- fetch cifar100/);
  assert.deepEqual(fs.readdirSync(root), []);
});
