import * as path from "node:path";
import { EmbedlabError } from "../core";
import { locateDataset, requireFile } from "./locate";
import { parseBinaryLabel, readTsv } from "./tsv";
import type { Sst2Row } from "./types";

export interface Sst2Options {
  /** Data root holding `SST-2/` (default `dataDir()`). */
  root?: string;
  /** Read this GLUE-format TSV (header with `sentence` and `label` columns) instead of `SST-2/<split>.tsv`. */
  file?: string;
}

/** GLUE SST-2 sentences with 0/1 sentiment (1 = positive). Sentences are returned exactly as in the file. */
export function loadSst2(split: "train" | "dev", opts: Sst2Options = {}): Sst2Row[] {
  if (split !== "train" && split !== "dev") throw new EmbedlabError(`unknown SST-2 split "${split}"`, 'use "train" or "dev" (GLUE\'s test split has no labels)');
  const file = opts.file ? requireFile("sst2", opts.file) : path.join(locateDataset("sst2", ["SST-2", "sst2"], [`${split}.tsv`], opts.root).dir, `${split}.tsv`);
  const { columns, rows } = readTsv(file, ["sentence", "label"]);
  const s = columns.sentence;
  const l = columns.label;
  return rows.map((r) => ({ sentence: r.fields[s], label: parseBinaryLabel(file, r, r.fields[l]) }));
}

/** Where `loadSst2` reads a split from (for provenance). */
export function sst2File(split: "train" | "dev", root?: string): string {
  return path.join(locateDataset("sst2", ["SST-2", "sst2"], [`${split}.tsv`], root).dir, `${split}.tsv`);
}
