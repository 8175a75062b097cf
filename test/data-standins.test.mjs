// The download path for real, offline: CI's stand-in archives (official formats, tiny) served on loopback, the
// registry pointed at them with EMBEDLAB_DATA_REGISTRY, `npm run data -- fetch --profile full` into an empty data
// root, then every loader reads what was installed.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { data } = require("@embedlab/lib");
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const { writeDataStandins, STANDIN_CIFAR_RECORDS, STANDIN_CIFAR100_RECORDS } = require(
  path.join(root, "ci/dist/standin/data-standins.js"),
);
const { startDataServer } = require(path.join(root, "ci/dist/standin/data-server.js"));
const CLI = path.join(root, "lib/dist/data/cli.js");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-standins-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let server;
let registryFile;
const dataRoot = path.join(tmp, "data");
before(async () => {
  const standins = await writeDataStandins(path.join(tmp, "s"));
  server = await startDataServer(standins.dir);
  registryFile = path.join(tmp, "registry.json");
  fs.writeFileSync(registryFile, JSON.stringify(standins.registry(server.url)));
});
after(() => server?.close());

/** The data CLI in a child process (asynchronously: the stand-in server runs in this one). */
const cli = (args) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, EMBEDLAB_DATA_REGISTRY: registryFile, EMBEDLAB_DATA_DIR: dataRoot },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });

test("fetch --profile full into an empty data root: the plan with sizes first, then every dataset checksummed", async () => {
  const r = await cli(["fetch", "--profile", "full"]);
  assert.equal(r.status, 0, r.stderr);
  const plan = r.stderr.indexOf("total to download:");
  assert.ok(plan >= 0 && plan < r.stderr.indexOf("fetching "), "sizes are announced before the first download");
  for (const name of ["cifar100", "llm_labels", "sst2", "wikiqa", "photos", "food101"]) {
    assert.match(r.stderr, new RegExp(`^  ${name}\\s+download \\d+\\.\\d kB`, "m"));
    assert.match(r.stdout, new RegExp(`^${name}: installed at`, "m"));
    assert.match(r.stderr, new RegExp(`installed ${name} → .*\\(verified: size, sha256, md5, (extracts|files)\\)`));
  }
  const quick = await cli(["fetch", "--profile", "quick", "--notebooks", "01,04"]);
  assert.equal(quick.status, 0, quick.stderr);
  assert.match(quick.stdout, /^cifar10: installed/m);
  assert.match(quick.stdout, /^llm_labels: already present/m);
  const more = await cli(["fetch", "flickr8k", "gutenberg", "world_factbook"]);
  assert.equal(more.status, 0, more.stderr);
  const again = await cli(["fetch", "--profile", "full"]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /total to download: 0\.0 kB/);
  assert.doesNotMatch(again.stdout, /installed/);
  assert.deepEqual(
    fs.readdirSync(dataRoot).filter((f) => f.startsWith(".")),
    [],
    "no temp folders left",
  );
});

test("every loader reads the fetched stand-ins", () => {
  const opts = { root: dataRoot };
  const n = STANDIN_CIFAR_RECORDS;
  assert.equal(data.loadCifar10("test", opts).n, n);
  const train = data.loadCifar10("train", opts);
  assert.equal(train.n, 5 * n);
  assert.match(train.source.note, /data_batch_1, data_batch_2, data_batch_3, data_batch_4, data_batch_5 \(5 of 5/);
  const c100 = data.loadCifar100("train", opts);
  assert.equal(c100.n, STANDIN_CIFAR100_RECORDS.train);
  assert.equal(new Set(c100.labels).size, 100, "every CIFAR-100 class is in the stand-in's train file");
  const coarseOf = data.cifar100CoarseOf();
  c100.labels.forEach((l, i) => assert.equal(c100.coarseLabels[i], coarseOf[l]));
  assert.equal(data.loadCifar100("test", opts).n, STANDIN_CIFAR100_RECORDS.test);
  assert.equal(data.loadSst2("train", opts).length, 200);
  assert.deepEqual(data.loadSst2("dev", opts)[0], { sentence: "dull and lifeless 0", label: 0 });
  const wiki = data.loadWikiQA("dev", opts);
  assert.equal(wiki.length, 4);
  assert.equal(data.questionsWithAnswers(wiki).length, 4);
  const food = data.loadFood101(opts);
  assert.deepEqual([food.items.length, food.classNames.length], [12, 3]);
  assert.equal(data.loadFood101({ ...opts, split: "test" }).items.length, 3);
  const photos = data.loadPhotos(opts);
  assert.equal(photos.length, 15);
  assert.ok(
    photos.every((p) => p.caption),
    "the project's captions (keyed astronaut.jpg …) match the downloaded PNGs by name",
  );
  assert.equal(data.loadLabelEmbeddings("cifar10_ada-001", opts).dim, 16);
  assert.equal(data.loadLabelEmbeddings("cifar10_davinci-001", opts).dim, 48);
  const e100 = data.loadLabelEmbeddings("cifar100_ada-001", opts);
  assert.deepEqual([e100.vectors.length, e100.dim], [100, 16]);
  assert.equal(data.loadLabelEmbeddings("cifar100_ada-001", { ...opts, pairing: "file-order" }).vectors.length, 100);
  assert.equal(data.loadCifar100Descriptions(dataRoot).descriptions.length, 100);
  const flickr = path.join(dataRoot, "Flickr8k");
  assert.equal(fs.readdirSync(path.join(flickr, "Flicker8k_Dataset")).length, 12);
  assert.equal(fs.readFileSync(path.join(flickr, "Flickr8k.token.txt"), "utf8").trim().split("\n").length, 60);
  assert.ok(fs.existsSync(path.join(flickr, "Flickr_8k.trainImages.txt")));
  const alice = fs.readFileSync(
    path.join(dataRoot, "corpora/gutenberg/pg11_alice_s_adventures_in_wonderland.txt"),
    "utf8",
  );
  assert.match(
    alice,
    /^Alice's Adventures in Wonderland\nCHAPTER I\.|^Alice's Adventures in Wonderland\n\nCHAPTER I\./,
  );
  assert.doesNotMatch(alice, /Project Gutenberg|Produced by|\r/);
  const algeria = fs.readFileSync(path.join(dataRoot, "corpora/world_factbook/africa_ag.txt"), "utf8");
  assert.match(algeria, /^Algeria\n/);
  assert.match(algeria, /\nIntroduction\n\nBackground: Algeria has a stand-in history\.\nSecond paragraph & more\.\n/);
  assert.match(algeria, /\nArea - total : 1 sq km\n/);
  assert.doesNotMatch(algeria, /NA|<p>/);
});

test("a stand-in CIFAR file cut at a record boundary after install fails loudly", async () => {
  const file = path.join(dataRoot, "cifar-10-batches-bin", "test_batch.bin");
  const copy = path.join(tmp, "test_batch.bin");
  fs.copyFileSync(file, copy);
  fs.truncateSync(file, (STANDIN_CIFAR_RECORDS - 1) * 3073);
  try {
    assert.throws(
      () => data.loadCifar10("test", { root: dataRoot }),
      /19 records, but its install record \(\.embedlab-installed\) declares 20/,
    );
    const r = await cli(["fetch", "cifar10"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /lacks test_batch\.bin \(size changed\): reinstalling/);
    assert.equal(data.loadCifar10("test", { root: dataRoot }).n, STANDIN_CIFAR_RECORDS);
  } finally {
    fs.rmSync(copy, { force: true });
  }
});

test("serve-data CLI: writes the stand-ins and a registry pointing at itself, prints and writes the variable, stops on SIGTERM", async () => {
  const dir = path.join(tmp, "cli");
  const envFile = path.join(tmp, "cli.env");
  fs.writeFileSync(envFile, ""); // Node 20 reads a script's --env-file argument itself: the file must exist.
  const child = spawn(
    process.execPath,
    [path.join(root, "ci/dist/standin/serve-data.js"), "--dir", dir, "--env-file", envFile],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout.on("data", (b) => (out += b));
  const line = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no output: ${out}`)), 60_000);
    child.stdout.on("data", () => {
      if (out.includes("\n")) {
        clearTimeout(t);
        resolve(out.split("\n")[0]);
      }
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}`)));
  });
  assert.equal(line, `EMBEDLAB_DATA_REGISTRY=${path.join(dir, "registry.json")}`);
  assert.equal(fs.readFileSync(envFile, "utf8"), line + "\n");
  const reg = JSON.parse(fs.readFileSync(path.join(dir, "registry.json"), "utf8"));
  const src = reg.datasets.cifar100.sources[0];
  assert.deepEqual(reg.datasets.cifar100.records, {
    "train.bin": STANDIN_CIFAR100_RECORDS.train,
    "test.bin": STANDIN_CIFAR100_RECORDS.test,
  });
  const res = await fetch(src.url);
  assert.equal(res.status, 200);
  assert.equal(Number(res.headers.get("content-length")), src.bytes);
  assert.equal((await fetch(src.url.replace(/[^/]+$/, "nope.tar.gz"))).status, 404);
  assert.equal((await fetch(src.url.replace(/[^/]+$/, "..%2F..%2Fregistry.json"))).status, 404);
  const code = await new Promise((resolve) => {
    child.on("exit", resolve);
    child.kill("SIGTERM");
  });
  assert.equal(code, 0);
});

test("npm run notebooks fetches on first use what the notebook × profile needs; not offline, not into a mirror", async () => {
  const { fetchNotebookData } = require(path.join(root, "ci/dist/data-on-demand.js"));
  const before = process.env.EMBEDLAB_DATA_REGISTRY;
  process.env.EMBEDLAB_DATA_REGISTRY = registryFile;
  try {
    const fresh = path.join(tmp, "on-demand");
    const lines = [];
    const log = (l) => lines.push(l);
    const env = { EMBEDLAB_DATA_DIR: fresh };
    assert.equal(
      await fetchNotebookData("04_clip_llm_assignment", "full", log, { ...env, EMBEDLAB_OFFLINE: "1" }),
      "offline",
    );
    assert.equal(fs.existsSync(fresh), false, "offline: nothing written");
    assert.match(lines.join("\n"), /EMBEDLAB_OFFLINE=1, not fetching photos, food101/);
    assert.equal(await fetchNotebookData("04_clip_llm_assignment", "full", log, env), "fetched");
    assert.match(lines.join("\n"), /total to download: [\d.]+ kB[\s\S]*installed photos[\s\S]*installed food101/);
    assert.equal(data.loadFood101({ root: fresh }).items.length, 12);
    assert.equal(await fetchNotebookData("04_clip_llm_assignment", "full", log, env), "nothing needed");
    assert.equal(await fetchNotebookData("00_smoke", "full", log, env), "nothing needed");
    assert.equal(await fetchNotebookData("not_a_notebook", "full", log, env), "nothing needed");
    // A mirror: dataset folders fetch did not install.
    const mirror = path.join(tmp, "mirror");
    fs.mkdirSync(path.join(mirror, "SST-2"), { recursive: true });
    fs.writeFileSync(path.join(mirror, "SST-2", "dev.tsv"), "sentence\tlabel\n");
    assert.equal(
      await fetchNotebookData("02_train_without_labels", "quick", log, { EMBEDLAB_DATA_DIR: mirror }),
      "mirror",
    );
    assert.deepEqual(fs.readdirSync(mirror), ["SST-2"]);
    // A server that is gone: the run goes on, the message names the dataset.
    const gone = path.join(tmp, "gone");
    const reg = JSON.parse(fs.readFileSync(registryFile, "utf8"));
    reg.datasets.sst2.sources[0].url = "http://127.0.0.1:9/SST-2.zip";
    const goneReg = path.join(tmp, "gone.json");
    fs.writeFileSync(goneReg, JSON.stringify(reg));
    process.env.EMBEDLAB_DATA_REGISTRY = goneReg;
    assert.equal(
      await fetchNotebookData("02_train_without_labels", "quick", log, { EMBEDLAB_DATA_DIR: gone }),
      "failed",
    );
    assert.match(lines.at(-1), /could not download http:\/\/127\.0\.0\.1:9\/SST-2\.zip for dataset "sst2"/);
  } finally {
    if (before === undefined) delete process.env.EMBEDLAB_DATA_REGISTRY;
    else process.env.EMBEDLAB_DATA_REGISTRY = before;
  }
});
