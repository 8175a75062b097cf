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
      t.skip(`GPT-2 weights are not on this machine and downloads are off (searched ${gpt.gpt2Candidates().length} folders; set EMBEDLAB_ALLOW_REMOTE=1 with internet)`);
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
