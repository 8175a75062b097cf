/**
 * @embedlab/lib — the shared library every notebook imports.
 * One folder per concern; each is exported as a namespace.
 */
export * from "./core";
export * as backend from "./backend";
export * as data from "./data";
export * as models from "./models";
export * as losses from "./losses";
export * as train from "./train";
export * as metrics from "./metrics";
export * as viz from "./viz";
export * as parallel from "./parallel";
export * as experiments from "./experiments";
