export * from "./finetune-checkpoints";
