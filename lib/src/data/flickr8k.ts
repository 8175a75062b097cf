import * as fs from "node:fs";
import * as path from "node:path";
import { CorruptDataError, EmbedlabError } from "../core";
import { locateDataset } from "./locate";
import type { Provenance } from "./types";

export type Flickr8kSplit = "train" | "dev" | "test";

export interface Flickr8kOptions {
  /** Data root holding `Flickr8k/` (default `dataDir()`). */
  root?: string;
}

/** One Flickr8k image with its human captions (`#0`…`#4` in `Flickr8k.token.txt`, in that order). */
export interface Flickr8kImage {
  /** File name, e.g. "1000268201_693b08cb0e.jpg". */
  id: string;
  path: string;
  captions: string[];
}

export interface Flickr8k {
  split: Flickr8kSplit;
  /** In the order of the official split list. */
  images: Flickr8kImage[];
  source: Provenance;
}

/** The official file names (the image folder keeps the original "Flicker" typo). */
export const FLICKR8K_FILES = {
  images: "Flicker8k_Dataset",
  tokens: "Flickr8k.token.txt",
  split: (s: Flickr8kSplit) => `Flickr_8k.${s}Images.txt`,
} as const;

const SPLITS: readonly Flickr8kSplit[] = ["train", "dev", "test"];

function lines(file: string): string[] {
  return fs.readFileSync(file, "utf8").split("\n").map((l) => l.replace(/\r$/, ""));
}

/**
 * Parse `Flickr8k.token.txt`: lines `<image>.jpg#<k><TAB><caption>` → captions per image, ordered by k.
 * Blank lines are skipped; anything else that is not in that form, or a repeated `#k`, is corrupt data.
 */
export function parseFlickr8kTokens(file: string): Map<string, string[]> {
  const byImage = new Map<string, Map<number, string>>();
  lines(file).forEach((line, i) => {
    if (line.trim() === "") return;
    const m = /^([^\t#]+)#(\d+)\t(.*)$/.exec(line);
    if (!m || m[3].trim() === "")
      throw new CorruptDataError(file, `line ${i + 1}: expected "<image>.jpg#<k><TAB><caption>", got "${line.slice(0, 80)}"`);
    const [, image, k, caption] = m;
    const caps = byImage.get(image) ?? new Map<number, string>();
    if (caps.has(Number(k))) throw new CorruptDataError(file, `line ${i + 1}: caption #${k} of ${image} appears twice`);
    caps.set(Number(k), caption.trim());
    byImage.set(image, caps);
  });
  if (byImage.size === 0) throw new CorruptDataError(file, "no captions in the file");
  const out = new Map<string, string[]>();
  for (const [image, caps] of byImage) out.set(image, [...caps.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]));
  return out;
}

/**
 * Flickr8k in its official layout: `Flicker8k_Dataset/*.jpg`, `Flickr8k.token.txt` (5 captions per image) and the
 * official split lists `Flickr_8k.{train,dev,test}Images.txt`. Every listed image must have its file and captions.
 */
export function loadFlickr8k(split: Flickr8kSplit, opts: Flickr8kOptions = {}): Flickr8k {
  if (!SPLITS.includes(split))
    throw new EmbedlabError(`unknown Flickr8k split "${split}"`, 'use "train", "dev" or "test"');
  const listName = FLICKR8K_FILES.split(split);
  const { dir, root } = locateDataset("flickr8k", ["Flickr8k"], [FLICKR8K_FILES.tokens, listName], opts.root);
  const imageDir = path.join(dir, FLICKR8K_FILES.images);
  if (!fs.existsSync(imageDir) || !fs.statSync(imageDir).isDirectory())
    throw new CorruptDataError(imageDir, `the image folder ${FLICKR8K_FILES.images}/ is missing next to ${FLICKR8K_FILES.tokens}`);
  const tokensFile = path.join(dir, FLICKR8K_FILES.tokens);
  const listFile = path.join(dir, listName);
  const captions = parseFlickr8kTokens(tokensFile);
  const ids = lines(listFile).map((l) => l.trim()).filter((l) => l !== "");
  if (ids.length === 0) throw new CorruptDataError(listFile, "the split list is empty");
  const seen = new Set<string>();
  const noCaptions: string[] = [];
  const missing: string[] = [];
  const images: Flickr8kImage[] = [];
  for (const id of ids) {
    if (seen.has(id)) throw new CorruptDataError(listFile, `${id} is listed twice`);
    seen.add(id);
    const caps = captions.get(id);
    if (!caps) noCaptions.push(id);
    const p = path.join(imageDir, id);
    if (!fs.existsSync(p)) missing.push(id);
    images.push({ id, path: p, captions: caps ?? [] });
  }
  if (noCaptions.length)
    throw new CorruptDataError(
      tokensFile,
      `${noCaptions.length} image(s) of ${listName} have no captions, e.g. ${noCaptions.slice(0, 3).join(", ")}`,
    );
  if (missing.length)
    throw new CorruptDataError(
      imageDir,
      `${missing.length} image(s) listed in ${listName} are missing, e.g. ${missing.slice(0, 3).join(", ")}`,
    );
  const nCaptions = images.reduce((s, im) => s + im.captions.length, 0);
  return {
    split,
    images,
    source: {
      dataset: "flickr8k",
      files: [tokensFile, listFile],
      root,
      note: `${split} split: ${images.length} images, ${nCaptions} captions`,
    },
  };
}
