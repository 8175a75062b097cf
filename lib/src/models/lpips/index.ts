export * from "./lpips";
export * from "./sanity";
export * from "./images";
