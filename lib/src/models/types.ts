/** Where a model came from, recorded in results.json. */
export interface Provenance {
  id: string;
  source: string;
  license?: string;
  url?: string;
  /** How token vectors become the text's vector (hub text encoders: "cls" or "mean"). */
  pooling?: string;
}

export interface EmbedOptions {
  /** Texts (or images) per forward pass. */
  batchSize?: number;
}

/** Text → vector. Vectors are L2-normalised unless the encoder was created with `normalize: false`. */
export interface TextEncoder {
  readonly id: string;
  readonly dim: number;
  readonly provenance: Provenance;
  embed(texts: string[], opts?: EmbedOptions): Promise<Float32Array[]>;
}

/** Raw RGB(A) pixels, row-major; `channels` defaults to data.length / (width·height). */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels?: number;
}

/** A file path, encoded image bytes (JPEG/PNG/…), or raw pixels. */
export type ImageInput = string | Buffer | RawImage;

/** Image → vector. */
export interface ImageEncoder {
  readonly id: string;
  readonly dim: number;
  readonly provenance: Provenance;
  embedImages(images: ImageInput[], opts?: EmbedOptions): Promise<Float32Array[]>;
}

/** Options every loader accepts. */
export interface LoadOptions {
  /** L2-normalise outputs (default true). */
  normalize?: boolean;
  /** Allow downloading from a model hub (default: EMBEDLAB_ALLOW_REMOTE=1 or profile "full"). */
  allowRemote?: boolean;
  /** Notebook profile; "full" implies allowRemote. */
  profile?: string;
  /** Hub revision (branch, tag or commit); default the one `HUB_MODELS` names for the model, else "main". */
  revision?: string;
}
