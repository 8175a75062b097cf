/** Where a loaded dataset came from: recorded in every notebook's results. */
export interface Provenance {
  /** Registry name, e.g. "cifar10". */
  dataset: string;
  /** The files actually read (absolute paths). */
  files: string[];
  /** The data root the dataset was found under. */
  root: string;
  /** Anything a reader of the results should know (subset used, batches present, ...). */
  note?: string;
}

/** Images as one NHWC uint8 block (N×32×32×3 for CIFAR), with integer labels. */
export interface ImageDataset {
  images: Uint8Array;
  labels: Int32Array;
  /** CIFAR-100 only: superclass index of each image. */
  coarseLabels?: Int32Array;
  classNames: string[];
  n: number;
  height: number;
  width: number;
  channels: 3;
  source: Provenance;
}

/** One image file with its class (Food-101, image folders). */
export interface ImageItem {
  path: string;
  label: number;
  className: string;
  /** File id without extension (Food-101: the numeric id). */
  id: string;
}

export interface ImageCollection {
  items: ImageItem[];
  classNames: string[];
  source: Provenance;
}

export interface Sst2Row {
  sentence: string;
  label: 0 | 1;
}

export interface WikiQACandidate {
  sentenceId: string;
  sentence: string;
  label: 0 | 1;
}

export interface WikiQAQuestion {
  questionId: string;
  question: string;
  documentTitle: string;
  candidates: WikiQACandidate[];
}

export interface WikiQAPair {
  question: string;
  sentence: string;
  label: 0 | 1;
}

export interface Photo {
  id: string;
  path: string;
  caption?: string;
}

export interface InstructionRecord {
  text: string;
  instruction?: string;
  output?: string;
}

export interface LabelEmbeddings {
  /** Class names in dataset index order (vectors[i] belongs to class i). */
  classNames: string[];
  vectors: Float32Array[];
  dim: number;
  source: Provenance;
}
