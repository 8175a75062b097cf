/**
 * The original post's embedding, for the full profile: a chat-tuned causal LM from the hub (through
 * transformers.js, on the device of `backend/device.ts`), each text wrapped in the model's chat template as a
 * user turn (with the assistant prompt appended), and the **last token's logits** taken as the text's vector.
 * Texts go through the model in padded batches; each text's last *real* token is found from the attention
 * mask (`lastRealTokenIndices`), whichever side the tokenizer pads on. (transformers.js's own `last_token`
 * pooling takes position −1 of the batch, which is a pad token for every right-padded text but the longest.)
 * Offline it fails with the project's "model not available" error.
 */
import { EmbedlabError } from "../../core";
import { hfDevice, type HfDtype } from "../../backend";
import { embedInBatches, inLengthOrder } from "../../models/embed-batches";
import { hfLoad, transformersFor } from "../../models/hf-env";
import type { TensorLike } from "../../models/hf-text";
import type { LoadOptions } from "../../models/types";

export interface LastTokenLogitsOptions extends LoadOptions {
  /** Wrap each text in the tokenizer's chat template (default true; needs a chat model). */
  chatTemplate?: boolean;
  /** ONNX weights variant (default `EMBEDLAB_DTYPE`, else fp32 on cuda and "q8" on the CPU). */
  dtype?: HfDtype;
  /** Texts per forward pass (default `CHAT_LM_BATCH`; a batch's logits are batch × tokens × vocab floats). */
  batchSize?: number;
}

/** Texts per chat-LM forward pass by default: 8 × ~80 tokens × 152k vocab (Qwen2.5) ≈ 0.4 GB of logits. */
export const CHAT_LM_BATCH = 8;

export interface LastTokenLogitsEmbedder {
  id: string;
  /** Where it runs and in which weights variant. */
  device: string;
  dtype: HfDtype;
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Free the model's onnxruntime session. */
  dispose(): Promise<void>;
}

/** An attention mask as transformers.js returns it: [batch, tokens], 1 = real token, 0 = padding. */
export interface MaskLike {
  dims: readonly number[];
  data: ArrayLike<number | bigint>;
}

/**
 * Per row of a [batch, tokens] attention mask, the index of the row's last real token: the last position
 * whose mask is 1 (right padding: its length − 1; left padding: tokens − 1). A row with no real token throws.
 */
export function lastRealTokenIndices(mask: MaskLike): number[] {
  if (mask.dims.length !== 2)
    throw new EmbedlabError(`attention mask of shape [${mask.dims.join(", ")}], not [batch, tokens]`);
  const [b, t] = mask.dims;
  return Array.from({ length: b }, (_, i) => {
    for (let j = t - 1; j >= 0; j--) if (Number(mask.data[i * t + j]) !== 0) return j;
    throw new EmbedlabError(
      `row ${i} of the batch has no real token (its attention mask is all 0)`,
      "embed non-empty texts",
    );
  });
}

/** Row `positions[i]` of batch item i of [batch, tokens, dim] `states` (e.g. logits), as Float32Arrays. */
export function rowsAtPositions(states: TensorLike, positions: readonly number[]): Float32Array[] {
  if (states.dims.length !== 3 || states.dims[0] !== positions.length)
    throw new EmbedlabError(
      `expected [${positions.length}, tokens, dim] outputs, got [${states.dims.join(", ")}]`,
      "use a causal language model (its logits are [batch, tokens, vocab])",
    );
  const [, t, d] = states.dims;
  return positions.map((p, i) => {
    if (!(p >= 0 && p < t)) throw new EmbedlabError(`position ${p} is outside the ${t} tokens of batch item ${i}`);
    const start = (i * t + p) * d;
    return Float32Array.from({ length: d }, (_, j) => Number(states.data[start + j]));
  });
}

/** The last-real-token rows of a padded batch's outputs: `rowsAtPositions(states, lastRealTokenIndices(mask))`. */
export function lastRealTokenRows(states: TensorLike, mask: MaskLike): Float32Array[] {
  return rowsAtPositions(states, lastRealTokenIndices(mask));
}

/** Load `modelId` (e.g. "onnx-community/Qwen2.5-0.5B-Instruct") as a last-token-logits embedder. */
export async function hfLastTokenLogits(
  modelId: string,
  opts: LastTokenLogitsOptions = {},
): Promise<LastTokenLogitsEmbedder> {
  const t = transformersFor(opts);
  const device = hfDevice().device;
  let dtype: HfDtype = "q8";
  const [tokenizer, model] = await hfLoad(modelId, opts, device === "cuda" ? "fp32" : "q8", (s) => {
    dtype = s.dtype;
    return Promise.all([
      t.AutoTokenizer.from_pretrained(modelId, { revision: s.revision }),
      t.AutoModelForCausalLM.from_pretrained(modelId, s),
    ]);
  });
  const useChat = opts.chatTemplate ?? true;
  const batchSize = opts.batchSize ?? CHAT_LM_BATCH;
  const prompt = (text: string) =>
    useChat
      ? (tokenizer.apply_chat_template([{ role: "user", content: text }], {
          add_generation_prompt: true,
          tokenize: false,
        }) as string)
      : text;
  const run = async (prompts: string[]): Promise<Float32Array[]> => {
    // the chat template already holds the model's special tokens
    const inputs = tokenizer(prompts, { add_special_tokens: !useChat, padding: true });
    const res = (await model(inputs)) as { logits?: TensorLike };
    if (!res.logits) throw new EmbedlabError(`${modelId} returned no logits`, "use a causal language model");
    return lastRealTokenRows(res.logits, inputs.attention_mask as unknown as MaskLike);
  };
  return {
    id: `hf-last-token-logits:${modelId}`,
    device,
    dtype,
    async embed(texts: string[]): Promise<Float32Array[]> {
      const prompts = texts.map(prompt);
      return inLengthOrder(
        prompts,
        (p) => p.length,
        (sorted) => embedInBatches(sorted, batchSize, `${modelId} last-token logits`, run),
      );
    },
    async dispose() {
      await model.dispose();
    },
  };
}
