/** Part 3's base language model: the pretrained GPT the LoRA run starts from, as a card (bits per byte, samples). */
import { lmCheckpointCard, type LmCheckpointCard } from "../../train";
import { loadLanguageModel } from "./lora-finetune";
import type { Config } from "./config";

/** Load the profile's LM once, build its card (null for GPT-2), free it again (the fine-tuning loads its own copy). */
export async function baseLmCard(o: Pick<Config, "lmModel" | "profile" | "seed">): Promise<LmCheckpointCard | null> {
  const lm = await loadLanguageModel(o);
  try {
    return lmCheckpointCard(lm.model, lm.tokenizer, { id: o.lmModel }, { seed: o.seed + 1 });
  } finally {
    lm.model.dispose();
  }
}
