import * as fs from "node:fs";
import * as path from "node:path";
import { cacheDir, EmbedlabError } from "../core";
import { remoteAllowed } from "./remote";
import type { LoadOptions } from "./types";

type Transformers = typeof import("@huggingface/transformers");

/** Folder where transformers.js models live offline, `<cacheDir("hf")>/<model id>/…` (downloads land there too). */
export function hfModelRoot(): string {
  return cacheDir("hf");
}

/** Local folder of one hub model id. */
export function hfLocalModelPath(modelId: string): string {
  return path.join(hfModelRoot(), ...modelId.split("/"));
}

/**
 * transformers.js with the project's settings: local models from `hfModelRoot()`, downloads cached there,
 * and the hub reachable only when remote access is allowed.
 */
export function transformersFor(opts: LoadOptions = {}): Transformers {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const t = require("@huggingface/transformers") as Transformers;
  const root = hfModelRoot();
  t.env.allowLocalModels = true;
  t.env.localModelPath = root;
  t.env.cacheDir = root;
  t.env.useFSCache = true;
  t.env.allowRemoteModels = remoteAllowed(opts);
  return t;
}

/** The error for a hub model that is not on disk while remote access is off. */
export function missingHfModel(modelId: string, detail?: string): EmbedlabError {
  const local = hfLocalModelPath(modelId);
  return new EmbedlabError(
    `hub model "${modelId}" is not available offline (looked in ${local})${detail ? `: ${detail}` : ""}`,
    `set EMBEDLAB_ALLOW_REMOTE=1 (or use profile "full" / { allowRemote: true }) on a machine with internet to download it into ${hfModelRoot()}, ` +
      `or put its files (config.json, tokenizer files, onnx/model.onnx) under ${local}`,
  );
}

/** Fail early, with a clear message, when a model is neither on disk nor downloadable. */
export function assertHfModelReachable(modelId: string, opts: LoadOptions = {}): void {
  if (remoteAllowed(opts)) return;
  if (!fs.existsSync(path.join(hfLocalModelPath(modelId), "config.json"))) throw missingHfModel(modelId);
}

/** Run a transformers.js load, turning its "not found locally" errors into `missingHfModel`. */
export async function hfLoad<T>(modelId: string, opts: LoadOptions, load: () => Promise<T>): Promise<T> {
  assertHfModelReachable(modelId, opts);
  try {
    return await load();
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    if (!remoteAllowed(opts) && /allowRemoteModels|not found locally|local_files_only|Could not locate file/i.test(msg))
      throw missingHfModel(modelId, msg);
    throw err;
  }
}
