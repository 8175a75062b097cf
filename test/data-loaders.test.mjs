// Loaders on fixtures written here: CIFAR-10/100 binaries, SST-2, WikiQA, Food-101 layout, photos, JSONL, label embeddings.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { data, DataNotFoundError, CorruptDataError } = require("@embedlab/lib");
const sharp = require("sharp");

const made = [];
after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tmpRoot() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-data-"));
  made.push(d);
  return d;
}

/** A CIFAR record: label bytes, then R, G, B planes. Pixel p of record r: R = r*10+1, G = p % 256, B = 200 + r. */
function cifarRecord(labels, r) {
  const buf = Buffer.alloc(labels.length + 3072);
  labels.forEach((l, i) => (buf[i] = l));
  for (let p = 0; p < 1024; p++) {
    buf[labels.length + p] = r * 10 + 1;
    buf[labels.length + 1024 + p] = p % 256;
    buf[labels.length + 2048 + p] = 200 + r;
  }
  return buf;
}

/**
 * Declare a fixture file's record count in the folder's install record, as fetch does for stand-ins: the CIFAR
 * loaders accept fewer records than the official file's 10,000/50,000 only when so declared.
 */
function declareRecords(dir, name, count) {
  const file = path.join(dir, ".embedlab-installed");
  const rec = fs.existsSync(file)
    ? JSON.parse(fs.readFileSync(file, "utf8"))
    : { dataset: "fixture", installedAt: "", sources: [], files: {}, records: {} };
  rec.records[name] = count;
  fs.writeFileSync(file, JSON.stringify(rec));
}

function writeCifar10(root, name, labels, offset = 0, declare = true) {
  const dir = path.join(root, "cifar-10-batches-bin");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), Buffer.concat(labels.map((l, i) => cifarRecord([l], offset + i))));
  if (declare) declareRecords(dir, name, labels.length);
  return path.join(dir, name);
}

test("CIFAR-10 binary: labels, planar RGB → NHWC pixels, class names, provenance", () => {
  const root = tmpRoot();
  writeCifar10(root, "test_batch.bin", [3, 0, 9]);
  const ds = data.loadCifar10("test", { root });
  assert.equal(ds.n, 3);
  assert.deepEqual([ds.height, ds.width, ds.channels], [32, 32, 3]);
  assert.deepEqual(Array.from(ds.labels), [3, 0, 9]);
  assert.equal(ds.images.length, 3 * 32 * 32 * 3);
  for (const [r, p] of [
    [0, 0],
    [1, 300],
    [2, 1023],
  ]) {
    const at = (r * 1024 + p) * 3;
    assert.deepEqual(
      Array.from(ds.images.subarray(at, at + 3)),
      [r * 10 + 1, p % 256, 200 + r],
      `record ${r} pixel ${p}`,
    );
  }
  assert.equal(ds.classNames[3], "cat");
  assert.equal(ds.classNames.length, 10);
  assert.equal(ds.coarseLabels, undefined);
  assert.equal(ds.source.dataset, "cifar10");
  assert.deepEqual(ds.source.files, [path.join(root, "cifar-10-batches-bin", "test_batch.bin")]);
});

test("CIFAR-10 train: uses the batches present, says which; batches and limit options", () => {
  const root = tmpRoot();
  writeCifar10(root, "data_batch_1.bin", [1, 2]);
  writeCifar10(root, "data_batch_2.bin", [5, 6, 7], 2);
  const all = data.loadCifar10("train", { root });
  assert.equal(all.n, 5);
  assert.deepEqual(Array.from(all.labels), [1, 2, 5, 6, 7]);
  assert.equal(all.images[4 * 1024 * 3], 4 * 10 + 1, "5th image comes from batch 2");
  assert.match(all.source.note, /data_batch_1, data_batch_2 \(2 of 5/);
  const only2 = data.loadCifar10("train", { root, batches: [2] });
  assert.deepEqual(Array.from(only2.labels), [5, 6, 7]);
  const lim = data.loadCifar10("train", { root, limit: 3 });
  assert.deepEqual(Array.from(lim.labels), [1, 2, 5]);
  assert.match(lim.source.note, /first 3 of 5/);
  assert.throws(() => data.loadCifar10("train", { root, batches: [2, 3] }), /batches 3 are not in/);
});

test("CIFAR-10: truncated file → CorruptDataError naming file and byte offset; bad label byte too", () => {
  const root = tmpRoot();
  const file = writeCifar10(root, "test_batch.bin", [1, 2]);
  fs.appendFileSync(file, Buffer.alloc(100));
  assert.throws(
    () => data.loadCifar10("test", { root }),
    (err) => {
      assert.ok(err instanceof CorruptDataError);
      assert.equal(err.file, file);
      assert.equal(err.byteOffset, 2 * 3073);
      assert.match(err.message, /test_batch\.bin at byte 6146/);
      assert.match(err.message, /100 stray bytes/);
      return true;
    },
  );
  writeCifar10(root, "test_batch.bin", [1, 12]);
  assert.throws(
    () => data.loadCifar10("test", { root }),
    (err) => err instanceof CorruptDataError && err.byteOffset === 3073 && /label 12/.test(err.message),
  );
});

test("CIFAR: a file cut at a record boundary fails loudly (official counts per file), unless its install record declares the count", () => {
  const root = tmpRoot();
  const file = writeCifar10(root, "test_batch.bin", [1, 2, 3], 0, false);
  assert.throws(
    () => data.loadCifar10("test", { root }),
    (err) =>
      err instanceof CorruptDataError &&
      err.file === file &&
      /3 records, but the official cifar10 file has 10,000/.test(err.message),
  );
  writeCifar10(root, "data_batch_1.bin", [1, 2], 0, false);
  assert.throws(
    () => data.loadCifar10("train", { root, batches: [1] }),
    /2 records, but the official cifar10 file has 10,000/,
  );
  const dir = path.join(root, "cifar-10-batches-bin");
  declareRecords(dir, "test_batch.bin", 4);
  assert.throws(
    () => data.loadCifar10("test", { root }),
    /3 records, but its install record \(\.embedlab-installed\) declares 4/,
  );
  declareRecords(dir, "test_batch.bin", 3);
  assert.equal(data.loadCifar10("test", { root }).n, 3);
  const c100 = path.join(root, "cifar-100-binary");
  fs.mkdirSync(c100);
  fs.writeFileSync(path.join(c100, "train.bin"), Buffer.concat([cifarRecord([4, 0], 0)]));
  assert.throws(() => data.loadCifar100("train", { root }), /1 records, but the official cifar100 file has 50,000/);
  assert.deepEqual(
    ["data_batch_5.bin", "test_batch.bin", "batches.meta.txt"].map((f) => data.officialRecordCount("cifar10", f)),
    [10000, 10000, undefined],
  );
  assert.deepEqual(
    ["train.bin", "test.bin"].map((f) => data.officialRecordCount("cifar100", f)),
    [50000, 10000],
  );
});

test("CIFAR-100 binary: coarse and fine labels, class and superclass tables agree", () => {
  const root = tmpRoot();
  const dir = path.join(root, "cifar-100-binary");
  fs.mkdirSync(dir);
  const recs = [
    [4, 0],
    [19, 41],
    [14, 98],
  ]; // apple/fruit_and_vegetables, lawn_mower/vehicles_2, woman/people
  fs.writeFileSync(path.join(dir, "train.bin"), Buffer.concat(recs.map((l, i) => cifarRecord(l, i))));
  declareRecords(dir, "train.bin", recs.length);
  const ds = data.loadCifar100("train", { root });
  assert.equal(ds.n, 3);
  assert.deepEqual(Array.from(ds.labels), [0, 41, 98]);
  assert.deepEqual(Array.from(ds.coarseLabels), [4, 19, 14]);
  assert.deepEqual(Array.from(ds.images.subarray(1024 * 3, 1024 * 3 + 3)), [11, 0, 201]);
  assert.deepEqual(
    [0, 41, 98].map((i) => ds.classNames[i]),
    ["apple", "lawn_mower", "woman"],
  );
  assert.equal(data.CIFAR100_CLASSES.length, 100);
  assert.equal(new Set(data.CIFAR100_CLASSES).size, 100);
  assert.equal(data.CIFAR100_SUPERCLASSES.length, 20);
  const coarseOf = data.cifar100CoarseOf();
  assert.ok(
    coarseOf.every((c) => c >= 0),
    "every fine class is in exactly one superclass",
  );
  assert.deepEqual([coarseOf[0], coarseOf[41], coarseOf[98]], [4, 19, 14]);
  assert.equal(data.CIFAR100_SUPERCLASS_NAMES[19], "vehicles_2");
  fs.writeFileSync(path.join(dir, "test.bin"), Buffer.alloc(3074 + 7));
  assert.throws(
    () => data.loadCifar100("test", { root }),
    (e) => e instanceof CorruptDataError && e.byteOffset === 3074,
  );
});

test("heldOutSplit: every 5th class index from 0 is unseen; filterByClasses keeps order and pixels", () => {
  assert.deepEqual(data.heldOutSplit(10), { seen: [1, 2, 3, 4, 6, 7, 8, 9], unseen: [0, 5] });
  const s = data.heldOutSplit(100);
  assert.equal(s.unseen.length, 20);
  assert.equal(s.seen.length, 80);
  assert.deepEqual(s.unseen.slice(0, 3), [0, 5, 10]);
  assert.deepEqual(data.heldOutSplit(7, 3).unseen, [0, 3, 6]);
  const root = tmpRoot();
  writeCifar10(root, "test_batch.bin", [0, 5, 1, 5, 9]);
  const ds = data.loadCifar10("test", { root });
  const f = data.filterByClasses(ds, [5, 9]);
  assert.equal(f.n, 3);
  assert.deepEqual(Array.from(f.labels), [5, 5, 9]);
  assert.equal(f.images[0], 11, "first kept image is record 1");
  assert.equal(f.images[2 * 3072], 41, "third kept image is record 4");
  assert.match(f.source.note, /filtered to 2 classes \(3 of 5 images\)/);
  assert.throws(() => data.filterByClasses(ds, [10]), /not in 0\.\.9/);
});

test("zeroShotSplit pools train and test, then holds out every 5th class (as the original CIFAR100ZeroShot)", () => {
  const root = tmpRoot();
  writeCifar10(root, "data_batch_1.bin", [0, 1, 5]);
  writeCifar10(root, "test_batch.bin", [6, 5, 0, 2], 3);
  const z = data.zeroShotSplit(data.loadCifar10("train", { root }), data.loadCifar10("test", { root }));
  assert.deepEqual(z.unseenClasses, [0, 5]);
  assert.deepEqual(Array.from(z.unseen.labels), [0, 5, 5, 0]);
  assert.deepEqual(Array.from(z.seen.labels), [1, 6, 2]);
  assert.deepEqual(
    [z.seen.images[0], z.seen.images[3072], z.seen.images[2 * 3072]],
    [11, 31, 61],
    "records 1, 3, 6 in pooled order",
  );
  assert.equal(z.unseen.source.files.length, 2);
});

test("missing dataset → DataNotFoundError naming the dirs searched and the fetch command", () => {
  const root = tmpRoot();
  assert.throws(
    () => data.loadCifar10("test", { root }),
    (err) => {
      assert.ok(err instanceof DataNotFoundError);
      assert.ok(err.searched.includes(path.join(root, "cifar-10-batches-bin", "test_batch.bin")));
      assert.match(err.message, /npm run data -- fetch cifar10/);
      assert.match(err.message, new RegExp(root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
      return true;
    },
  );
  assert.throws(
    () => data.loadSst2("dev", { root }),
    (e) =>
      e instanceof DataNotFoundError &&
      /fetch sst2/.test(e.message) &&
      e.searched[0] === path.join(root, "SST-2", "dev.tsv"),
  );
  assert.throws(
    () => data.loadWikiQA("test", { root }),
    (e) => e instanceof DataNotFoundError && /fetch wikiqa/.test(e.message),
  );
  assert.throws(
    () => data.loadFood101({ root }),
    (e) => e instanceof DataNotFoundError && /fetch food101/.test(e.message),
  );
  assert.throws(
    () => data.loadLabelEmbeddings("cifar10_ada-001", { root }),
    (e) => e instanceof DataNotFoundError,
  );
  assert.throws(
    () => data.loadPhotos({ root }),
    (e) => e instanceof DataNotFoundError && /photos/.test(e.message),
  );
});

test("SST-2: GLUE TSV rows, labels 0/1, explicit file; malformed line → CorruptDataError with line number", () => {
  const root = tmpRoot();
  fs.mkdirSync(path.join(root, "SST-2"));
  fs.writeFileSync(
    path.join(root, "SST-2", "dev.tsv"),
    "sentence\tlabel\nit 's a charming journey . \t1\nunflinchingly bleak \t0\n\n",
  );
  assert.deepEqual(data.loadSst2("dev", { root }), [
    { sentence: "it 's a charming journey . ", label: 1 },
    { sentence: "unflinchingly bleak ", label: 0 },
  ]);
  const other = path.join(root, "glue-like.tsv");
  fs.writeFileSync(other, "label\tsentence\r\n0\tbad\r\n1\tgood\r\n");
  assert.deepEqual(data.loadSst2("train", { file: other }), [
    { sentence: "bad", label: 0 },
    { sentence: "good", label: 1 },
  ]);
  const bad = path.join(root, "bad.tsv");
  fs.writeFileSync(bad, "sentence\tlabel\nfine\t1\nno tab here\nx\t0\n");
  assert.throws(
    () => data.loadSst2("dev", { file: bad }),
    (e) => e instanceof CorruptDataError && /line 3:/.test(e.message) && e.byteOffset === 22,
  );
  fs.writeFileSync(bad, "sentence\tlabel\nfine\t1\nmeh\t2\n");
  assert.throws(
    () => data.loadSst2("dev", { file: bad }),
    (e) => e instanceof CorruptDataError && /line 3: label "2"/.test(e.message),
  );
  fs.writeFileSync(bad, "text\tlabel\nfine\t1\n");
  assert.throws(() => data.loadSst2("dev", { file: bad }), /missing column\(s\) "sentence"/);
});

test("sampleSeeded: deterministic, without replacement, seed-dependent", () => {
  const rows = Array.from({ length: 100 }, (_, i) => ({ i }));
  const a = data.sampleSeeded(rows, 10, 42);
  const b = data.sampleSeeded(rows, 10, 42);
  const c = data.sampleSeeded(rows, 10, 43);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.equal(new Set(a.map((r) => r.i)).size, 10);
  assert.equal(data.sampleSeeded(rows, 500, 1).length, 100);
  assert.throws(() => data.sampleSeeded(rows, -1, 1), /non-negative/);
});

test("WikiQA: questions grouped with candidates, pairs, questions with answers", () => {
  const root = tmpRoot();
  const dir = path.join(root, "WikiQACorpus"); // the archive's folder name is accepted too
  fs.mkdirSync(dir);
  const rows = [
    "QuestionID\tQuestion\tDocumentID\tDocumentTitle\tSentenceID\tSentence\tLabel",
    "Q1\thow are glacier caves formed?\tD1\tGlacier cave\tD1-0\tA partly submerged glacier cave.\t0",
    "Q1\thow are glacier caves formed?\tD1\tGlacier cave\tD1-1\tA glacier cave is a cave formed within the ice of a glacier .\t1",
    'Q2\twhat is "x"?\tD2\tX\tD2-0\tSomething "quoted" else.\t0',
    'Q2\twhat is "x"?\tD2\tX\tD2-1\tNothing.\t0',
  ];
  fs.writeFileSync(path.join(dir, "WikiQA-train.tsv"), rows.join("\n") + "\n");
  const qs = data.loadWikiQA("train", { root });
  assert.equal(qs.length, 2);
  assert.deepEqual(qs[0], {
    questionId: "Q1",
    question: "how are glacier caves formed?",
    documentTitle: "Glacier cave",
    candidates: [
      { sentenceId: "D1-0", sentence: "A partly submerged glacier cave.", label: 0 },
      { sentenceId: "D1-1", sentence: "A glacier cave is a cave formed within the ice of a glacier .", label: 1 },
    ],
  });
  assert.equal(qs[1].question, 'what is "x"?');
  const pairs = data.wikiqaPairs(qs);
  assert.equal(pairs.length, 4);
  assert.deepEqual(pairs[1], {
    question: "how are glacier caves formed?",
    sentence: "A glacier cave is a cave formed within the ice of a glacier .",
    label: 1,
  });
  assert.deepEqual(
    data.questionsWithAnswers(qs).map((q) => q.questionId),
    ["Q1"],
  );
  fs.writeFileSync(path.join(dir, "WikiQA-dev.tsv"), rows.slice(0, 2).join("\n") + "\nQ9\tq\tD9\tT\tD9-0\ts\n");
  assert.throws(
    () => data.loadWikiQA("dev", { root }),
    (e) => e instanceof CorruptDataError && /line 3: 6 tab-separated fields, header has 7/.test(e.message),
  );
});

async function jpeg(file, rgb, w = 16, h = 16) {
  await sharp({ create: { width: w, height: h, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .jpeg({ quality: 95 })
    .toFile(file);
}

function near(actual, expected, tol, msg) {
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tol, `${msg}: ${actual} vs ${expected}`));
}

test("Food-101 layout: meta lists → items with labels; image folder; decodeImage", async () => {
  const root = tmpRoot();
  const base = path.join(root, "food-101");
  for (const c of ["red_food", "blue_food"]) fs.mkdirSync(path.join(base, "images", c), { recursive: true });
  fs.mkdirSync(path.join(base, "meta"));
  await jpeg(path.join(base, "images", "red_food", "101.jpg"), [230, 20, 20]);
  await jpeg(path.join(base, "images", "blue_food", "202.jpg"), [20, 20, 230], 32, 16);
  fs.writeFileSync(path.join(base, "meta", "classes.txt"), "red_food\nblue_food\n");
  fs.writeFileSync(path.join(base, "meta", "labels.txt"), "Red food\nBlue food\n");
  fs.writeFileSync(path.join(base, "meta", "train.txt"), "red_food/101\n");
  fs.writeFileSync(path.join(base, "meta", "test.txt"), "blue_food/202\n");
  const all = data.loadFood101({ root });
  assert.deepEqual(all.classNames, ["red_food", "blue_food"]);
  assert.deepEqual(all.displayNames, ["Red food", "Blue food"]);
  assert.deepEqual(all.items, [
    { path: path.join(base, "images", "red_food", "101.jpg"), label: 0, className: "red_food", id: "101" },
    { path: path.join(base, "images", "blue_food", "202.jpg"), label: 1, className: "blue_food", id: "202" },
  ]);
  assert.deepEqual(
    data.loadFood101({ root, split: "test" }).items.map((i) => i.id),
    ["202"],
  );
  assert.match(all.source.note, /subset/);

  const red = await data.decodeImage(all.items[0].path, { size: 8 });
  assert.deepEqual([red.width, red.height, red.channels, red.data.length], [8, 8, 3, 192]);
  near(Array.from(red.data.subarray(0, 3)), [230, 20, 20], 12, "red pixel");
  const native = await data.decodeImage(fs.readFileSync(all.items[1].path));
  assert.deepEqual([native.width, native.height], [32, 16]);
  const contained = await data.decodeImage(all.items[1].path, { size: 8, fit: "contain" });
  near(Array.from(contained.data.subarray(0, 3)), [0, 0, 0], 2, "padding row is black");
  near(Array.from(contained.data.subarray(4 * 8 * 3, 4 * 8 * 3 + 3)), [20, 20, 230], 12, "middle row is the image");
  const gray = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 90, g: 90, b: 90 } } })
    .toColourspace("b-w")
    .png()
    .toBuffer();
  const g = await data.decodeImage(gray);
  assert.equal(g.channels, 3);
  assert.equal(g.data.length, 4 * 4 * 3);
  await assert.rejects(data.decodeImage(Buffer.from("not an image")), (e) => e instanceof CorruptDataError);

  const folder = data.loadImageFolder(path.join(base, "images"));
  assert.deepEqual(folder.classNames, ["blue_food", "red_food"]);
  assert.deepEqual(
    folder.items.map((i) => [i.className, i.label, i.id]),
    [
      ["blue_food", 0, "202"],
      ["red_food", 1, "101"],
    ],
  );

  fs.appendFileSync(path.join(base, "meta", "test.txt"), "blue_food/303\n");
  assert.throws(
    () => data.loadFood101({ root }),
    (e) => e instanceof CorruptDataError && /1 image\(s\) listed in meta\/ are missing/.test(e.message),
  );
  fs.writeFileSync(path.join(base, "meta", "test.txt"), "green_food/1\n");
  assert.throws(() => data.loadFood101({ root, split: "test" }), /line 1: "green_food\/1"/);
});

test("photos: sorted files with captions from a JSON file; unknown caption keys are an error", async () => {
  const root = tmpRoot();
  const dir = path.join(root, "photos");
  fs.mkdirSync(dir);
  await jpeg(path.join(dir, "zebra.jpg"), [10, 10, 10]);
  await jpeg(path.join(dir, "apple.jpg"), [200, 10, 10]);
  fs.writeFileSync(path.join(dir, "README.md"), "# photos\n");
  const caps = path.join(root, "captions.json");
  fs.writeFileSync(caps, JSON.stringify({ "apple.jpg": "a red apple" }));
  assert.deepEqual(data.loadPhotos({ root, captionsFile: caps }), [
    { id: "apple", path: path.join(dir, "apple.jpg"), caption: "a red apple" },
    { id: "zebra", path: path.join(dir, "zebra.jpg") },
  ]);
  fs.writeFileSync(caps, JSON.stringify({ "pear.jpg": "a pear" }));
  assert.throws(
    () => data.loadPhotos({ root, captionsFile: caps }),
    (e) => e instanceof CorruptDataError && /pear\.jpg/.test(e.message),
  );
  assert.throws(
    () => data.loadPhotos({ root, captionsFile: path.join(root, "nope.json") }),
    (e) => e instanceof DataNotFoundError,
  );
});

test("JSONL: atomic write, read back, line-numbered errors; instruction data normalised", () => {
  const root = tmpRoot();
  const file = path.join(root, "sub", "rows.jsonl");
  data.writeJsonl(file, [{ a: 1 }, { a: "two" }]);
  assert.equal(fs.readFileSync(file, "utf8"), '{"a":1}\n{"a":"two"}\n');
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ["rows.jsonl"], "no temp files left");
  assert.deepEqual(data.readJsonl(file), [{ a: 1 }, { a: "two" }]);
  fs.writeFileSync(file, '{"a":1}\n\n{"a":\n');
  assert.throws(
    () => data.readJsonl(file),
    (e) => e instanceof CorruptDataError && /line 3:/.test(e.message) && e.byteOffset === 9,
  );
  const instr = path.join(root, "instr.jsonl");
  fs.writeFileSync(instr, '{"instruction":"Say hi","output":"hi"}\n{"text":"plain text"}\n');
  assert.deepEqual(data.loadInstructionData(instr), [
    { text: "Say hi\nhi", instruction: "Say hi", output: "hi" },
    { text: "plain text" },
  ]);
  assert.equal(data.loadInstructionData(instr, { format: (i, o) => `Q: ${i} A: ${o}` })[0].text, "Q: Say hi A: hi");
  fs.writeFileSync(instr, '{"text":"ok"}\n{"prompt":"x"}\n');
  assert.throws(
    () => data.loadInstructionData(instr),
    (e) => e instanceof CorruptDataError && /line 2:/.test(e.message),
  );
});

test("label embeddings: keys in superclass order / web-page spellings mapped by name to class index", () => {
  const root = tmpRoot();
  const dir = path.join(root, "llm_labels");
  fs.mkdirSync(dir);
  // CIFAR-10: keys in reverse order; vector of class i = [i, i + 0.5]
  const c10 = Object.fromEntries(
    [...data.CIFAR10_CLASSES]
      .reverse()
      .map((n) => [n, [data.CIFAR10_CLASSES.indexOf(n), data.CIFAR10_CLASSES.indexOf(n) + 0.5]]),
  );
  fs.writeFileSync(path.join(dir, "cifar10_test-001.json"), JSON.stringify(c10));
  const e10 = data.loadLabelEmbeddings("cifar10_test-001", { root });
  assert.equal(e10.dim, 2);
  assert.deepEqual(e10.classNames, [...data.CIFAR10_CLASSES]);
  e10.vectors.forEach((v, i) => assert.deepEqual(Array.from(v), [i, i + 0.5]));
  // CIFAR-100: superclass order with the web page's names ("aquarium fish", "maple", "computer keyboard", "lawn-mower")
  const keyOf = (n) => data.CIFAR100_WEBSITE_NAMES[n] ?? n;
  const c100 = {};
  for (const s of data.CIFAR100_SUPERCLASSES)
    for (const m of s.members) c100[keyOf(m)] = [data.CIFAR100_CLASSES.indexOf(m), 1, 2];
  fs.writeFileSync(path.join(dir, "cifar100_test-001.json"), JSON.stringify(c100));
  const desc = Object.fromEntries(Object.keys(c100).map((k) => [k, `about ${k}`]));
  fs.writeFileSync(path.join(dir, "cifar100_descriptions.json"), JSON.stringify(desc));
  const e100 = data.loadLabelEmbeddings("cifar100_test-001.json", { root });
  assert.equal(e100.vectors.length, 100);
  e100.vectors.forEach((v, i) => assert.equal(v[0], i, `class ${data.CIFAR100_CLASSES[i]}`));
  assert.ok(e100.vectors[0] instanceof Float32Array);
  const d = data.loadCifar100Descriptions(root);
  assert.equal(d.descriptions[data.CIFAR100_CLASSES.indexOf("maple_tree")], "about maple");
  assert.equal(d.descriptions[1], "about aquarium fish");
  assert.deepEqual(data.listLabelEmbeddings(root), ["cifar100_test-001", "cifar10_test-001"]);
  delete c100["computer keyboard"];
  c100["keybaord"] = [0, 1, 2];
  fs.writeFileSync(path.join(dir, "cifar100_bad-001.json"), JSON.stringify(c100));
  assert.throws(
    () => data.loadLabelEmbeddings("cifar100_bad-001", { root }),
    (e) =>
      e instanceof CorruptDataError && /missing class\(es\): keyboard/.test(e.message) && /keybaord/.test(e.message),
  );
  fs.writeFileSync(path.join(dir, "cifar10_ragged-001.json"), JSON.stringify({ ...c10, cat: [1] }));
  assert.throws(() => data.loadLabelEmbeddings("cifar10_ragged-001", { root }), /has 1 dims, others 2/);
  assert.throws(() => data.loadLabelEmbeddings("cifar10_nope-001", { root }), /available: cifar100_bad-001/);
  // the original code's pairing: class index i gets the file's i-th entry (superclass order), not its own name's vector
  const orig = data.loadLabelEmbeddings("cifar100_test-001", { root, pairing: "file-order" });
  const firstKeys = Object.keys(c100).slice(0, 2);
  assert.deepEqual(firstKeys, ["beaver", "dolphin"]);
  assert.equal(orig.vectors[0][0], data.CIFAR100_CLASSES.indexOf("beaver"));
  assert.equal(orig.vectors[1][0], data.CIFAR100_CLASSES.indexOf("dolphin"));
  assert.match(orig.source.note, /file's key order/);
});

test("sliceImages: a contiguous range with its labels; bad ranges are clear errors", () => {
  const ds = {
    images: Uint8Array.from({ length: 4 * 12 }, (_, i) => i),
    labels: Int32Array.from([0, 1, 2, 3]),
    classNames: ["a", "b", "c", "d"],
    n: 4,
    height: 2,
    width: 2,
    channels: 3,
    source: { note: "toy" },
  };
  const s = data.sliceImages(ds, 1, 3);
  assert.equal(s.n, 2);
  assert.deepEqual(Array.from(s.labels), [1, 2]);
  assert.deepEqual(Array.from(s.images.slice(0, 2)), [12, 13]);
  assert.match(s.source.note, /toy; images 1–2/);
  for (const [a, b] of [
    [2, 2],
    [-1, 2],
    [0, 5],
  ])
    assert.throws(() => data.sliceImages(ds, a, b), /not inside/);
});

test("balancedSubset: n images evenly across classes, seeded, original order kept; n ≤ 0 or ≥ size keeps all", () => {
  const items = [];
  // 5 classes with 10, 10, 10, 10 and 2 images
  for (let label = 0; label < 5; label++)
    for (let k = 0; k < (label === 4 ? 2 : 10); k++)
      items.push({ path: `c${label}/${k}.jpg`, label, className: `c${label}` });
  const c = { items, classNames: ["c0", "c1", "c2", "c3", "c4"], source: { dataset: "x", files: [], root: "/" } };
  const s = data.balancedSubset(c, 20, 3);
  assert.equal(s.items.length, 20);
  const counts = [0, 1, 2, 3, 4].map((l) => s.items.filter((it) => it.label === l).length);
  assert.equal(counts[4], 2, "a small class gives all it has");
  assert.ok(
    counts.slice(0, 4).every((n) => n >= 4 && n <= 5),
    `the rest split evenly: ${counts}`,
  );
  const idx = s.items.map((it) => items.indexOf(it));
  assert.deepEqual(
    idx,
    [...idx].sort((a, b) => a - b),
    "original order",
  );
  assert.deepEqual(data.balancedSubset(c, 20, 3).items, s.items, "same seed, same subset");
  assert.notDeepEqual(data.balancedSubset(c, 20, 4).items, s.items, "another seed, another subset");
  assert.match(s.source.note, /20 images drawn evenly across classes/);
  assert.equal(data.balancedSubset(c, 0, 1), c);
  assert.equal(data.balancedSubset(c, 42, 1), c);
  assert.throws(() => data.balancedSubset(c, 2.5, 1), /integer/);
});
