// GPT-2 (124M) real weights through this implementation vs transformers.js's ONNX gpt2.
// Runs only where the weights are on disk (or EMBEDLAB_ALLOW_REMOTE=1 with internet); skipped otherwise.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
const gpt = lib.models.gpt;

test("GPT-2 logits match transformers.js ONNX gpt2 within 1e-3", async (t) => {
  await lib.backend.initBackend();
  let loaded;
  try {
    loaded = await gpt.loadGpt2();
  } catch (err) {
    if (err.name === "DataNotFoundError") {
      t.skip(
        `GPT-2 weights are not on this machine and downloads are off (searched ${gpt.gpt2Candidates().length} folders; set EMBEDLAB_ALLOW_REMOTE=1 with internet)`,
      );
      return;
    }
    throw err;
  }
  const tjs = require("@huggingface/transformers");
  tjs.env.localModelPath = lib.models.hfModelRoot();
  tjs.env.cacheDir = lib.models.hfModelRoot();
  tjs.env.allowRemoteModels = lib.models.remoteAllowed();
  let ref;
  try {
    ref = await tjs.AutoModelForCausalLM.from_pretrained("Xenova/gpt2", { dtype: "fp32" });
  } catch (err) {
    t.skip(`transformers.js ONNX Xenova/gpt2 is not available: ${err.message.split("\n")[0]}`);
    return;
  }
  const text = "Hello, my dog is cute and";
  const ids = loaded.tokenizer.encode(text);
  assert.deepEqual(ids.slice(0, 2), [15496, 11], "GPT-2 tokenizer ids");
  const ours = tf.tidy(() => loaded.model.forward(tf.tensor2d([ids], [1, ids.length], "int32")).logits.dataSync());
  const input_ids = new tjs.Tensor("int64", BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
  const attention_mask = new tjs.Tensor("int64", BigInt64Array.from(ids.map(() => 1n)), [1, ids.length]);
  const out = await ref({ input_ids, attention_mask });
  const theirs = out.logits.data;
  let m = 0;
  for (let i = 0; i < ours.length; i++) m = Math.max(m, Math.abs(ours[i] - theirs[i]));
  assert.ok(m < 1e-3, `max |Δlogit| = ${m}`);
  const g = gpt.generate(loaded.model, loaded.tokenizer, "The capital of France is", { maxNewTokens: 3, greedy: true });
  assert.match(g.text, /Paris/);
});

test("loadGpt2 reads a GPT-2-layout folder (config.json, model.safetensors, tokenizer.json) offline", async () => {
  const fs = require("node:fs");
  const os = require("node:os");
  const path = require("node:path");
  await lib.backend.initBackend();
  const texts = [
    "The jury said it did find that many of the laws are outmoded.",
    "### Instruction: Say hi. ### Output: hi",
    "Crème brûlée 🚀 東京",
  ];
  const tok = gpt.BpeTokenizer.train(texts.concat(texts), 320);
  const cfg = {
    n_layer: 1,
    n_head: 2,
    n_embd: 8,
    block_size: 32,
    vocab_size: 320,
    dropout: 0,
    activation: "tanh",
    layer_norm_epsilon: 1e-5,
  };
  const src = new gpt.GPT(cfg, undefined, 11);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gpt2-fake-"));
  fs.writeFileSync(
    path.join(dir, "config.json"),
    JSON.stringify({
      model_type: "gpt2",
      n_layer: 1,
      n_head: 2,
      n_embd: 8,
      n_positions: 32,
      vocab_size: 320,
      layer_norm_epsilon: 1e-5,
      activation_function: "gelu_new",
    }),
  );
  const tensors = {};
  for (const [k, v] of Object.entries(src.params)) tensors[k] = { shape: v.shape, data: v.dataSync().slice() };
  gpt.writeSafetensors(path.join(dir, "model.safetensors"), tensors);
  fs.writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify(gpt.bpeToHfTokenizerJson(tok)));
  const { model, tokenizer } = await gpt.loadGpt2({ path: dir });
  assert.equal(tokenizer.eotId, tok.eotId);
  for (const s of [...texts, "  spaces  and\nnew lines", "unseen wörds!"]) {
    assert.deepEqual(
      tokenizer.encode(s),
      tok.encode(s),
      `transformers.js and the offline BPE agree on ${JSON.stringify(s)}`,
    );
    assert.equal(tokenizer.decode(tokenizer.encode(s)), s);
  }
  const ids = tf.tensor2d([tok.encode(texts[0]).slice(0, 10)], [1, 10], "int32");
  const a = tf.tidy(() => model.forward(ids).logits.dataSync());
  const b = tf.tidy(() => src.forward(ids).logits.dataSync());
  assert.deepEqual(Array.from(a), Array.from(b));
  await assert.rejects(gpt.loadGpt2({ path: path.join(dir, "missing") }), /config\.json|model\.safetensors/);
  model.dispose();
  src.dispose();
});
