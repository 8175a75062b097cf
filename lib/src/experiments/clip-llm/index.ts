/** Notebook 04: similarity matrices (text, image–text, LPIPS), CLIP-style retrieval, LoRA fine-tuning on the Aonomi data. */
export * from "./config";
export * from "./photos";
export * from "./similarity";
export * from "./image-text-model";
export * from "./flickr";
export * from "./retrieval";
export * from "./aonomi-data";
export * from "./finetune-checkpoints";
export * from "./response-loss";
export * from "./sampling";
export * from "./lora-finetune";
export * from "./base-lm";
export { lmCheckpointSummary, type LmCheckpointCard } from "../../train";
export * from "./samples";
export * from "./report";
export * from "./fact-accuracy";
export * from "./lora-report";
