// The embedlab kernel works from any folder: a notebook outside the repository imports @embedlab/* (compiled
// by tslab's TypeScript and required by Node), and errors thrown inside lib show their TypeScript sources.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { root, pythonWith, jupyterEnv, nbconvert, codeNotebook, NO_NBCONVERT } from "./jupyter-helpers.mjs";

const require = createRequire(import.meta.url);
const { forwardedPath, packagesDir } = require("@embedlab/kernel-ext/dist/package-resolution");

test("forwardedPath: a package missing from <cwd>/node_modules is read from the repository's node_modules", () => {
  const pk = "/repo/node_modules";
  const has = new Set(["/nb/node_modules/local-pkg", "/nb/node_modules/@me/thing"]);
  const exists = (p) => has.has(p);
  const f = (p) => forwardedPath(p, "/nb", pk, exists);
  assert.equal(f("/nb/node_modules/@embedlab/lib/package.json"), "/repo/node_modules/@embedlab/lib/package.json");
  assert.equal(f("/nb/node_modules/@types/node/index.d.ts"), "/repo/node_modules/@types/node/index.d.ts");
  assert.equal(f("/nb/node_modules/@embedlab"), "/repo/node_modules/@embedlab");
  assert.equal(f("/nb/node_modules/local-pkg/index.d.ts"), "/nb/node_modules/local-pkg/index.d.ts", "local wins");
  assert.equal(f("/nb/node_modules/@me/thing/a.ts"), "/nb/node_modules/@me/thing/a.ts");
  assert.equal(f("/nb/node_modules"), "/nb/node_modules");
  assert.equal(f("/nb/cell.ts"), "/nb/cell.ts");
  assert.equal(f("/elsewhere/node_modules/x/y.ts"), "/elsewhere/node_modules/x/y.ts");
  assert.equal(packagesDir(), path.join(root, "node_modules"));
});

const nbconvertPython = pythonWith(["nbconvert", "nbclient", "jupyter_client"]);

test(
  "a notebook in a temp folder (outside the repo) imports @embedlab/lib and kernel-ext; lib's stacks point at lib/src/*.ts",
  { skip: nbconvertPython ? false : NO_NBCONVERT, timeout: 600_000 },
  async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-anydir-"));
    assert.ok(path.relative(root, tmp).startsWith(".."), "the temp folder is outside the repository");
    try {
      const name = "embedlab-anydir-test";
      const env = jupyterEnv(tmp, name);
      const nbDir = path.join(tmp, "x");
      fs.mkdirSync(nbDir);
      const cells = [
        'import { percent } from "@embedlab/lib";\nimport { show } from "@embedlab/kernel-ext";\npercent(0.25)',
        'show.table([{ model: "glove", acc: 0.5 }]);',
        "percent(0.5, 200);",
        'import * as fs from "node:fs";\nfs.existsSync("nb.ipynb")',
      ];
      fs.writeFileSync(path.join(nbDir, "nb.ipynb"), JSON.stringify(codeNotebook(cells, name), null, 1));
      const r = await nbconvert(
        nbconvertPython,
        [
          "--to",
          "notebook",
          "--execute",
          "--allow-errors",
          "--ExecutePreprocessor.timeout=180",
          "--ExecutePreprocessor.startup_timeout=180",
          "--output",
          "executed.ipynb",
          "nb.ipynb",
        ],
        { cwd: nbDir, env },
      );
      assert.equal(r.code, 0, r.stderr);
      const nb = JSON.parse(fs.readFileSync(path.join(nbDir, "executed.ipynb"), "utf8"));
      const outs = nb.cells.map((c) => c.outputs);
      const text = (o, mime) => [].concat(o.data?.[mime] ?? []).join(""); // nbformat may split strings into lines
      assert.deepEqual(
        outs[0].map((o) => [o.output_type, text(o, "text/plain")]),
        [["execute_result", "'25.0 %'"]],
        JSON.stringify(outs[0]),
      );
      assert.equal(outs[1][0].output_type, "display_data", JSON.stringify(outs[1]));
      assert.match(text(outs[1][0], "text/html"), /glove/);
      const err = outs[2][0];
      assert.equal(err.output_type, "error", JSON.stringify(outs[2]));
      assert.equal(err.ename, "RangeError");
      const tb = err.traceback.join("\n");
      assert.match(tb, /at (\w+\.)?percent \(.*[\\/]lib[\\/]src[\\/]core[\\/]format\.ts:\d+:\d+\)/, tb);
      assert.doesNotMatch(tb, /lib[\\/]dist[\\/]/);
      assert.equal(text(outs[3][0], "text/plain"), "true", "the kernel runs in the notebook's folder");
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);

test("the runner's kernel maps lib's stacks to lib/src/*.ts too", { timeout: 300_000 }, async () => {
  const { Kernel } = require(path.join(root, "ci", "dist", "kernel.js"));
  const k = await Kernel.start({ root, env: { ...process.env } });
  try {
    const msgs = [];
    const reply = await k.execute(
      'import { percent } from "@embedlab/lib";\npercent(0.5, 200);',
      (m) => msgs.push(m),
      120,
    );
    assert.equal(reply.status, "error");
    const err = msgs.find((m) => m.header.msg_type === "error").content;
    assert.match(err.traceback.join("\n"), /lib[\\/]src[\\/]core[\\/]format\.ts:\d+:\d+/);
  } finally {
    await k.shutdown();
  }
});
