// The layer rules (.dependency-cruiser.cjs) and the formatter (prettier, notebook cells) hold for the repo,
// and each check fails on a violation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const run = (cmd, args, cwd = root) => spawnSync(cmd, args, { cwd, encoding: "utf8" });

test("lib/, kernel-ext/ and ci/ follow the layer rules (no upward imports, no cycles, no dist/ deep imports)", () => {
  const r = run(bin("depcruise"), [
    "lib/src",
    "kernel-ext/src",
    "ci/src",
    "--config",
    ".dependency-cruiser.cjs",
    "--output-type",
    "err",
  ]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test("the layer rules fail on an upward import, a cycle and a dist/ deep import", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-layers-"));
  const put = (f, s) => {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), s);
  };
  put("tsconfig.json", JSON.stringify({ compilerOptions: { module: "commonjs", strict: true } }));
  put("lib/src/core/index.ts", 'import { encode } from "../models/encode";\nexport const x = encode;\n');
  put("lib/src/models/encode.ts", 'import { x } from "../core";\nexport const encode = () => x;\n');
  put("lib/dist/core/index.js", "exports.y = 1;\n");
  put("ci/src/run.ts", 'import { y } from "../../lib/dist/core";\nexport const z = y;\n');
  const r = run(
    bin("depcruise"),
    ["lib/src", "ci/src", "--config", path.join(root, ".dependency-cruiser.cjs"), "--output-type", "err"],
    dir,
  );
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /core-imports-higher-layer: lib\/src\/core\/index\.ts → lib\/src\/models\/encode\.ts/);
  assert.match(r.stdout, /no-cycles/);
  assert.match(r.stdout, /no-dist-deep-imports: ci\/src\/run\.ts → lib\/dist\/core\/index\.js/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("sources and notebook cells are formatted (npm run format:check)", () => {
  const r = run("npm", ["run", "--silent", "format:check"]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test("the format check fails on unformatted code, unformatted notebook cells and cells without an id", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-format-"));
  fs.writeFileSync(path.join(dir, "bad.ts"), "const   a = {b:1}\n");
  const p = run(bin("prettier"), [
    "--check",
    "--config",
    path.join(root, ".prettierrc.json"),
    path.join(dir, "bad.ts"),
  ]);
  assert.notEqual(p.status, 0);
  const nb = (cells) => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
  const code = (id, source) => ({
    cell_type: "code",
    ...(id ? { id } : {}),
    metadata: {},
    source,
    outputs: [],
    execution_count: null,
  });
  const check = (name, cells) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, JSON.stringify(nb(cells), null, 1) + "\n");
    return run(process.execPath, [path.join(root, "ci", "dist", "format-notebooks.js"), "--check", f]);
  };
  assert.equal(check("good.ipynb", [code("a", "const a = { b: 1 };")]).status, 0);
  const unformatted = check("unformatted.ipynb", [code("a", "const   a = {b:1}")]);
  assert.equal(unformatted.status, 1);
  assert.match(unformatted.stderr, /not formatted: cells 1/);
  const noId = check("no-id.ipynb", [code(undefined, "const a = { b: 1 };")]);
  assert.equal(noId.status, 1);
  assert.match(noId.stderr, /cells without an id: 1/);
  const broken = check("broken.ipynb", [code("a", "const a = {")]);
  assert.equal(broken.status, 2);
  assert.match(broken.stderr, /cell 1: prettier cannot parse this cell/);
  fs.rmSync(dir, { recursive: true, force: true });
});
