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
  assert.deepEqual(names, ["cifar10", "cifar100", "sst2", "wikiqa", "food101", "photos", "llm_labels", "flickr8k"]);
  for (const d of data.DATASETS) {
    assert.ok(d.dir && d.marker, d.name);
    for (const s of d.sources) {
      if (s.sha256) assert.match(s.sha256, /^[0-9a-f]{64}$/);
      if (s.md5) assert.match(s.md5, /^[0-9a-f]{32}$/);
      assert.match(s.url, /^https?:\/\//);
    }
  }
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
    await assert.rejects(data.fetchDataset(wrongDir, { root, log: () => {} }), /archive has no Nope\/WikiQA-dev\.tsv/);
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
  const fake = path.join(root, "fake.tar.gz");
  fs.writeFileSync(fake, await sst2TarGz());
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
  const mirrorOnly = cli(["fetch", "photos", "--root", root]);
  assert.equal(mirrorOnly.status, 1);
  assert.match(mirrorOnly.stderr, /no download source[\s\S]*EMBEDLAB_DATA_DIR/);
  assert.deepEqual(leftovers(root), []);
});
