export * from "./lpips";
export * from "./sanity";
