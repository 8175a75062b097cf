/** data/ (above parallel): dataset loaders (official on-disk layouts), the dataset registry, download-on-demand, the Aonomi set. */
export * from "./types";
export * from "./cifar-classes";
export * from "./cifar";
export * from "./splits";
export * from "./sst2";
export * from "./wikiqa";
export * from "./sample";
export * from "./food101";
export * from "./image";
export * from "./photos";
export * from "./jsonl";
export * from "./label-embeddings";
export * from "./corpora";
export * from "./registry";
export * from "./fetch";
export { locateDataset, fetchCommand } from "./locate";
export { NOTEBOOK_DATA, checkNeeds, type DatasetNeed, type NeedStatus, type DataProfile } from "./needs";
export * as aonomi from "./aonomi";
