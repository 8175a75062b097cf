import * as fs from "node:fs";
import * as path from "node:path";
import { cacheDir, EmbedlabError, noteModel } from "../core";
import { hfDevice, hfDtype, type HfDtype } from "../backend";
import { atomicHubCache, type AtomicHubCache } from "./hf-cache";
import { describeCause, hubDownloadError, hubEndpoint, readCommitNote, revisionRoot } from "./hub";
import { hubModel } from "./hub-models";
import { remoteAllowed } from "./remote";
import type { LoadOptions } from "./types";

type Transformers = typeof import("@huggingface/transformers");

/**
 * Folder where transformers.js models live offline, `<cacheDir("hf")>/<model id>/…` (downloads land there too):
 * `EMBEDLAB_CACHE_DIR/hf`, default `data/cache/hf`.
 */
export function hfModelRoot(): string {
  return cacheDir("hf");
}

/**
 * The folder that holds the model folders of one hub revision: `hfModelRoot()` for "main", else
 * `<hfModelRoot()>/.revisions/<revision>` (a branch's files never mix with, or are shadowed by, main's).
 */
export function hfRevisionRoot(revision = "main"): string {
  return revisionRoot(hfModelRoot(), revision);
}

/** Local folder of one hub model id (at `revision`, default "main"). */
export function hfLocalModelPath(modelId: string, revision = "main"): string {
  return path.join(hfRevisionRoot(revision), ...modelId.split("/"));
}

let cache: { key: string; cache: AtomicHubCache } | undefined;

/** The atomic download cache for the current root and endpoint (one per combination, kept across loads). */
function hubCache(root: string, endpoint: string): AtomicHubCache {
  const key = `${root}\n${endpoint}`;
  if (cache?.key !== key) cache = { key, cache: atomicHubCache(root, endpoint) };
  return cache.cache;
}

/**
 * transformers.js with the project's settings: local models from `hfModelRoot()`, downloads from `HF_ENDPOINT`
 * (default https://huggingface.co) stored there atomically, and the hub reachable only when remote access is allowed.
 */
export function transformersFor(opts: LoadOptions = {}): Transformers {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const t = require("@huggingface/transformers") as Transformers;
  const root = hfModelRoot();
  const endpoint = hubEndpoint();
  t.env.allowLocalModels = true;
  t.env.localModelPath = root;
  t.env.cacheDir = root;
  t.env.remoteHost = `${endpoint}/`;
  t.env.remotePathTemplate = "{model}/resolve/{revision}/";
  t.env.useFSCache = false;
  t.env.useCustomCache = true;
  t.env.customCache = hubCache(root, endpoint);
  t.env.allowRemoteModels = remoteAllowed(opts);
  return t;
}

/** The error for a hub model that is not on disk while remote access is off. */
export function missingHfModel(modelId: string, detail?: string, revision = "main"): EmbedlabError {
  const local = hfLocalModelPath(modelId, revision);
  return new EmbedlabError(
    `hub model "${modelId}" is not available offline (looked in ${local})${detail ? `: ${detail}` : ""}`,
    `set EMBEDLAB_ALLOW_REMOTE=1 (or use profile "full" / { allowRemote: true }) on a machine with internet to download it into ${hfModelRoot()}, ` +
      `or put its files (config.json, tokenizer files, onnx/model.onnx) under ${local}`,
  );
}

/** The hub revision a load of `modelId` asks for: `opts.revision`, else the one `HUB_MODELS` names, else "main". */
export function hfRevision(modelId: string, opts: LoadOptions = {}): string {
  return opts.revision ?? hubModel(modelId)?.revision ?? "main";
}

/** Fail early, with a clear message, when a model (at the revision asked for) is neither on disk nor downloadable. */
export function assertHfModelReachable(modelId: string, opts: LoadOptions = {}): void {
  if (remoteAllowed(opts)) return;
  const revision = hfRevision(modelId, opts);
  if (!fs.existsSync(path.join(hfLocalModelPath(modelId, revision), "config.json")))
    throw missingHfModel(modelId, undefined, revision);
}

/**
 * The error for a model that onnxruntime could not start on CUDA (its CUDA provider is there, but the CUDA 12 /
 * cuDNN 9 runtime libraries it links against are not, or the GPU refused), or undefined for other errors.
 */
export function cudaStartError(modelId: string, device: string, err: unknown): EmbedlabError | undefined {
  const msg = (err as Error)?.message ?? String(err);
  if (device !== "cuda" || !/cuda|cudnn|libcu|cublas|providers_cuda/i.test(msg)) return undefined;
  return new EmbedlabError(
    `hub model "${modelId}" could not start on the GPU (device cuda): ${msg.split("\n")[0]}`,
    "install the CUDA 12 and cuDNN 9 runtime libraries onnxruntime-node's CUDA provider needs (npm run doctor lists what is found), or set EMBEDLAB_DEVICE=cpu",
  );
}

/** What every transformers.js model load gets: the device and dtype chosen in `backend/device.ts`. */
export interface HfLoadSettings {
  device: "cpu" | "cuda";
  dtype: HfDtype;
  /** Hub revision (`hfRevision`): pass it to every `from_pretrained` of the load. */
  revision: string;
}

/**
 * Run a transformers.js load of `modelId` with the project's device and dtype (`opts.dtype`, else
 * `EMBEDLAB_DTYPE`, else `defaultDtype`): "not found locally" errors become `missingHfModel`, failed downloads
 * (transformers.js's bare `TypeError: fetch failed`, HTTP errors) an EmbedlabError naming the model, the URL
 * and the cause; the model's id, revision and commit are noted for the results' `runtime` block.
 */
export async function hfLoad<T>(
  modelId: string,
  opts: LoadOptions & { dtype?: HfDtype },
  defaultDtype: HfDtype,
  load: (settings: HfLoadSettings) => Promise<T>,
): Promise<T> {
  assertHfModelReachable(modelId, opts);
  const revision = hfRevision(modelId, opts);
  const settings: HfLoadSettings = { device: hfDevice().device, dtype: hfDtype(opts.dtype, defaultDtype), revision };
  let out: T;
  const t = transformersFor(opts);
  // transformers.js looks for local files at <localModelPath>/<id>/<file> whatever the revision: point it at
  // the revision's own folder (loads of different revisions must therefore not run concurrently)
  t.env.localModelPath = hfRevisionRoot(revision);
  const traffic = (t.env.customCache as AtomicHubCache).traffic(modelId);
  const downloadedBefore = traffic.downloaded.length;
  traffic.pending = []; // URLs asked for by this load only
  try {
    out = await load(settings);
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    if (!remoteAllowed(opts) && /allowRemoteModels|not found locally|local_files_only|Could not locate file/i.test(msg))
      throw missingHfModel(modelId, msg, revision);
    if (err instanceof EmbedlabError) throw err;
    const onGpu = cudaStartError(modelId, settings.device, err);
    if (onGpu) throw onGpu;
    const located = /Could not locate file: "([^"]+)"/.exec(msg);
    if (located)
      throw hubDownloadError(modelId, located[1], "HTTP 404 (no such file: check the model id and revision)");
    const http = /^(.*?(error|access)[^:]*): "(https?:[^"]+)"/i.exec(msg);
    if (http) throw hubDownloadError(modelId, http[3], http[1]);
    if (/fetch failed|ECONN|ENOTFOUND|EAI_AGAIN|network|socket/i.test(msg + describeCause(err))) {
      const url = traffic.pending[traffic.pending.length - 1] ?? `${hubEndpoint()}/${modelId}`;
      throw hubDownloadError(modelId, url, describeCause(err));
    }
    throw err;
  }
  noteModel(
    traffic.downloaded.length > downloadedBefore
      ? { id: modelId, revision, commit: traffic.commit, source: `${hubEndpoint()}/${modelId}` }
      : {
          id: modelId,
          revision,
          commit: readCommitNote(hfLocalModelPath(modelId, revision)),
          source: hfLocalModelPath(modelId, revision),
        },
  );
  return out;
}
