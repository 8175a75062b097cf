import * as fs from "node:fs";
import * as path from "node:path";
import { CorruptDataError, DataNotFoundError, dataDir, projectDataDir } from "../core";
import { fetchCommand, requireFile } from "./locate";
import type { Photo } from "./types";

export interface PhotosOptions {
  /** Data root holding `photos/` (default `dataDir()`). */
  root?: string;
  /** JSON `{ "<file name>": "caption" }`; default `data/photos/captions.json` in the repo when it exists. */
  captionsFile?: string;
}

const IMAGE_EXT = /\.(jpe?g|png|webp)$/i;

/** The sample photos (`photos/*.jpg`), sorted by file name, with captions from the project's captions file if any. */
export function loadPhotos(opts: PhotosOptions = {}): Photo[] {
  const base = path.resolve(opts.root ?? dataDir());
  const dir = [path.join(base, "photos"), base].find((d) => fs.existsSync(d) && fs.statSync(d).isDirectory() && fs.readdirSync(d).some((f) => IMAGE_EXT.test(f)));
  if (!dir) throw new DataNotFoundError("photos", [path.join(base, "photos", "*.jpg"), path.join(base, "*.jpg")], fetchCommand("photos"));
  const files = fs.readdirSync(dir).filter((f) => IMAGE_EXT.test(f)).sort();
  let captions: Record<string, string> = {};
  const capFile = opts.captionsFile ? requireFile("photos captions", opts.captionsFile) : projectDataDir("photos", "captions.json");
  if (fs.existsSync(capFile)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(capFile, "utf8"));
    } catch (err) {
      throw new CorruptDataError(capFile, `not valid JSON: ${(err as Error).message}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== "string")) {
      throw new CorruptDataError(capFile, 'expected an object { "<file name>": "caption", ... } with string captions');
    }
    captions = parsed as Record<string, string>;
    // Keys match by name without extension: the mirror's photos are JPEGs, a fresh download keeps scikit-image's PNGs.
    const unknown = Object.keys(captions).filter((k) => !files.some((f) => f.replace(IMAGE_EXT, "") === k.replace(IMAGE_EXT, "")));
    if (unknown.length) throw new CorruptDataError(capFile, `captions for photos not in ${dir}: ${unknown.join(", ")}`);
  }
  return files.map((f) => {
    const id = f.replace(IMAGE_EXT, "");
    const caption = captions[f] ?? captions[id] ?? Object.entries(captions).find(([k]) => k.replace(IMAGE_EXT, "") === id)?.[1];
    return caption === undefined ? { id, path: path.join(dir, f) } : { id, path: path.join(dir, f), caption };
  });
}
