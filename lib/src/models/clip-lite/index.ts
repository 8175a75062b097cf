export * from "./captions";
export * from "./similarity";
export * from "./model";
export * from "./train";
