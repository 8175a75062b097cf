// Backend selection: says what it chose and why, is idempotent, honours EMBEDLAB_BACKEND.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";

const require = createRequire(import.meta.url);
const libPath = require.resolve("@embedlab/lib");

/** Runs initBackend in a fresh process with the given EMBEDLAB_BACKEND; returns its JSON or error. */
function initIn(envValue, prefer) {
  const env = { ...process.env };
  if (envValue === undefined) delete env.EMBEDLAB_BACKEND;
  else env.EMBEDLAB_BACKEND = envValue;
  const code = `require(${JSON.stringify(libPath)}).backend.initBackend(${prefer ? JSON.stringify({ prefer }) : ""})
    .then((i) => { process.stdout.write(JSON.stringify({ ok: i, tf: require("@tensorflow/tfjs").getBackend() })); })
    .catch((e) => { process.stdout.write(JSON.stringify({ err: e.message, name: e.name })); });`;
  const r = spawnSync(process.execPath, ["-e", code], { env, encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

test("auto picks wasm here and says why tfjs-node was not used", () => {
  const r = initIn(undefined);
  assert.equal(r.ok.name, "wasm");
  assert.equal(r.tf, "wasm");
  assert.match(r.ok.reason, /^wasm \((SIMD|no SIMD), 1 thread\): /);
  assert.match(r.ok.reason, /@tensorflow\/tfjs-node/); // names the faster option and why it is out
  assert.equal(r.ok.threads, 1);
});

test("EMBEDLAB_BACKEND=cpu overrides prefer and is reported", () => {
  const r = initIn("cpu", "wasm");
  assert.equal(r.ok.name, "cpu");
  assert.equal(r.tf, "cpu");
  assert.match(r.ok.reason, /EMBEDLAB_BACKEND/);
});

test("an unknown EMBEDLAB_BACKEND is a clear EmbedlabError", () => {
  const r = initIn("tpu");
  assert.equal(r.name, "EmbedlabError");
  assert.match(r.err, /EMBEDLAB_BACKEND="tpu"/);
  assert.match(r.err, /auto, wasm, cpu, tensorflow/);
});

test("tensorflow requested but only an alias installed: error says what is missing", () => {
  const r = initIn("tensorflow");
  assert.equal(r.name, "EmbedlabError");
  assert.match(r.err, /tfjs-node/);
});

test("initBackend is idempotent and backendInfo reports it", async () => {
  const lib = require("@embedlab/lib");
  delete process.env.EMBEDLAB_BACKEND;
  const a = await lib.backend.initBackend();
  const b = await lib.backend.initBackend({ prefer: "cpu" });
  assert.equal(a, b);
  assert.deepEqual(lib.backend.backendInfo(), a);
  assert.equal(require("@tensorflow/tfjs").getBackend(), a.name);
});
