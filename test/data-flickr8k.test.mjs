// The Flickr8k loader on a fixture in the official layout written here (no real data needed).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { data, DataNotFoundError, CorruptDataError } = require("@embedlab/lib");

const made = [];
after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const IMAGES = ["a_1.jpg", "b_2.jpg", "c_3.jpg", "d_4.jpg"];

/** A Flickr8k-layout root: 4 images (bytes need not decode: the loader only checks they exist), 2 captions each. */
function fixture({
  tokens,
  train = "a_1.jpg\nb_2.jpg\n",
  dev = "c_3.jpg\n",
  test = "d_4.jpg\n",
  images = IMAGES,
} = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-flickr8k-"));
  made.push(root);
  const dir = path.join(root, "Flickr8k");
  fs.mkdirSync(path.join(dir, "Flicker8k_Dataset"), { recursive: true });
  for (const im of images) fs.writeFileSync(path.join(dir, "Flicker8k_Dataset", im), "jpeg");
  const defaultTokens =
    // out of order on purpose: captions are returned by their #k
    "a_1.jpg#1\tA dog runs on the grass .\r\n" +
    "a_1.jpg#0\tA brown dog .\n" +
    "b_2.jpg#0\tTwo children play .\n" +
    "b_2.jpg#1\tKids at a park .\n" +
    "\n" +
    "c_3.jpg#0\tA man rides a bike .\n" +
    "c_3.jpg#1\tA cyclist on a road .\n" +
    "d_4.jpg#0\tA boat on a lake .\n" +
    "d_4.jpg#1\tWater and a small boat .\n";
  fs.writeFileSync(path.join(dir, "Flickr8k.token.txt"), tokens ?? defaultTokens);
  fs.writeFileSync(path.join(dir, "Flickr_8k.trainImages.txt"), train);
  fs.writeFileSync(path.join(dir, "Flickr_8k.devImages.txt"), dev);
  fs.writeFileSync(path.join(dir, "Flickr_8k.testImages.txt"), test);
  return { root, dir };
}

test("Flickr8k: official split lists → images with their captions ordered by #k", () => {
  const { root, dir } = fixture();
  const train = data.loadFlickr8k("train", { root });
  assert.equal(train.split, "train");
  assert.deepEqual(
    train.images.map((i) => i.id),
    ["a_1.jpg", "b_2.jpg"],
  );
  assert.deepEqual(train.images[0].captions, ["A brown dog .", "A dog runs on the grass ."]);
  assert.equal(train.images[0].path, path.join(dir, "Flicker8k_Dataset", "a_1.jpg"));
  assert.equal(train.source.dataset, "flickr8k");
  assert.match(train.source.note, /2 images, 4 captions/);
  assert.deepEqual(
    data.loadFlickr8k("dev", { root }).images.map((i) => i.captions),
    [["A man rides a bike .", "A cyclist on a road ."]],
  );
  assert.equal(
    data.loadFlickr8k("test", { root: dir }).images[0].id,
    "d_4.jpg",
    "the dataset folder itself works as root",
  );
  assert.throws(() => data.loadFlickr8k("val", { root }), /unknown Flickr8k split "val"/);
});

test("Flickr8k: missing dataset → DataNotFoundError naming the fetch command", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-flickr8k-empty-"));
  made.push(root);
  assert.throws(
    () => data.loadFlickr8k("train", { root }),
    (e) =>
      e instanceof DataNotFoundError &&
      /fetch flickr8k/.test(e.message) &&
      e.searched.some((s) => s.includes(path.join(root, "Flickr8k"))),
  );
});

test("Flickr8k: corrupt or incomplete files → CorruptDataError saying what is wrong", () => {
  const bad = fixture({ tokens: "a_1.jpg#0\tA brown dog .\na_1.jpg A dog without a tab\n" });
  assert.throws(
    () => data.loadFlickr8k("train", { root: bad.root }),
    (e) => e instanceof CorruptDataError && /line 2/.test(e.message) && /Flickr8k\.token\.txt/.test(e.message),
  );
  const dup = fixture({ tokens: "a_1.jpg#0\tA brown dog .\na_1.jpg#0\tAgain .\n" });
  assert.throws(() => data.loadFlickr8k("train", { root: dup.root }), /caption #0 of a_1\.jpg appears twice/);
  const uncaptioned = fixture({ train: "a_1.jpg\nz_9.jpg\n", images: [...IMAGES, "z_9.jpg"] });
  assert.throws(
    () => data.loadFlickr8k("train", { root: uncaptioned.root }),
    (e) =>
      e instanceof CorruptDataError &&
      /1 image\(s\) of Flickr_8k\.trainImages\.txt have no captions, e\.g\. z_9\.jpg/.test(e.message),
  );
  const noFile = fixture({ images: ["a_1.jpg"] });
  assert.throws(
    () => data.loadFlickr8k("train", { root: noFile.root }),
    (e) =>
      e instanceof CorruptDataError &&
      /1 image\(s\) listed in Flickr_8k\.trainImages\.txt are missing, e\.g\. b_2\.jpg/.test(e.message),
  );
  assert.equal(data.loadFlickr8k("train", { root: fixture().root }).images.length, 2);
  const twice = fixture({ dev: "c_3.jpg\nc_3.jpg\n" });
  assert.throws(() => data.loadFlickr8k("dev", { root: twice.root }), /c_3\.jpg is listed twice/);
  const empty = fixture({ test: "\n" });
  assert.throws(() => data.loadFlickr8k("test", { root: empty.root }), /split list is empty/);
  const noDir = fixture();
  fs.rmSync(path.join(noDir.dir, "Flicker8k_Dataset"), { recursive: true });
  assert.throws(() => data.loadFlickr8k("train", { root: noDir.root }), /image folder Flicker8k_Dataset\/ is missing/);
});

test("Flickr8k: registry entry and nb04's needs", () => {
  const entry = data.getDataset("flickr8k");
  assert.equal(entry.dir, "Flickr8k");
  assert.equal(entry.marker, "Flickr8k.token.txt");
  for (const profile of ["quick", "full"]) {
    const need = data.NOTEBOOK_DATA["04_clip_llm_assignment"][profile].find((n) => n.dataset === "flickr8k");
    assert.ok(need, `nb04 ${profile} needs flickr8k`);
    assert.ok(need.files.includes("Flickr_8k.testImages.txt") && need.files.includes("Flickr8k.token.txt"));
  }
  const { root } = fixture();
  const status = data.checkNeeds("04_clip_llm_assignment", "quick", root).find((s) => s.dataset === "flickr8k");
  assert.deepEqual(status.missing, []);
});
