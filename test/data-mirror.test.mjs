// Smoke test against the shared read-only data mirror; skipped (with a message) when it is absent.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { createRequire } from "node:module";

const { data } = createRequire(import.meta.url)("@embedlab/lib");
const root = process.env.EMBEDLAB_MIRROR_DIR || "/work/shared/data";
const skip = fs.existsSync(root) ? false : `no data mirror at ${root} (set EMBEDLAB_MIRROR_DIR to run this smoke test)`;

test("mirror: every mirrored dataset loads with the documented sizes", { skip }, async () => {
  const train = data.loadCifar10("train", { root, limit: 2000 });
  assert.equal(train.n, 2000);
  assert.match(train.source.note, /data_batch_1/);
  const test10 = data.loadCifar10("test", { root });
  assert.equal(test10.n, 10000);
  const counts = new Array(10).fill(0);
  for (const l of test10.labels) counts[l]++;
  assert.deepEqual(counts, new Array(10).fill(1000));
  const meta = fs.readFileSync(`${root}/cifar-10-batches-bin/batches.meta.txt`, "utf8").split("\n").filter(Boolean);
  assert.deepEqual(meta, test10.classNames);

  assert.equal(data.loadSst2("dev", { root }).length, 872);
  assert.equal(data.loadSst2("train", { root }).length, 67349);
  const wq = data.loadWikiQA("dev", { root });
  assert.equal(data.wikiqaPairs(wq).length, 2733);
  assert.equal(data.wikiqaPairs(wq).filter((p) => p.label === 1).length, 140);

  const food = data.loadFood101({ root });
  assert.equal(food.items.length, 2050);
  assert.equal(data.loadFood101({ root, split: "train" }).items.length, 1550);
  const img = await data.decodeImage(food.items[0].path, { size: 64 });
  assert.equal(img.data.length, 64 * 64 * 3);

  assert.equal(data.loadPhotos({ root }).length, 15);
  const names = data.listLabelEmbeddings(root);
  for (const n of [
    "cifar10_ada-001",
    "cifar10_babbage-001",
    "cifar10_curie-001",
    "cifar10_davinci-001",
    "cifar100_ada-001",
    "cifar100_desc_ada-001",
  ])
    assert.ok(names.includes(n), n);
  const dims = { "cifar10_ada-001": 1024, "cifar10_davinci-001": 12288, "cifar100_ada-001": 1024 };
  for (const [n, dim] of Object.entries(dims)) assert.equal(data.loadLabelEmbeddings(n, { root }).dim, dim, n);
  const raw = JSON.parse(fs.readFileSync(`${root}/llm_labels/cifar100_ada-001.json`, "utf8"));
  const e = data.loadLabelEmbeddings("cifar100_ada-001", { root });
  assert.equal(e.vectors[data.CIFAR100_CLASSES.indexOf("maple_tree")][0], Math.fround(raw.maple[0]));
  assert.equal(data.loadCifar100Descriptions(root).descriptions.length, 100);
});
