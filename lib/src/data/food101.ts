import * as fs from "node:fs";
import * as path from "node:path";
import { CorruptDataError, EmbedlabError } from "../core";
import { locateDataset } from "./locate";
import type { ImageCollection, ImageItem } from "./types";

export interface Food101Options {
  /** Data root holding `food-101/` (default `dataDir()`). */
  root?: string;
  /** Official split from `meta/{train,test}.txt`, or both ("all", train first). Default "all". */
  split?: "train" | "test" | "all";
}

export interface Food101 extends ImageCollection {
  /** Display names from `meta/labels.txt` (same order as classNames), when present. */
  displayNames?: string[];
}

function readLines(file: string): string[] {
  return fs.readFileSync(file, "utf8").split("\n").map((l) => l.replace(/\r$/, "").trim()).filter((l) => l !== "");
}

/** Food-101 in its official layout: `images/<class>/<id>.jpg`, `meta/classes.txt`, `meta/{train,test}.txt` (`class/id`). */
export function loadFood101(opts: Food101Options = {}): Food101 {
  const split = opts.split ?? "all";
  if (!["train", "test", "all"].includes(split)) throw new EmbedlabError(`unknown Food-101 split "${split}"`, 'use "train", "test" or "all"');
  const { dir, root } = locateDataset("food101", ["food-101"], ["meta/classes.txt", "meta/train.txt", "meta/test.txt"], opts.root);
  const classesFile = path.join(dir, "meta", "classes.txt");
  const classNames = readLines(classesFile);
  const index = new Map(classNames.map((c, i) => [c, i]));
  const labelsFile = path.join(dir, "meta", "labels.txt");
  const displayNames = fs.existsSync(labelsFile) ? readLines(labelsFile) : undefined;
  const splits = split === "all" ? (["train", "test"] as const) : ([split] as const);
  const files = [classesFile];
  const items: ImageItem[] = [];
  const missing: string[] = [];
  for (const s of splits) {
    const listFile = path.join(dir, "meta", `${s}.txt`);
    files.push(listFile);
    readLines(listFile).forEach((entry, i) => {
      const slash = entry.indexOf("/");
      const className = entry.slice(0, slash);
      const id = entry.slice(slash + 1);
      const label = index.get(className);
      if (slash < 0 || label === undefined || id === "") throw new CorruptDataError(listFile, `line ${i + 1}: "${entry}" is not <class>/<id> with a class from meta/classes.txt`);
      const p = path.join(dir, "images", className, `${id}.jpg`);
      if (!fs.existsSync(p)) missing.push(p);
      items.push({ path: p, label, className, id });
    });
  }
  if (missing.length) throw new CorruptDataError(path.join(dir, "images"), `${missing.length} image(s) listed in meta/ are missing, e.g. ${missing.slice(0, 3).join(", ")}`);
  const note = `${split} split: ${items.length} images, ${classNames.length} classes${classNames.length < 101 ? " (subset of the 101 official classes)" : ""}`;
  return { items, classNames, displayNames, source: { dataset: "food101", files, root, note } };
}

const IMAGE_EXT = /\.(jpe?g|png|webp|gif|tiff?|avif)$/i;

/** A folder of class subfolders (subfolder name = class, sorted) holding image files. */
export function loadImageFolder(dir: string): ImageCollection {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) throw new EmbedlabError(`image folder ${abs} does not exist`, "pass a folder whose subfolders are the classes");
  const classNames = fs.readdirSync(abs, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith(".")).map((d) => d.name).sort();
  if (!classNames.length) throw new EmbedlabError(`image folder ${abs} has no class subfolders`, "put images in <dir>/<class>/<file>.jpg");
  const items: ImageItem[] = [];
  classNames.forEach((className, label) => {
    const files = fs.readdirSync(path.join(abs, className)).filter((f) => IMAGE_EXT.test(f)).sort();
    for (const f of files) items.push({ path: path.join(abs, className, f), label, className, id: f.replace(/\.[^.]+$/, "") });
  });
  return { items, classNames, source: { dataset: path.basename(abs), files: [abs], root: abs, note: `${items.length} images in ${classNames.length} class folders` } };
}
