/**
 * Which datasets each notebook needs under each profile (registry names, and the files inside the dataset's
 * folder that the notebook reads), and whether a data root has them. `npm run doctor` reports it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { dataDir } from "../core";
import { getDataset } from "./registry";

export type DataProfile = "quick" | "full";

export interface DatasetNeed {
  /** Registry name (`npm run data -- fetch <name>`). */
  dataset: string;
  /** Files inside the dataset's folder that the notebook reads. */
  files: string[];
  /** Used when present, not required. */
  optional?: boolean;
}

/** nb04 trains clip-lite on Flickr8k train, selects on dev and reports test (captions and split lists). */
const FLICKR8K_NEEDED = [
  "Flickr8k.token.txt",
  "Flickr_8k.trainImages.txt",
  "Flickr_8k.devImages.txt",
  "Flickr_8k.testImages.txt",
];

/** notebook → profile → datasets. The smoke notebook makes its own images. */
export const NOTEBOOK_DATA: Readonly<Record<string, Readonly<Record<DataProfile, readonly DatasetNeed[]>>>> = {
  "00_smoke": { quick: [], full: [] },
  "01_label_embeddings": {
    quick: [
      { dataset: "cifar10", files: ["data_batch_1.bin", "test_batch.bin"] },
      { dataset: "llm_labels", files: ["cifar10_ada-001.json"] },
    ],
    full: [
      { dataset: "cifar100", files: ["train.bin", "test.bin"] },
      { dataset: "llm_labels", files: ["cifar10_ada-001.json"] },
    ],
  },
  "02_train_without_labels": {
    quick: [{ dataset: "sst2", files: ["train.tsv", "dev.tsv"] }],
    full: [{ dataset: "sst2", files: ["train.tsv", "dev.tsv"] }],
  },
  "03_gpt_embedding_pitfalls": {
    quick: [{ dataset: "wikiqa", files: ["WikiQA-dev.tsv"] }],
    full: [
      { dataset: "wikiqa", files: ["WikiQA-dev.tsv"] },
      { dataset: "wikiqa", files: ["WikiQA-train.tsv"], optional: true },
    ],
  },
  "04_clip_llm_assignment": {
    quick: [
      { dataset: "photos", files: ["dog.jpg"] },
      { dataset: "food101", files: ["meta/classes.txt"] },
      { dataset: "cifar10", files: ["data_batch_1.bin"] },
      { dataset: "flickr8k", files: FLICKR8K_NEEDED },
    ],
    full: [
      { dataset: "photos", files: ["dog.jpg"] },
      { dataset: "food101", files: ["meta/classes.txt"] },
      { dataset: "flickr8k", files: FLICKR8K_NEEDED },
    ],
  },
};

export interface NeedStatus extends DatasetNeed {
  /** The dataset's folder under the root. */
  dir: string;
  /** Needed files that are not there. */
  missing: string[];
  /** Whether the registry knows a download for it. */
  downloadable: boolean;
}

/** Each need of `notebook` under `profile`, checked against `root` (default `dataDir()`). */
export function checkNeeds(notebook: string, profile: DataProfile, root: string = dataDir()): NeedStatus[] {
  const needs = NOTEBOOK_DATA[notebook]?.[profile] ?? [];
  return needs.map((n) => {
    const entry = getDataset(n.dataset);
    const dir = path.join(root, entry.dir);
    return {
      ...n,
      dir,
      missing: n.files.filter((f) => !fs.existsSync(path.join(dir, f))),
      downloadable: entry.sources.length > 0,
    };
  });
}
