import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../../core";
import {
  buildExample,
  packExamples,
  RESPONSE_MARKER,
  weightedLmLoss,
  type GPT,
  type GptTokenizer,
} from "../../models/gpt";

export interface ResponseLossOptions {
  /** Examples per forward pass (default 16). */
  batchSize?: number;
  /** Count only response tokens (after `### Output:`), as fine-tuning with maskPrompt does (default true). */
  maskPrompt?: boolean;
}

/**
 * Mean next-token cross-entropy (nats/token) of `model` on instruction texts, over the response tokens
 * (and the closing <|endoftext|>) only by default. Deterministic: no dropout, no sampling.
 */
export function responseLoss(
  model: GPT,
  tok: GptTokenizer,
  texts: readonly string[],
  opts: ResponseLossOptions = {},
): { loss: number; tokens: number } {
  if (texts.length === 0) throw new EmbedlabError("responseLoss: no texts to evaluate");
  const T = model.config.block_size;
  const mask = opts.maskPrompt ?? true;
  const examples = texts.map((t) => buildExample(tok, t, T, mask, RESPONSE_MARKER));
  const bs = Math.max(1, opts.batchSize ?? 16);
  let sum = 0;
  let count = 0;
  for (let b0 = 0; b0 < examples.length; b0 += bs) {
    const packed = packExamples(examples.slice(b0, b0 + bs), tok.eotId);
    const n = packed.w.reduce((s, v) => s + v, 0);
    if (n === 0) continue;
    const l = tf.tidy(() => weightedLmLoss(model, packed));
    sum += l.dataSync()[0] * n;
    count += n;
    l.dispose();
  }
  if (count === 0)
    throw new EmbedlabError(
      "responseLoss: no response tokens in the texts",
      'texts must contain "### Output:" followed by a response',
    );
  return { loss: sum / count, tokens: count };
}
