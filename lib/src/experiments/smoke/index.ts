/** Notebook 00 (smoke): checks the kernel, backend, display, a small training and results in under a minute. */
export { resolveConfig, DEFAULT_STEPS, type SmokeParams, type SmokeConfig } from "./config";
export { makeShapes, classCounts, SIZE, CLASSES, type ShapeImages } from "./shapes";
export { trainSmokeCnn, accuracyOn, type SmokeTraining } from "./train";
export { metrics, conclusion, MIN_TRAIN_ACC, type SmokeOutcome } from "./report";
