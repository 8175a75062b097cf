import { dataDir, projectDataDir } from "../../core";

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
  temperatures: number[];
  topPs: number[];
  repetitionPenalties: number[];
  maxNewTokens: number;
  seed: number;
}

/** Every profile default in one place: what "" / 0 in the parameters cell become. */
export const PROFILE_DEFAULTS = {
  quick: { textModel: "use-lite", clipModel: "clip-lite", cifarPerClass: 50, lmModel: "tinygpt-brown", loraSteps: 400 },
  full: {
    textModel: "hf:Xenova/bert-base-uncased",
    clipModel: "hf:Xenova/clip-vit-base-patch32",
    cifarPerClass: 1000,
    lmModel: "gpt2",
    loraSteps: 1000,
  },
} as const satisfies Record<
  Profile,
  Pick<Params, "textModel" | "clipModel" | "cifarPerClass" | "lmModel" | "loraSteps">
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
  const { loraCkpt1, ...rest } = p;
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
    ckpt1: loraCkpt1 || Math.round(loraSteps / 2),
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
    temperatures: c.temperatures,
    topPs: c.topPs,
    repetitionPenalties: c.repetitionPenalties,
    maxNewTokens: c.maxNewTokens,
    seed: c.seed,
  };
}
