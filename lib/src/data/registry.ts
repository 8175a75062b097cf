import { EmbedlabError } from "../core";

/** One downloadable archive. */
export interface DatasetSource {
  url: string;
  /** Published SHA-256 of the archive (verified when set). */
  sha256?: string;
  /** Published MD5 (verified when set). */
  md5?: string;
  /** Exact archive size in bytes, verified when set. */
  bytes?: number;
  archive: "tar.gz" | "zip";
  /** The folder inside the archive that becomes `<dataDir>/<dir>`. */
  archiveDir: string;
}

export interface DatasetEntry {
  /** Name used by loaders' errors and `npm run data -- fetch <name>`. */
  name: string;
  title: string;
  /** Folder under the data dir, in the dataset's official layout. */
  dir: string;
  /** A file inside `dir` whose presence means the dataset is installed. */
  marker: string;
  /** Download size (approximate unless `sources[].bytes` says exactly). */
  approxBytes: number;
  /** Part of the quick profile's downloads (≤ ~500 MB in total). */
  quick: boolean;
  license: string;
  /** Where to download it; empty = no public archive (use the mirror, see `note`). */
  sources: DatasetSource[];
  note?: string;
  aliases?: string[];
}

/*
 * Checksums: only values published by the dataset authors or by widely used loaders are written here.
 * - CIFAR-10/100: MD5s are printed on https://www.cs.toronto.edu/~kriz/cifar.html; the CIFAR-10 SHA-256 and both sizes
 *   are as recorded by other loaders of the same archives. No SHA-256 for CIFAR-100 is known to us: its MD5 and size are verified.
 * - SST-2: MD5 as used by torchtext's SST2 loader. No SHA-256 known.
 * - WikiQA: no published checksum known to us; only that the archive extracts and holds the expected files is checked.
 * - Food-101: MD5 as used by torchvision's Food101 loader, SHA-256 as in torchvision's prototype Food101 dataset.
 */
export const DATASETS: readonly DatasetEntry[] = [
  {
    name: "cifar10",
    title: "CIFAR-10, binary version",
    dir: "cifar-10-batches-bin",
    marker: "test_batch.bin",
    approxBytes: 170_052_171,
    quick: true,
    license: "research use (Krizhevsky 2009)",
    sources: [{
      url: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
      sha256: "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
      md5: "c32a1d4ab5d03f1284b67883e8d87530",
      bytes: 170_052_171,
      archive: "tar.gz",
      archiveDir: "cifar-10-batches-bin",
    }],
  },
  {
    name: "cifar100",
    title: "CIFAR-100, binary version",
    dir: "cifar-100-binary",
    marker: "test.bin",
    approxBytes: 168_513_733,
    quick: true,
    license: "research use (Krizhevsky 2009)",
    sources: [{
      url: "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz",
      md5: "03b5dce01913d631647c71ecec9e9cb8",
      bytes: 168_513_733,
      archive: "tar.gz",
      archiveDir: "cifar-100-binary",
    }],
    note: "no offline mirror copy exists",
  },
  {
    name: "sst2",
    title: "GLUE SST-2",
    dir: "SST-2",
    marker: "dev.tsv",
    approxBytes: 7_400_000,
    quick: true,
    license: "see GLUE / Socher et al. 2013",
    sources: [{ url: "https://dl.fbaipublicfiles.com/glue/data/SST-2.zip", md5: "9f81648d4199384278b86e315dac217c", archive: "zip", archiveDir: "SST-2" }],
    aliases: ["SST-2"],
  },
  {
    name: "wikiqa",
    title: "Microsoft WikiQA corpus",
    dir: "WikiQA",
    marker: "WikiQA-dev.tsv",
    approxBytes: 7_100_000,
    quick: true,
    license: "Microsoft Research Data License (LICENSE.pdf in the archive)",
    sources: [{
      // No published checksum known: verified only by extracting and finding WikiQA-dev.tsv.
      url: "https://download.microsoft.com/download/E/5/F/E5FCFCEE-7005-4814-853D-DAA7C66507E0/WikiQACorpus.zip",
      archive: "zip",
      archiveDir: "WikiQACorpus",
    }],
    aliases: ["WikiQA"],
  },
  {
    name: "food101",
    title: "Food-101 (full: 101 classes × 1,000 images)",
    dir: "food-101",
    marker: "meta/classes.txt",
    approxBytes: 5_000_000_000,
    quick: false,
    license: "research use (Bossard et al. 2014)",
    sources: [{
      url: "http://data.vision.ee.ethz.ch/cvl/food-101.tar.gz",
      sha256: "d97d15e438b7f4498f96086a4f7e2fa42a32f2712e87d3295441b2b6314053a4",
      md5: "85eeb15f3717b99a5da872d97d918f87",
      archive: "tar.gz",
      archiveDir: "food-101",
    }],
    note:
      "5 GB: not part of the quick profile and fetched only with --allow-large. The authors publish no smaller official subset; " +
      "quick runs use the mirror's 10-class subset in the same layout (EMBEDLAB_DATA_DIR=/work/shared/data, 2,050 images).",
    aliases: ["food-101"],
  },
  {
    name: "photos",
    title: "15 sample photos (scikit-image and Darknet sample images)",
    dir: "photos",
    marker: "README.md",
    approxBytes: 860_000,
    quick: true,
    license: "public domain / CC0",
    sources: [],
    note: "made for the mirror (resized JPEGs of skimage/data and darknet/data samples); no archive exists: use EMBEDLAB_DATA_DIR=/work/shared/data",
  },
  {
    name: "llm_labels",
    title: "cached GPT-3 text-similarity-*-001 label embeddings of the original experiment",
    dir: "llm_labels",
    marker: "cifar10_ada-001.json",
    approxBytes: 9_200_000,
    quick: true,
    license: "original repository's files; descriptions from Wikipedia (CC BY-SA)",
    sources: [],
    note:
      "only in the original experiment's repository, github.com/wendlerc/llm_labels (embeddings/*.json; the CIFAR-10 davinci file sits at its top level " +
      "as cifar_10_davinci-001.json): no versioned archive or checksum is known to us and the OpenAI models are retired, so use EMBEDLAB_DATA_DIR=/work/shared/data",
    aliases: ["llm-labels"],
  },
  {
    name: "flickr8k",
    title: "Flickr8k (images with 5 human captions each, official train/dev/test lists)",
    dir: "Flickr8k",
    marker: "Flickr8k.token.txt",
    approxBytes: 13_000_000,
    quick: true,
    license: "research use only (Hodosh, Young & Hockenmaier 2013); photographs remain their Flickr owners' property",
    sources: [],
    note: "no download is registered here: use a copy in the official layout (EMBEDLAB_DATA_DIR=/work/shared/data holds a 1,000-image subset)",
  },
];

/** The registry entry for a name or alias (case-insensitive); unknown names throw an error listing the known ones. */
export function getDataset(name: string): DatasetEntry {
  const n = name.toLowerCase();
  const hit = DATASETS.find((d) => d.name === n || d.dir.toLowerCase() === n || (d.aliases ?? []).some((a) => a.toLowerCase() === n));
  if (!hit) throw new EmbedlabError(`unknown dataset "${name}"`, `known datasets: ${DATASETS.map((d) => d.name).join(", ")}`);
  return hit;
}
