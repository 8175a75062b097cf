/**
 * models/ (above viz): reusable models — text and image encoders (USE-lite, GloVe, MobileNetV2, hub models),
 * an on-disk embedding cache, zero-shot classification, CNNs, the GPT (gpt/), CLIP-lite, LPIPS, the student.
 */
export type { Provenance, EmbedOptions, TextEncoder, ImageEncoder, ImageInput, RawImage, LoadOptions } from "./types";
export { remoteAllowed } from "./remote";
export { cosine, meanVector, l2normalize } from "./vector-math";
export { loadTextEncoder, loadImageEncoder, type TextEncoderOptions, type ImageEncoderOptions } from "./load-encoder";
export { loadUseLite, useLiteModelDir } from "./use-lite";
export { UseTokenizer, type UseVocabulary } from "./use-tokenizer";
export { loadGlove, gloveTokens, type GloveOptions } from "./glove";
export { loadCachedVectors, resolveVectorFile } from "./cached-file";
export { loadHfTextEncoder, loadHfClipTextEncoder, cardPooling, type HfOptions } from "./hf-text";
export { loadHfClipImageEncoder } from "./hf-image";
export {
  hfModelRoot,
  hfLocalModelPath,
  hfRevisionRoot,
  hfRevision,
  missingHfModel,
  hfLoad,
  cudaStartError,
  type HfLoadSettings,
} from "./hf-env";
export {
  hubEndpoint,
  hubFileUrl,
  revisionRoot,
  pythonHubCache,
  describeCause,
  hubDownloadError,
  DEFAULT_HF_ENDPOINT,
} from "./hub";
export { downloadHubFiles, type HubDownload } from "./hub-download";
export { atomicHubCache, type AtomicHubCache, type HubTraffic } from "./hf-cache";
export {
  hfZeroShot,
  loadHfNli,
  nliZeroShot,
  nliLabelIds,
  zeroShotProbabilities,
  batchedEntailment,
  DEFAULT_HYPOTHESIS_TEMPLATE,
  type NliLabelIds,
  type NliPair,
  type ScoreBatch,
  type NliScorer,
  type NliModel,
  type NliZeroShotOptions,
} from "./hf-zero-shot";
export {
  HUB_IDS,
  HUB_MODELS,
  hubModel,
  type HubModel,
  type HubModelId,
  type HubModelKind,
  type HubTokenizerKind,
} from "./hub-models";
export { loadOpenAIEncoder, type OpenAIOptions } from "./openai";
export {
  cachedEncoder,
  sha256,
  type EmbeddingCacheOptions,
  type CacheStats,
  type CachedTextEncoder,
  type CachedImageEncoder,
} from "./cache";
export {
  loadMobileNetV2,
  mobilenetFeatureMaps,
  mobilenetLayerNames,
  MOBILENET_FEATURE_LAYER,
  MOBILENET_DEFAULT_MAP_LAYERS,
  type MobileNetOptions,
  type FeatureMap,
} from "./mobilenet";
export { decodeRgb, type RgbImage } from "./image-input";
export { zeroShotClassifier, type ZeroShotClassifier, type ZeroShotResult } from "./zero-shot";
export { getTf } from "./tf";
export { tfjsModelParamCount } from "./tf-io";
export * from "./cnn";
export * as gpt from "./gpt";
export * as bert from "./bert";
export * as lpips from "./lpips";
export * as clipLite from "./clip-lite";
export * as student from "./student";
