/**
 * core/ (lowest layer; imports nothing of ours): errors with a fix, repo/data/output paths, atomic files,
 * seeded Rng, progress reporting, results files, number formatting, event-loop yields, a section stopwatch.
 */
export * from "./errors";
export * from "./paths";
export * from "./atomic";
export * from "./rng";
export * from "./progress";
export * from "./results";
export * from "./json-file";
export * from "./event-loop";
export * from "./format";
export * from "./stopwatch";
export * from "./runtime";
