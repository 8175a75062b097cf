export * from "./grammar";
export * from "./format";
export * from "./generate";
export * from "./io";
export * from "./probes";
export * from "./facts";
