import { dataDir, projectDataDir } from "../../core";
import { HUB_IDS } from "../../models/hub-models";

export type Profile = "quick" | "full";

/** The notebook's `parameters` cell: empty strings / 0 mean "the profile's default" (resolved below). */
export interface Params {
  profile: Profile;
  dataRoot: string;
  photosRoot: string;
  captionsFile: string;
  ratingsFile: string;
  foodRoot: string;
  cifarRoot: string;
  flickrRoot: string;
  aonomiFile: string;
  grammarFile: string;
  probesFile: string;
  textModel: string;
  clipModel: string;
  imageSize: number;
  /** MobileNetV2 layer whose pooled output clip-lite's Flickr8k map reads (the dish model keeps out_relu). */
  imageLayer: string;
  lpipsSize: number;
  cifarPerClass: number;
  headDim: number;
  headEpochs: number;
  headTemperature: number;
  headLr: number;
  flickrTrainCaptions: number;
  ridgeLambdas: number[];
  classCaptionWeights: number[];
  foodValEvery: number;
  retrievalK: number;
  /** Food-101 images in the retrieval gallery, drawn evenly across classes (0 = the profile's: quick every image, full 2,048). */
  gallerySize: number;
  /** Free-form retrieval queries ([] = the profile's: quick QUICK_QUERIES, full ORIGINAL_QUERIES). */
  freeQueries: string[];
  lmModel: string;
  loraRank: number;
  loraAlpha: number;
  loraTargets: string[];
  loraTrainEmbeddings: boolean;
  loraLr: number;
  loraBatch: number;
  loraSteps: number;
  loraCkpt1: number;
  evalPoints: number;
  heldoutFraction: number;
  evalPairs: number;
  factPerTemplate: number;
  qloraSteps: number;
  temperatures: number[];
  topPs: number[];
  repetitionPenalties: number[];
  maxNewTokens: number;
  seed: number;
}

/** One row of the LoRA settings' validation record. */
export interface LoraSelectionRow {
  loraRank: number;
  loraTargets: string[];
  loraLr: number;
  loraSteps: number;
  loraBatch: number;
  valFactAccCkpt2: number;
  valLossCkpt2: number;
}

/**
 * The quick profile's LoRA schedule (peak learning rate, steps, batch; rank 8 on every target), chosen with its
 * GPT (tinygpt-mix) on a validation split of the train pairs (whole question templates held out) by
 * bench/selection/04_lora_settings.mjs (record: outputs/selection/04_lora_settings.json): the highest
 * validation fact accuracy at the last step. Earlier selections: lr 2e-3 (tinygpt-brown), 1e-2 (the 3.4M-token
 * tinygpt-mix), both at 400 steps × batch 4 and with the narrower grammar; rank 16 did not do better than rank 8.
 */
export const SELECTED_LORA = { loraLr: 1e-2, loraSteps: 800, loraBatch: 8 } as const;

/**
 * That script's record (validation split: whole question templates of the train pairs held out, fraction 0.1,
 * seed 1; rank 8 on every target, α = 2r, seed 0; base tinygpt-mix): validation fact accuracy and response loss
 * at the last step of each row.
 */
export const LORA_SELECTION = {
  rule: "highest validation fact accuracy at the last step; ties → lower validation loss",
  /** 84 validation questions (21 templates, up to 4 wordings each) per row; 2,760 train / 312 validation pairs. */
  rows: [
    {
      loraRank: 8,
      loraTargets: ["q", "k", "v", "attn_out", "mlp"],
      loraLr: 0.01,
      loraSteps: 400,
      loraBatch: 4,
      valFactAccCkpt2: 31 / 84,
      valLossCkpt2: 0.218,
    },
    {
      loraRank: 8,
      loraTargets: ["q", "k", "v", "attn_out", "mlp"],
      loraLr: 0.002,
      loraSteps: 800,
      loraBatch: 8,
      valFactAccCkpt2: 42 / 84,
      valLossCkpt2: 0.137,
    },
    {
      loraRank: 8,
      loraTargets: ["q", "k", "v", "attn_out", "mlp"],
      loraLr: 0.005,
      loraSteps: 800,
      loraBatch: 8,
      valFactAccCkpt2: 52 / 84,
      valLossCkpt2: 0.119,
    },
    {
      loraRank: 8,
      loraTargets: ["q", "k", "v", "attn_out", "mlp"],
      loraLr: 0.01,
      loraSteps: 800,
      loraBatch: 8,
      valFactAccCkpt2: 55 / 84,
      valLossCkpt2: 0.115,
    },
  ] as LoraSelectionRow[],
};

/** Every profile default in one place: what "" / 0 in the parameters cell become. */
/**
 * The quick profile's free-form queries: ones the mirror's 10-class Food-101 gallery can answer, and two naming
 * dishes it does not have (sushi, ramen), to show what retrieval returns then.
 */
export const QUICK_QUERIES: readonly string[] = [
  "raw beef",
  "something sweet for dessert",
  "korean food",
  "breakfast",
  "barbecued pork ribs",
  "sushi",
  "a bowl of ramen",
];

/** The original write-up's free-form queries over its 2,048-image, 101-class gallery (the full profile's). */
export const ORIGINAL_QUERIES: readonly string[] = [
  "beef",
  "ramen",
  "italian food",
  "chinese food",
  "a lot of food",
  "is cereal soup",
  "the best food",
  "the worst food",
  "the meaning of life",
];

export const PROFILE_DEFAULTS = {
  quick: {
    textModel: "use-lite",
    clipModel: "clip-lite",
    cifarPerClass: 50,
    lmModel: "tinygpt-mix",
    loraSteps: SELECTED_LORA.loraSteps,
    loraCkpt1: SELECTED_LORA.loraSteps / 2,
    loraLr: SELECTED_LORA.loraLr,
    loraBatch: SELECTED_LORA.loraBatch,
    factPerTemplate: 3,
    qloraSteps: 50,
    gallerySize: 0,
  },
  /** The original's schedule: batch 3, lr 5e-4 decayed linearly, checkpoints at 500 and 1,000 steps. */
  full: {
    textModel: `hf:${HUB_IDS.bertBaseUncased}`,
    clipModel: `hf:${HUB_IDS.clipVitB32}`,
    cifarPerClass: 1000,
    lmModel: "gpt2",
    loraSteps: 1000,
    loraCkpt1: 500,
    loraLr: 5e-4,
    loraBatch: 3,
    factPerTemplate: 20,
    qloraSteps: 1000,
    gallerySize: 2048,
  },
} as const satisfies Record<
  Profile,
  Pick<
    Params,
    | "textModel"
    | "clipModel"
    | "cifarPerClass"
    | "lmModel"
    | "loraSteps"
    | "loraCkpt1"
    | "loraLr"
    | "loraBatch"
    | "factPerTemplate"
    | "qloraSteps"
    | "gallerySize"
  >
>;

/** The parameters with every default filled in; `ckpt1` is the step of checkpoint 1, `root` the data root used. */
export interface Config extends Omit<Params, "loraCkpt1"> {
  root: string;
  ckpt1: number;
}

/** Fill in the profile's defaults: data paths (data root or the repository's `data/`), models and budgets. */
export function resolveConfig(p: Params): Config {
  const d = PROFILE_DEFAULTS[p.profile === "full" ? "full" : "quick"];
  const root = p.dataRoot || dataDir();
  const loraSteps = p.loraSteps || d.loraSteps;
  const ckpt1 = p.loraCkpt1 || (p.loraSteps ? Math.round(loraSteps / 2) : d.loraCkpt1);
  const { loraCkpt1: _ckpt1, ...rest } = p;
  void _ckpt1;
  return {
    ...rest,
    root,
    photosRoot: p.photosRoot || root,
    captionsFile: p.captionsFile || projectDataDir("photos", "captions.json"),
    ratingsFile: p.ratingsFile || projectDataDir("photos", "human_similarity.json"),
    foodRoot: p.foodRoot || root,
    cifarRoot: p.cifarRoot || root,
    flickrRoot: p.flickrRoot || root,
    aonomiFile: p.aonomiFile || projectDataDir("aonomi", "aonomi.jsonl"),
    grammarFile: p.grammarFile || projectDataDir("aonomi", "grammar.yaml"),
    probesFile: p.probesFile || projectDataDir("aonomi", "probes.json"),
    textModel: p.textModel || d.textModel,
    clipModel: p.clipModel || d.clipModel,
    cifarPerClass: p.cifarPerClass || d.cifarPerClass,
    lmModel: p.lmModel || d.lmModel,
    loraSteps,
    ckpt1,
    loraLr: p.loraLr || d.loraLr,
    loraBatch: p.loraBatch || d.loraBatch,
    factPerTemplate: p.factPerTemplate || d.factPerTemplate,
    qloraSteps: Math.min(loraSteps, p.qloraSteps || d.qloraSteps),
    gallerySize: p.gallerySize || d.gallerySize,
    freeQueries:
      p.freeQueries.length > 0 ? p.freeQueries : [...(p.profile === "full" ? ORIGINAL_QUERIES : QUICK_QUERIES)],
  };
}

/** The `params` saved with the results, in the order the notebook has always written them. */
export function savedParams(c: Config): Record<string, unknown> {
  return {
    profile: c.profile,
    photosRoot: c.photosRoot,
    captionsFile: c.captionsFile,
    ratingsFile: c.ratingsFile,
    foodRoot: c.foodRoot,
    cifarRoot: c.cifarRoot,
    flickrRoot: c.flickrRoot,
    aonomiFile: c.aonomiFile,
    grammarFile: c.grammarFile,
    probesFile: c.probesFile,
    textModel: c.textModel,
    clipModel: c.clipModel,
    cifarPerClass: c.cifarPerClass,
    lmModel: c.lmModel,
    loraSteps: c.loraSteps,
    ckpt1: c.ckpt1,
    imageSize: c.imageSize,
    imageLayer: c.imageLayer,
    lpipsSize: c.lpipsSize,
    headDim: c.headDim,
    headEpochs: c.headEpochs,
    headTemperature: c.headTemperature,
    headLr: c.headLr,
    flickrTrainCaptions: c.flickrTrainCaptions,
    ridgeLambdas: c.ridgeLambdas,
    classCaptionWeights: c.classCaptionWeights,
    foodValEvery: c.foodValEvery,
    retrievalK: c.retrievalK,
    gallerySize: c.gallerySize,
    freeQueries: c.freeQueries,
    loraRank: c.loraRank,
    loraAlpha: c.loraAlpha,
    loraTargets: c.loraTargets,
    loraTrainEmbeddings: c.loraTrainEmbeddings,
    loraLr: c.loraLr,
    loraBatch: c.loraBatch,
    evalPoints: c.evalPoints,
    heldoutFraction: c.heldoutFraction,
    evalPairs: c.evalPairs,
    factPerTemplate: c.factPerTemplate,
    qloraSteps: c.qloraSteps,
    temperatures: c.temperatures,
    topPs: c.topPs,
    repetitionPenalties: c.repetitionPenalties,
    maxNewTokens: c.maxNewTokens,
    seed: c.seed,
  };
}
