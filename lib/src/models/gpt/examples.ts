/**
 * Instruction-tuning examples for the GPT: `{"text": …}` records (JSONL) tokenised with the prompt
 * (up to `### Output:`) optionally masked out of the loss, packed into padded next-token rows, drawn in
 * seeded shuffled cycles, and the weighted next-token loss on them. The fine-tuning loop that uses them
 * is train.finetuneGpt.
 */
import * as tf from "@tensorflow/tfjs";
import { CorruptDataError, EmbedlabError, Rng } from "../../core";
import { readJsonlLines } from "../../data/jsonl";
import { GptTokenizer } from "./bpe";
import { GPT } from "./model";
import { crossEntropy } from "./ops";

export const RESPONSE_MARKER = "### Output:";

/** A batch of examples as next-token rows padded with the eot id: `x` [rows, L], `y` and loss weights `w` [rows·L]. */
export interface PackedExamples {
  x: Int32Array;
  y: Int32Array;
  w: Float32Array;
  rows: number;
  L: number;
}

/** Pack examples (ids and per-target weights, as from buildExample) into next-token rows of the longest one's length. */
export function packExamples(batch: readonly Example[], eotId: number): PackedExamples {
  if (batch.length === 0) throw new EmbedlabError("packExamples got an empty batch", "pass at least one example");
  const rows = batch.length;
  const L = Math.max(...batch.map((e) => e.ids.length)) - 1;
  const x = new Int32Array(rows * L).fill(eotId);
  const y = new Int32Array(rows * L).fill(eotId);
  const w = new Float32Array(rows * L);
  batch.forEach((e, i) => {
    x.set(e.ids.slice(0, -1), i * L);
    y.set(e.ids.slice(1), i * L);
    w.set(e.weights, i * L);
  });
  return { x, y, w, rows, L };
}

/**
 * The next `bs` examples of a shuffled cycle over `examples`. `order` is the caller's cycle state
 * (start with []): it is refilled with a fresh `rng` permutation whenever it runs out.
 */
export function nextExampleBatch<E>(examples: readonly E[], order: number[], rng: Rng, bs: number): E[] {
  const batch: E[] = [];
  while (batch.length < bs) {
    if (order.length === 0) for (const i of rng.permutation(examples.length)) order.push(i);
    batch.push(examples[order.pop() as number]);
  }
  return batch;
}

/** The weighted next-token cross-entropy of the model on packed examples (call inside a tidy or a training loss). */
export function weightedLmLoss(model: GPT, p: PackedExamples, training = false): tf.Scalar {
  const { logits } = model.forward(tf.tensor2d(p.x, [p.rows, p.L], "int32"), { training });
  return crossEntropy(
    tf.reshape(logits as tf.Tensor3D, [p.rows * p.L, model.config.vocab_size]) as tf.Tensor2D,
    tf.tensor1d(p.y, "int32"),
    tf.tensor1d(p.w),
  );
}

/** Read a JSONL file of `{"text": string}` records (blank lines skipped). */
export function readTextJsonl(file: string): { text: string }[] {
  return readJsonlLines<{ text?: unknown }>(file).map(({ value, line, offset }) => {
    const text = value?.text;
    if (typeof text !== "string") throw new CorruptDataError(file, `line ${line} has no string "text" field`, offset);
    return { text };
  });
}

export interface Example {
  ids: number[];
  /** Per target position (ids[i+1]) weight: 1 counts in the loss, 0 does not. */
  weights: number[];
}

/**
 * Tokenise one record: `text` + <|endoftext|>. With `maskPrompt`, the part up to and including the
 * marker is tokenised on its own and gets weight 0 (so the boundary is the same at inference when the
 * prompt ends with the marker). Longer than block_size + 1: the prompt loses its start, then the
 * response its end.
 */
export function buildExample(
  tok: GptTokenizer,
  text: string,
  blockSize: number,
  maskPrompt: boolean,
  marker = RESPONSE_MARKER,
): Example {
  let promptIds: number[] = [];
  let rest = text;
  if (maskPrompt) {
    const at = text.indexOf(marker);
    if (at < 0)
      throw new EmbedlabError(
        `record has no "${marker}" to split prompt from response: ${JSON.stringify(text.slice(0, 80))}`,
        "use the template ### Instruction: … ### Output: …, or maskPrompt: false",
      );
    promptIds = tok.encode(text.slice(0, at + marker.length));
    rest = text.slice(at + marker.length);
  }
  let resp = [...tok.encode(rest), tok.eotId];
  const max = blockSize + 1;
  if (promptIds.length + resp.length > max) {
    // keep the end of the prompt (the marker sits next to the response), then cut the response's end
    promptIds = promptIds.slice(Math.max(0, promptIds.length - Math.max(1, max - resp.length)));
    resp = resp.slice(0, max - promptIds.length);
  }
  const ids = [...promptIds, ...resp];
  const weights = ids.slice(1).map((_, i) => (i + 1 < promptIds.length ? 0 : 1));
  return { ids, weights };
}
