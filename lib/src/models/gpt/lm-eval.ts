/**
 * Held-out language-model quality in bits per byte, comparable across tokenizers: every document is
 * encoded as `<|endoftext|> doc`, the documents are joined, and the stream is cut into windows of
 * `block_size + 1` tokens with stride `block_size`, so each token of each document is predicted exactly
 * once (the leading separators are context, never targets; a window's first token is its only context
 * break). bits/byte = Σ nats over the documents' tokens / ln 2 / Σ UTF-8 bytes of the documents.
 */
import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../../core";
import { GptTokenizer } from "./bpe";
import { GPT } from "./model";
import { crossEntropy } from "./ops";

export interface BitsPerByteOptions {
  /** Windows per forward pass (default 16). */
  batch?: number;
  /** Evaluate only the first this many characters of each document, cut back to a line end (default: all). */
  maxCharsPerDoc?: number;
}

export interface BitsPerByteResult {
  bitsPerByte: number;
  /** Σ nats over the predicted tokens. */
  nats: number;
  /** UTF-8 bytes of the evaluated text. */
  bytes: number;
  /** Tokens predicted. */
  tokens: number;
  docs: number;
}

const utf8 = new TextEncoder();

/** The evaluated prefix of a document: its first `maxChars` characters, cut back to the last "\n" or space. */
export function evalPrefix(text: string, maxChars?: number): string {
  if (maxChars === undefined || text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars);
  const at = Math.max(cut.lastIndexOf("\n"), cut.lastIndexOf(" "));
  return at > 0 ? cut.slice(0, at) : cut;
}

/** Bits per UTF-8 byte of `model` on `texts` (see the module comment for the exact accounting). */
export function bitsPerByte(
  model: GPT,
  tokenizer: GptTokenizer,
  texts: readonly string[],
  opts: BitsPerByteOptions = {},
): BitsPerByteResult {
  const T = model.config.block_size;
  const batch = opts.batch ?? 16;
  const ids: number[] = [];
  const counted: number[] = [];
  let bytes = 0;
  for (const full of texts) {
    const text = evalPrefix(full, opts.maxCharsPerDoc);
    if (text.length === 0) continue;
    const enc = tokenizer.encode(text);
    bytes += utf8.encode(text).length;
    ids.push(tokenizer.eotId);
    counted.push(0);
    for (const id of enc) {
      ids.push(id);
      counted.push(1);
    }
  }
  if (bytes === 0) throw new EmbedlabError("bitsPerByte: no text to evaluate", "pass non-empty documents");
  const nWin = Math.ceil((ids.length - 1) / T);
  let nats = 0;
  let tokens = 0;
  for (let w0 = 0; w0 < nWin; w0 += batch) {
    const b = Math.min(batch, nWin - w0);
    const x = new Int32Array(b * T).fill(tokenizer.eotId);
    const y = new Int32Array(b * T).fill(tokenizer.eotId);
    const m = new Float32Array(b * T);
    let nb = 0;
    for (let i = 0; i < b; i++) {
      const s = (w0 + i) * T;
      for (let j = 0; j < T && s + j + 1 < ids.length; j++) {
        x[i * T + j] = ids[s + j];
        y[i * T + j] = ids[s + j + 1];
        m[i * T + j] = counted[s + j + 1];
        nb += counted[s + j + 1];
      }
    }
    if (nb === 0) continue;
    const l = tf.tidy(() => {
      const { logits } = model.forward(tf.tensor2d(x, [b, T], "int32"));
      return crossEntropy(
        tf.reshape(logits as tf.Tensor3D, [b * T, -1]) as tf.Tensor2D,
        tf.tensor1d(y, "int32"),
        tf.tensor1d(m),
      );
    });
    nats += l.dataSync()[0] * nb;
    tokens += nb;
    l.dispose();
  }
  return { bitsPerByte: nats / Math.LN2 / bytes, nats, bytes, tokens, docs: texts.length };
}
