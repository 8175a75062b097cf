export * from "./errors";
export * from "./paths";
export * from "./atomic";
export * from "./rng";
export * from "./progress";
export * from "./results";
export * from "./json-file";
export * from "./event-loop";
