import { EmbedlabError, noteModel } from "../core";
import { loadCachedVectors } from "./cached-file";
import { loadGlove, type GloveOptions } from "./glove";
import { loadHfClipImageEncoder } from "./hf-image";
import { loadHfClipTextEncoder, loadHfTextEncoder, type HfOptions } from "./hf-text";
import { loadMobileNetV2, type MobileNetOptions } from "./mobilenet";
import { loadOpenAIEncoder, type OpenAIOptions } from "./openai";
import { loadUseLite } from "./use-lite";
import type { ImageEncoder, TextEncoder } from "./types";

export type TextEncoderOptions = GloveOptions & HfOptions & OpenAIOptions;

const TEXT_IDS = [
  '"use-lite"',
  '"glove-100d"',
  '"cached:<file.json>"',
  '"hf:<model id>"',
  '"hf-clip-text:<model id>"',
  '"openai:<model>"',
];

/**
 * Text encoder by id: "use-lite" (offline, 512-d), "glove-100d" (offline, 100-d), "cached:<file.json>",
 * "hf:<model id>" (transformers.js feature extraction), "hf-clip-text:<model id>", "openai:<model>".
 */
export async function loadTextEncoder(id: string, opts: TextEncoderOptions = {}): Promise<TextEncoder> {
  return noted(await pickTextEncoder(id, opts));
}

/** Offline (embedded, cached, API) encoders are noted by name for the results' `runtime` block; hub loads note themselves. */
function noted<E extends TextEncoder | ImageEncoder>(enc: E): E {
  if (!enc.id.startsWith("hf")) noteModel({ id: enc.id, source: enc.provenance.source });
  return enc;
}

async function pickTextEncoder(id: string, opts: TextEncoderOptions): Promise<TextEncoder> {
  const colon = id.indexOf(":");
  const kind = colon < 0 ? id : id.slice(0, colon);
  const rest = colon < 0 ? "" : id.slice(colon + 1);
  switch (kind) {
    case "use-lite":
      return loadUseLite(opts);
    case "glove-100d":
    case "glove":
      return loadGlove(opts);
    case "cached":
      return loadCachedVectors(need(rest, id), opts);
    case "hf":
      return loadHfTextEncoder(need(rest, id), opts);
    case "hf-clip-text":
      return loadHfClipTextEncoder(need(rest, id), opts);
    case "openai":
      return loadOpenAIEncoder(need(rest, id), opts);
    default:
      throw new EmbedlabError(`unknown text encoder "${id}"`, `use one of ${TEXT_IDS.join(", ")}`);
  }
}

export type ImageEncoderOptions = MobileNetOptions & HfOptions;

/** Image encoder by id: "mobilenet-v2" (offline, 1280-d; option inputSize) or "hf:<clip model id>". */
export async function loadImageEncoder(id: string, opts: ImageEncoderOptions = {}): Promise<ImageEncoder> {
  if (id === "mobilenet-v2") return noted(await loadMobileNetV2(opts));
  if (id.startsWith("hf:")) return loadHfClipImageEncoder(need(id.slice(3), id), opts);
  throw new EmbedlabError(
    `unknown image encoder "${id}"`,
    'use "mobilenet-v2" or "hf:<clip model id>" (e.g. hf:Xenova/clip-vit-base-patch32)',
  );
}

function need(rest: string, id: string): string {
  if (!rest)
    throw new EmbedlabError(
      `encoder id "${id}" is missing its argument`,
      `write it as ${id}<name>, e.g. hf:Xenova/all-MiniLM-L6-v2 or cached:llm_labels/cifar10_ada-001.json`,
    );
  return rest;
}
