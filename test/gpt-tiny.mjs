// The tiny GPT config the GPT tests build their models from (2 layers × 16, vocab 300), and a tiny text model.
import { createRequire } from "node:module";

const { GPT, DEFAULT_CONFIG, BpeTokenizer } = createRequire(import.meta.url)("@embedlab/lib").models.gpt;

export const TINY = {
  n_layer: 2,
  n_head: 2,
  n_embd: 16,
  block_size: 16,
  vocab_size: 300,
  dropout: 0,
  activation: "sigmoid",
  layer_norm_epsilon: 1e-5,
};

export const TINY_TEXTS = [
  "the cat sat on the mat",
  "a dog ran in the park",
  "rain fell on the town",
  "ships sail the sea",
  "birds sing at dawn",
  "cold wind from the north",
];

/** A 1-layer × 16 GPT (seed 1) with a 300-token BPE trained on `texts`. */
export function tinyTextGpt(texts = TINY_TEXTS) {
  const tok = BpeTokenizer.train(texts, 300);
  const model = new GPT(
    { ...DEFAULT_CONFIG, n_layer: 1, n_head: 2, n_embd: 16, block_size: 32, vocab_size: tok.vocabSize },
    undefined,
    1,
  );
  return { tok, model, texts };
}
