/**
 * The original post's embedding, for the full profile: a chat-tuned causal LM from the hub (through
 * transformers.js), each text wrapped in the model's chat template as a user turn (with the assistant
 * prompt appended), and the **last token's logits** taken as the text's vector. One text per forward
 * pass (no padding to get wrong). Offline it fails with the project's "model not available" error.
 */
import { EmbedlabError, progress } from "../../core";
import type { HfDtype } from "../../backend";
import { hfLoad, transformersFor } from "../../models/hf-env";
import type { LoadOptions } from "../../models/types";

export interface LastTokenLogitsOptions extends LoadOptions {
  /** Wrap each text in the tokenizer's chat template (default true; needs a chat model). */
  chatTemplate?: boolean;
  /** ONNX weights variant (default `EMBEDLAB_DTYPE`, else "q8" to keep a 0.5B model small). */
  dtype?: HfDtype;
}

export interface LastTokenLogitsEmbedder {
  id: string;
  embed(texts: string[]): Promise<Float32Array[]>;
}

interface TensorLike {
  dims: number[];
  data: ArrayLike<number>;
}

/** Load `modelId` (e.g. "onnx-community/Qwen2.5-0.5B-Instruct") as a last-token-logits embedder. */
export async function hfLastTokenLogits(
  modelId: string,
  opts: LastTokenLogitsOptions = {},
): Promise<LastTokenLogitsEmbedder> {
  const t = transformersFor(opts);
  const [tokenizer, model] = await hfLoad(modelId, opts, "q8", (s) =>
    Promise.all([
      t.AutoTokenizer.from_pretrained(modelId, { revision: s.revision }),
      t.AutoModelForCausalLM.from_pretrained(modelId, s),
    ]),
  );
  const useChat = opts.chatTemplate ?? true;
  return {
    id: `hf-last-token-logits:${modelId}`,
    async embed(texts: string[]): Promise<Float32Array[]> {
      const bar = progress(texts.length, `${modelId} last-token logits`);
      const out: Float32Array[] = [];
      for (const text of texts) {
        const prompt = useChat
          ? (tokenizer.apply_chat_template([{ role: "user", content: text }], {
              add_generation_prompt: true,
              tokenize: false,
            }) as string)
          : text;
        const inputs = tokenizer(prompt, { add_special_tokens: !useChat });
        const res = (await model(inputs)) as { logits?: TensorLike };
        const logits = res.logits;
        if (!logits || logits.dims.length !== 3)
          throw new EmbedlabError(`${modelId} returned no [1, T, vocab] logits`, "use a causal language model");
        const [, T, V] = logits.dims;
        out.push(Float32Array.from({ length: V }, (_, j) => Number(logits.data[(T - 1) * V + j])));
        bar.tick(1);
      }
      bar.done();
      return out;
    },
  };
}
