// npm run doctor: exit codes per profile, the JSON report's fields, the fixes it prints, the CUDA library search.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { ROOT } from "./runner-helpers.mjs";

const require = createRequire(import.meta.url);
const DOCTOR = path.join(ROOT, "ci", "dist", "doctor.js");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-doctor-"));
let closedEndpoint;

/** A data root holding (empty stand-ins of) every file the quick profile reads. */
function quickDataRoot() {
  const root = path.join(tmp, "data");
  const { data } = require("@embedlab/lib");
  for (const profiles of Object.values(data.NOTEBOOK_DATA))
    for (const need of profiles.quick) {
      const dir = path.join(root, data.getDataset(need.dataset).dir);
      for (const f of need.files) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.writeFileSync(path.join(dir, f), "");
      }
    }
  return root;
}

before(async () => {
  const s = http.createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  closedEndpoint = `http://127.0.0.1:${s.address().port}`;
  await new Promise((r) => s.close(r));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function doctor(args, env = {}) {
  const r = spawnSync(process.execPath, [DOCTOR, ...args], {
    env: {
      ...process.env,
      HF_ENDPOINT: closedEndpoint,
      EMBEDLAB_CACHE_DIR: path.join(tmp, "cache"),
      HF_HOME: path.join(tmp, "hf-home"),
      ...env,
    },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("quick here: exit 0, and the report says wasm, no GPU, and which notebooks × profiles can run", () => {
  const r = doctor([], { EMBEDLAB_DATA_DIR: quickDataRoot() });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /tfjs backend: would pick wasm/);
  assert.match(r.stdout, /GPU: no GPU visible/);
  assert.match(r.stdout, /02_train_without_labels\s+quick yes\s+full no/);
  assert.match(r.stdout, /profile quick can run here\./);
});

test("full here: non-zero, with the fix for each blocker (GPU, hub at HF_ENDPOINT, full data)", () => {
  const r = doctor(["--profile", "full"], { EMBEDLAB_DATA_DIR: quickDataRoot() });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /profile full cannot run here:/);
  assert.match(r.stdout, /✗ no GPU[^\n]*\n\s+→ run the full profile on a machine with an NVIDIA GPU/);
  assert.match(
    r.stdout,
    new RegExp(
      `✗ the model hub ${closedEndpoint} is unreachable \\(ECONNREFUSED\\)[^\\n]*\\n\\s+→ check the network; behind a firewall set HF_ENDPOINT`,
    ),
  );
  assert.match(
    r.stdout,
    /✗ 01_label_embeddings \(profile full\) needs dataset "cifar100"[^\n]*\n\s+→ npm run data -- fetch cifar100/,
  );
});

test("--json: the fields a script reads", () => {
  const root = quickDataRoot();
  const r = doctor(["--profile", "full", "--json"], { EMBEDLAB_DATA_DIR: root, EMBEDLAB_DTYPE: "q8" });
  assert.equal(r.code, 1);
  const d = JSON.parse(r.stdout);
  assert.equal(d.profile, "full");
  assert.equal(d.ok, false);
  assert.deepEqual(Object.keys(d.checks), ["versions", "tfjs", "gpu", "cuda", "onnxruntime", "hub", "data", "caches"]);
  assert.equal(d.checks.versions.data.node, process.version);
  assert.match(d.checks.versions.data.npm, /^\d+\.\d+\.\d+$/);
  assert.equal(d.checks.tfjs.data.wouldPick, "wasm");
  assert.match(d.checks.tfjs.data.skipped.join(), /@tensorflow\/tfjs-node resolves to @tensorflow\/tfjs/);
  assert.equal(d.checks.gpu.data.visible, false);
  assert.ok(Array.isArray(d.checks.cuda.data.found));
  assert.deepEqual(
    d.checks.cuda.data.needs.map((n) => [n.cudartMajors, n.cudnnMajors]),
    [
      [["11"], ["8"]],
      [["12"], ["9"]],
    ],
  );
  assert.equal(d.checks.onnxruntime.data.device, "cpu");
  assert.equal(d.checks.onnxruntime.data.dtype, "q8");
  assert.equal(d.checks.onnxruntime.data.version, require("onnxruntime-node/package.json").version);
  assert.deepEqual(d.checks.hub.data, { endpoint: closedEndpoint, reachable: false, cause: "ECONNREFUSED" });
  assert.equal(d.checks.data.data.root, root);
  assert.deepEqual(d.checks.data.data.notebooks["02_train_without_labels"].quick, {
    needs: ["sst2"],
    missing: [],
    ready: true,
  });
  assert.deepEqual(
    d.checks.data.data.notebooks["01_label_embeddings"].full.missing.map((m) => m.dataset),
    ["cifar100"],
  );
  assert.deepEqual(d.canRun["00_smoke"], { quick: true, full: false });
  assert.ok(d.blocking.every((p) => p.blocks.includes("full") && p.fix));
  assert.ok(d.checks.caches.data.caches.every((c) => typeof c.bytes === "number" && c.path));
});

test("a missing quick dataset fails quick for that notebook, with the fetch command; bad arguments exit 2", () => {
  const root = quickDataRoot();
  fs.rmSync(path.join(root, "SST-2"), { recursive: true });
  const r = doctor(["02", "--json"], { EMBEDLAB_DATA_DIR: root });
  assert.equal(r.code, 1);
  const d = JSON.parse(r.stdout);
  assert.deepEqual(d.notebooks, ["02_train_without_labels"]);
  assert.match(d.blocking[0].message, /02_train_without_labels \(profile quick\) needs dataset "sst2"/);
  assert.match(d.blocking[0].fix, /npm run data -- fetch sst2/);
  const bad = doctor([], { EMBEDLAB_DATA_DIR: quickDataRoot(), EMBEDLAB_BACKEND: "tensorflow" });
  assert.equal(bad.code, 1); // only an npm alias of tfjs-node here: every notebook would fail at initBackend
  assert.match(bad.stdout, /✗ tfjs backend: EMBEDLAB_BACKEND=tensorflow but @tensorflow\/tfjs-node-gpu not installed/);
  assert.equal(doctor(["--profile", "fast"]).code, 2);
  assert.equal(doctor(["99"]).code, 2);
});

test("CUDA libraries: ldconfig -p entries and LD_LIBRARY_PATH folders, by soname major", () => {
  const { findCudaLibs } = require(path.join(ROOT, "ci", "dist", "doctor", "cuda-libs.js"));
  const dir = path.join(tmp, "cudnn");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "libcudnn.so.9"), "");
  fs.writeFileSync(path.join(dir, "libcublas.so.12"), "");
  const ldconfig = [
    "1234 libs found in cache `/etc/ld.so.cache'",
    "\tlibcudart.so.12 (libc6,x86-64) => /usr/local/cuda-12.4/lib64/libcudart.so.12",
    "\tlibcudart.so (libc6,x86-64) => /usr/local/cuda-12.4/lib64/libcudart.so",
    "\tlibcudnn.so.8 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.8",
  ].join("\n");
  assert.deepEqual(
    findCudaLibs(ldconfig, `${dir}:/nonexistent`).map((f) => `${f.lib}.${f.major}`),
    ["libcudart.12", "libcudnn.8", "libcudnn.9"],
  );
});
