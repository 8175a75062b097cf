import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const kx = require("@embedlab/kernel-ext");
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const installJs = path.join(root, "kernel-ext", "dist", "install.js");
const tmp = (p) => fs.mkdtempSync(path.join(os.tmpdir(), p));

function checkSpec(spec, dataDir) {
  assert.equal(spec.display_name, "TypeScript (embedlab)");
  assert.equal(spec.language, "typescript");
  assert.equal(spec.argv.length, 8);
  assert.ok(fs.existsSync(spec.argv[0]), `node binary ${spec.argv[0]}`);
  assert.deepEqual(spec.argv.slice(1, 4), [
    "--enable-source-maps",
    "--require",
    path.join(root, "kernel-ext", "dist", "kernel-preload.js"),
  ]);
  assert.ok(fs.existsSync(spec.argv[3]));
  assert.equal(spec.argv[4], path.join(root, "node_modules", "tslab", "bin", "tslab"));
  assert.ok(fs.existsSync(spec.argv[4]));
  assert.deepEqual(spec.argv.slice(5), ["kernel", "--config-path", "{connection_file}"]);
  assert.equal(spec.env.EMBEDLAB_ROOT, root);
  assert.equal(spec.env.NODE_PATH, path.join(root, "node_modules"));
  assert.equal(spec.env.EMBEDLAB_DATA_DIR, dataDir);
}

test("installKernelSpec --prefix writes valid kernel.json with the tslab argv and env", () => {
  const prefix = tmp("kx-prefix-");
  try {
    const dir = kx.installKernelSpec({ prefix, root, dataDir: "/data/mirror" });
    assert.equal(dir, path.join(prefix, "share", "jupyter", "kernels", "embedlab"));
    assert.deepEqual(fs.readdirSync(dir), ["kernel.json"]);
    const spec = JSON.parse(fs.readFileSync(path.join(dir, "kernel.json"), "utf8"));
    checkSpec(spec, "/data/mirror");
    assert.deepEqual(spec, kx.kernelSpec({ root, dataDir: "/data/mirror" }));
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});

test("npm run kernel:install (the CLI) honours JUPYTER_DATA_DIR and EMBEDLAB_DATA_DIR", () => {
  const jdir = tmp("kx-jupyter-");
  try {
    const env = { ...process.env, JUPYTER_DATA_DIR: jdir, EMBEDLAB_DATA_DIR: "/some/data", EMBEDLAB_ROOT: root };
    const r = spawnSync(process.execPath, [installJs], { env, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const file = path.join(jdir, "kernels", "embedlab", "kernel.json");
    assert.match(r.stdout, /Installed kernelspec embedlab/);
    checkSpec(JSON.parse(fs.readFileSync(file, "utf8")), "/some/data");

    const printed = spawnSync(process.execPath, [installJs, "--print", "--data-dir", "/other"], {
      env,
      encoding: "utf8",
    });
    assert.equal(printed.status, 0, printed.stderr);
    checkSpec(JSON.parse(printed.stdout), "/other");

    const bad = spawnSync(process.execPath, [installJs, "--bogus"], { env, encoding: "utf8" });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown option --bogus/);
    assert.match(bad.stderr, /usage:/);
  } finally {
    fs.rmSync(jdir, { recursive: true, force: true });
  }
});

test("without EMBEDLAB_DATA_DIR the env carries only EMBEDLAB_ROOT and NODE_PATH; user dir follows XDG_DATA_HOME", () => {
  const prev = { d: process.env.EMBEDLAB_DATA_DIR, j: process.env.JUPYTER_DATA_DIR, x: process.env.XDG_DATA_HOME };
  const xdg = tmp("kx-xdg-");
  try {
    delete process.env.EMBEDLAB_DATA_DIR;
    delete process.env.JUPYTER_DATA_DIR;
    process.env.XDG_DATA_HOME = xdg;
    assert.deepEqual(kx.kernelSpec({ root }).env, { EMBEDLAB_ROOT: root, NODE_PATH: path.join(root, "node_modules") });
    if (process.platform === "linux") assert.equal(kx.jupyterDataDir(), path.join(xdg, "jupyter"));
  } finally {
    for (const [k, v] of [
      ["EMBEDLAB_DATA_DIR", prev.d],
      ["JUPYTER_DATA_DIR", prev.j],
      ["XDG_DATA_HOME", prev.x],
    ]) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(xdg, { recursive: true, force: true });
  }
});

test("a root without tslab installed is refused before anything is written", () => {
  const fake = tmp("kx-noroot-");
  const prefix = tmp("kx-prefix-");
  try {
    assert.throws(
      () => kx.installKernelSpec({ prefix, root: fake }),
      (e) => e.name === "EmbedlabError" && /tslab is not installed/.test(e.message) && /npm install/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(prefix), []);
    assert.throws(() => kx.installKernelSpec({ prefix, root, name: "../x" }), /bad kernel name/);
    assert.deepEqual(fs.readdirSync(prefix), []);
  } finally {
    fs.rmSync(fake, { recursive: true, force: true });
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});
