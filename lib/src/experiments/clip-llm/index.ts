export * from "./finetune-checkpoints";
export * from "./response-loss";
export * from "./sampling";
