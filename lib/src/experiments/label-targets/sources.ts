import { EmbedlabError } from "../../core";
import {
  CIFAR100_CLASSES,
  CIFAR10_CLASSES,
  loadCifar100Descriptions,
  loadLabelEmbeddings,
  prettyClassName,
} from "../../data";
import { cachedEncoder, HUB_IDS, loadTextEncoder } from "../../models";
import { parseList } from "./config";

/** Which CIFAR label set a source embeds. */
export type CifarName = "cifar10" | "cifar100";

/** Label vectors from one embedder, one row per class in dataset index order. */
export interface LabelSource {
  /** e.g. "gpt3-davinci", "gpt3-ada-desc", "use-lite", "glove-100d-desc", "onehot-vectors" (the control). */
  id: string;
  /** What was embedded: class names or CIFAR-100 Wikipedia descriptions. */
  texts: "names" | "descriptions";
  vectors: Float32Array[];
  dim: number;
  /** Where the vectors came from (file, model), for results.json. */
  provenance: string;
}

export interface LabelSourceOptions {
  /** Data root holding `llm_labels/` (default: EMBEDLAB_DATA_DIR). */
  root?: string;
  /** "full" lets `hub-*` sources download their model (as every hub load under the full profile). */
  profile?: string;
}

/** The hub sentence encoders a label source may name as `hub-<key>` (ids carry no ":", which run specs use). */
export const HUB_LABEL_ENCODERS = {
  minilm: HUB_IDS.miniLmL6,
  "bge-small": HUB_IDS.bgeSmallEn,
} as const;
export type HubLabelEncoder = keyof typeof HUB_LABEL_ENCODERS;

const GPT3 = ["ada", "babbage", "curie", "davinci"];

/** The control label source: unit vectors, i.e. targets with no language-model structure. */
export const CONTROL_SOURCE = "onehot-vectors";

/**
 * Parse "gpt3-<size>[-desc]" / "use-lite[-desc]" / "glove-100d[-desc]" / "hub-<minilm|bge-small>[-desc]"
 * into encoder and text kind;
 * "onehot-vectors" is the control source: class i's vector is the i-th unit vector (no language model,
 * all classes equally far apart), so an embedding loss can be run on targets without semantic structure.
 */
export function parseSourceId(id: string): {
  family: "gpt3" | "use-lite" | "glove-100d" | "hub" | "onehot-vectors";
  size?: string;
  /** family "hub": the hub model id. */
  model?: string;
  texts: "names" | "descriptions";
} {
  const desc = id.endsWith("-desc");
  const base = desc ? id.slice(0, -5) : id;
  const texts = desc ? "descriptions" : "names";
  if (base === CONTROL_SOURCE) {
    if (desc) throw new EmbedlabError(`"${id}": one-hot vectors embed no text`, `write "${CONTROL_SOURCE}"`);
    return { family: CONTROL_SOURCE, texts };
  }
  if (base.startsWith("gpt3-")) {
    const size = base.slice(5);
    if (!GPT3.includes(size))
      throw new EmbedlabError(
        `unknown GPT-3 size in label source "${id}"`,
        `use gpt3-${GPT3.join(" / gpt3-")} (add -desc for descriptions)`,
      );
    return { family: "gpt3", size, texts };
  }
  if (base === "use-lite" || base === "glove-100d") return { family: base, texts };
  if (base.startsWith("hub-")) {
    const key = base.slice(4);
    if (!(key in HUB_LABEL_ENCODERS))
      throw new EmbedlabError(
        `unknown hub encoder in label source "${id}"`,
        `use ${Object.keys(HUB_LABEL_ENCODERS)
          .map((k) => `hub-${k}`)
          .join(" / ")} (add -desc for descriptions)`,
      );
    return { family: "hub", model: HUB_LABEL_ENCODERS[key as HubLabelEncoder], texts };
  }
  throw new EmbedlabError(
    `unknown label source "${id}"`,
    'use "gpt3-<ada|babbage|curie|davinci>", "use-lite", "glove-100d" or "hub-<minilm|bge-small>", each optionally with "-desc", or the control "onehot-vectors"',
  );
}

/** The texts a local encoder embeds: class names with spaces ("aquarium fish"), or the CIFAR-100 descriptions. */
export function labelTexts(dataset: CifarName, texts: "names" | "descriptions", root?: string): string[] {
  if (texts === "descriptions") {
    if (dataset !== "cifar100")
      throw new EmbedlabError(
        `descriptions exist only for CIFAR-100, not ${dataset}`,
        "use a names source (drop -desc)",
      );
    return loadCifar100Descriptions(root).descriptions;
  }
  return (dataset === "cifar10" ? CIFAR10_CLASSES : CIFAR100_CLASSES).map(prettyClassName);
}

/**
 * Label vectors for `dataset` from one source: the original's cached GPT-3 vectors (`llm_labels/`, paired
 * to classes BY NAME), or an encoder (USE-lite, GloVe, or a hub sentence encoder: downloaded under the full
 * profile, else read from the local model cache) run through the on-disk embedding cache.
 */
export async function loadLabelSource(
  id: string,
  dataset: CifarName,
  opts: LabelSourceOptions = {},
): Promise<LabelSource> {
  const p = parseSourceId(id);
  if (p.family === CONTROL_SOURCE) {
    const k = (dataset === "cifar10" ? CIFAR10_CLASSES : CIFAR100_CLASSES).length;
    const vectors = Array.from({ length: k }, (_, i) => Float32Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
    return {
      id,
      texts: "names",
      vectors,
      dim: k,
      provenance: "control: class i's vector is the i-th unit vector (no language model)",
    };
  }
  if (p.family === "gpt3") {
    const file = `${dataset}_${p.texts === "descriptions" ? "desc_" : ""}${p.size}-001`;
    const le = loadLabelEmbeddings(file, { root: opts.root, pairing: "by-name" });
    return {
      id,
      texts: p.texts,
      vectors: le.vectors,
      dim: le.dim,
      provenance: `text-similarity-${p.size}-001 (cached, ${le.source.note ?? file})`,
    };
  }
  const texts = labelTexts(dataset, p.texts, opts.root);
  const enc = cachedEncoder(
    p.family === "hub"
      ? await loadTextEncoder(`hf:${p.model}`, { profile: opts.profile })
      : await loadTextEncoder(p.family),
  );
  const vectors = await enc.embed(texts);
  return {
    id,
    texts: p.texts,
    vectors,
    dim: enc.dim,
    provenance: `${enc.id} (${enc.provenance.source}); cache ${enc.cacheStats.hits} hits / ${enc.cacheStats.misses} computed`,
  };
}

/**
 * Load several sources; ids whose data does not exist for this dataset (e.g. GPT-3 davinci for CIFAR-100
 * here) are reported, not thrown. A hub source that cannot be loaded throws (a failed download is not a
 * missing row: it must stop the run with its fix).
 */
export async function loadLabelSources(
  ids: readonly string[],
  dataset: CifarName,
  opts: LabelSourceOptions = {},
): Promise<{ sources: LabelSource[]; missing: { id: string; reason: string }[] }> {
  const sources: LabelSource[] = [];
  const missing: { id: string; reason: string }[] = [];
  for (const id of ids) {
    try {
      sources.push(await loadLabelSource(id, dataset, opts));
    } catch (err) {
      if (!(err instanceof EmbedlabError) || parseSourceId(id).family === "hub") throw err;
      missing.push({ id, reason: err.message.split("\n")[0] });
    }
  }
  return { sources, missing };
}

/** The notebook's form of loadLabelSources: a comma-separated list of ids, its `dataRoot` parameter ("" = the default data root) and profile. */
export function labelSources(
  ids: string,
  dataset: CifarName,
  dataRoot = "",
  profile?: string,
): Promise<{ sources: LabelSource[]; missing: { id: string; reason: string }[] }> {
  return loadLabelSources(parseList(ids), dataset, { root: dataRoot || undefined, profile });
}

/** How many classes of one cached GPT-3 file the original's file-order pairing gives another class's vector. */
export interface PairingCheck {
  file: string;
  classes: number;
  classes_with_foreign_vector_in_original: number;
}

/** The original pairs vectors with classes in file order (CIFAR-100: sorted by superclass); count the classes that get a foreign vector. */
export function pairingCheck(
  dataRoot = "",
  files: readonly string[] = ["cifar100_ada-001", "cifar10_ada-001"],
): PairingCheck[] {
  const root = dataRoot || undefined;
  return files.map((f) => {
    const a = loadLabelEmbeddings(f, { root, pairing: "by-name" }),
      b = loadLabelEmbeddings(f, { root, pairing: "file-order" });
    const foreign = a.vectors.filter((v, i) => v.some((x, j) => x !== b.vectors[i][j])).length;
    return { file: f, classes: a.vectors.length, classes_with_foreign_vector_in_original: foreign };
  });
}
