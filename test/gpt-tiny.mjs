// The tiny GPT config the GPT tests build their models from (2 layers × 16, vocab 300).
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
