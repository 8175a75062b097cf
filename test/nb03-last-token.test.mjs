// Notebook 03's chat-LM embedding (full profile): last-token logits of a padded batch, each text's last REAL
// token picked by its attention mask whichever side the tokenizer pads on. Pure pieces first, then end to end
// through transformers.js on a tiny causal-LM stand-in (test/tiny-onnx.mjs); and BGE's card pooling (CLS).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { LM_VOCAB, NLI_VOCAB, writeTinyCausalLm, writeTinyEncoder } from "./tiny-onnx.mjs";

const require = createRequire(import.meta.url);
const NB03 = require("../ci/dist/notebooks.js").notebookDefaults("03_gpt_embedding_pitfalls");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-lasttok-"));
process.env.EMBEDLAB_CACHE_DIR = tmp;
process.env.EMBEDLAB_DEVICE = "cpu";
delete process.env.EMBEDLAB_ALLOW_REMOTE;
delete process.env.EMBEDLAB_DTYPE;
const { models, experiments } = require("@embedlab/lib");
const X = experiments.gptEmbeddings;

const mask = (rows) => ({ dims: [rows.length, rows[0].length], data: rows.flat().map(BigInt) });

test("lastRealTokenIndices: right padding → length − 1, left padding → the last column; an empty row throws", () => {
  assert.deepEqual(
    X.lastRealTokenIndices(
      mask([
        [1, 1, 1, 0, 0],
        [1, 1, 1, 1, 1],
        [1, 0, 0, 0, 0],
      ]),
    ),
    [2, 4, 0],
  );
  assert.deepEqual(
    X.lastRealTokenIndices(
      mask([
        [0, 0, 1, 1, 1],
        [1, 1, 1, 1, 1],
        [0, 0, 0, 0, 1],
      ]),
    ),
    [4, 4, 4],
  );
  assert.throws(() => X.lastRealTokenIndices(mask([[0, 0]])), /no real token/);
  assert.throws(() => X.lastRealTokenIndices({ dims: [4], data: [1, 1, 1, 1] }), /\[batch, tokens\]/);
});

test("lastRealTokenRows picks row (b, last real t) of [batch, tokens, dim] outputs, not position −1", () => {
  // value = 100·b + 10·t + d, so every row says where it came from
  const [B, T, D] = [3, 4, 2];
  const data = Float32Array.from({ length: B * T * D }, (_, k) => {
    const b = Math.floor(k / (T * D));
    const t = Math.floor(k / D) % T;
    return 100 * b + 10 * t + (k % D);
  });
  const rows = X.lastRealTokenRows(
    { dims: [B, T, D], data },
    mask([
      [1, 1, 0, 0],
      [0, 1, 1, 1],
      [1, 1, 1, 1],
    ]),
  );
  assert.deepEqual(
    rows.map((r) => [...r]),
    [
      [10, 11],
      [130, 131],
      [230, 231],
    ],
  );
  assert.throws(() => X.rowsAtPositions({ dims: [1, 2, 2], data: [0, 0, 0, 0] }, [2]), /outside/);
  assert.throws(() => X.rowsAtPositions({ dims: [2, 2], data: [0, 0, 0, 0] }, [0, 0]), /tokens, dim/);
});

const TEXTS = ["What is a GPU?", "OpenAI in SF.", "a circuit", "what is the circuit in the gpu ?"];

/** What the stand-in computes at the last token of "[U] <text> [A]": Σ E[token] + E2[[A]]. */
function expectedVector(w, text) {
  const words = ["[U]", ...text.toLowerCase().match(/[a-z]+|[?.]/g), "[A]"];
  const ids = words.map((x) => {
    const i = LM_VOCAB.indexOf(x);
    return i < 0 ? LM_VOCAB.indexOf("[UNK]") : i;
  });
  const v = new Float64Array(w.V);
  for (const i of ids) for (let j = 0; j < w.V; j++) v[j] += w.E[i * w.V + j];
  const last = ids[ids.length - 1];
  for (let j = 0; j < w.V; j++) v[j] += w.E2[last * w.V + j];
  return v;
}

for (const side of ["right", "left"]) {
  test(`end to end (${side} padding): batched chat-template last-token logits equal one text at a time and the stand-in's formula`, async () => {
    const id = `test-org/tiny-chat-lm-${side}`;
    const w = writeTinyCausalLm(models.hfLocalModelPath(id), { paddingSide: side });
    const batched = await X.hfLastTokenLogits(id, { batchSize: TEXTS.length, dtype: "fp32" });
    assert.equal(batched.device, "cpu");
    const got = await batched.embed(TEXTS);
    const single = await X.hfLastTokenLogits(id, { batchSize: 1, dtype: "fp32" });
    const one = await single.embed(TEXTS);
    TEXTS.forEach((text, i) => {
      const want = expectedVector(w, text);
      got[i].forEach((x, j) => {
        assert.ok(Math.abs(x - one[i][j]) < 1e-5, `${side} text ${i} dim ${j}: batched ${x} vs alone ${one[i][j]}`);
        assert.ok(Math.abs(x - want[j]) < 1e-4, `${side} text ${i} dim ${j}: ${x} vs formula ${want[j]}`);
      });
    });
    // the batch really was padded, and position −1 of it is not the answer for the shorter texts
    const t = require("@huggingface/transformers");
    const tok = await t.AutoTokenizer.from_pretrained(id);
    assert.equal(tok.padding_side, side);
    const prompts = TEXTS.map((x) =>
      tok.apply_chat_template([{ role: "user", content: x }], { add_generation_prompt: true, tokenize: false }),
    );
    const enc = tok(prompts, { add_special_tokens: false, padding: true });
    const lens = X.lastRealTokenIndices(enc.attention_mask);
    if (side === "right") assert.ok(new Set(lens).size > 1, `lengths ${lens}`);
    else assert.ok(lens.every((l) => l === enc.attention_mask.dims[1] - 1));
    await batched.dispose();
    await single.dispose();
  });
}

test("right padding, naive position −1 would give a pad token's logits (what this embedder avoids)", async () => {
  const id = "test-org/tiny-chat-lm-right";
  const t = require("@huggingface/transformers");
  const tok = await t.AutoTokenizer.from_pretrained(id);
  const lm = await t.AutoModelForCausalLM.from_pretrained(id, { device: "cpu", dtype: "fp32" });
  const prompts = TEXTS.map((x) =>
    tok.apply_chat_template([{ role: "user", content: x }], { add_generation_prompt: true, tokenize: false }),
  );
  const enc = tok(prompts, { add_special_tokens: false, padding: true });
  const { logits } = await lm(enc);
  const T = logits.dims[1];
  const naive = X.rowsAtPositions(
    logits,
    TEXTS.map(() => T - 1),
  );
  const right = X.lastRealTokenRows(logits, enc.attention_mask);
  const differs = naive.map((v, i) => v.some((x, j) => Math.abs(x - right[i][j]) > 1e-3));
  assert.ok(differs.some(Boolean), "a shorter text's position −1 is a pad token");
  await lm.dispose();
});

test("BGE models pool with CLS as their card says; other hub encoders mean-pool", () => {
  assert.equal(models.cardPooling("Xenova/bge-small-en-v1.5"), "cls");
  assert.equal(models.cardPooling("BAAI/bge-base-en-v1.5"), "cls");
  assert.equal(models.cardPooling("Xenova/all-MiniLM-L6-v2"), "mean");
  assert.equal(X.resolveConfig({ ...baseParams, profile: "full" }).encoderId, "hf:Xenova/bge-small-en-v1.5");
});

test("end to end: a hub encoder named bge-* is CLS-pooled (the [CLS] vector, normalised); others mean-pool", async () => {
  const texts = ["the plot is bad", "a great film ."];
  const bge = "test-org/bge-tiny";
  const w = writeTinyEncoder(models.hfLocalModelPath(bge));
  writeTinyEncoder(models.hfLocalModelPath("test-org/minilm-tiny"));
  const enc = await models.loadTextEncoder(`hf:${bge}`);
  assert.equal(enc.provenance.pooling, "cls");
  const cls = NLI_VOCAB.indexOf("[CLS]");
  const want = Array.from({ length: w.V }, (_, j) => w.E[cls * w.V + j] + w.E2[cls * w.V + j]);
  const n = Math.hypot(...want);
  for (const v of await enc.embed(texts)) v.forEach((x, j) => assert.ok(Math.abs(x - want[j] / n) < 1e-5, `dim ${j}`));
  const mean = await models.loadTextEncoder("hf:test-org/minilm-tiny");
  assert.equal(mean.provenance.pooling, "mean");
  const [a, b] = await mean.embed(texts);
  assert.ok(models.cosine(a, b) < 0.999, "mean pooling tells the texts apart");
});

const baseParams = { ...NB03, dataRoot: "" };

test("the four-pair demo runs the loaded chat LM (no second load) and only when there is one", async () => {
  const calls = [];
  const fake = async (texts) => texts.map((x, i) => Float32Array.from([1, x.length, i + 1]));
  const chat = { id: "hf-last-token-logits:fake", embed: async (t) => (calls.push(t.length), fake(t)) };
  const encoder = { id: "enc", dim: 3, provenance: { id: "enc", source: "test" }, embed: fake };
  const withChat = await X.fourPairDemo({ chat, gptName: "g", gptLogits: fake, encoder });
  assert.deepEqual(calls, [4]);
  assert.equal(Object.keys(withChat.matrices)[0], "hf-last-token-logits:fake (chat template)");
  const without = await X.fourPairDemo({ gptName: "g", gptLogits: fake, encoder });
  assert.equal(Object.keys(without.matrices).length, 2);
});
