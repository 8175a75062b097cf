// ci/src/html-render-check.ts: nbconvert's HTML export of an executed notebook, opened in headless Chromium.
// Needs nbconvert and Chromium (Debian: jupyter-nbconvert, chromium); skips with a message without them.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { root, pythonWith, NO_NBCONVERT } from "./jupyter-helpers.mjs";

const require = createRequire(import.meta.url);
const checker = path.join(root, "ci", "dist", "html-render-check.js");
const chromium = [process.env.CHROMIUM, "/usr/bin/chromium", "chromium"]
  .filter(Boolean)
  .find((c) => spawnSync(c, ["--version"]).status === 0);
const skip = !pythonWith(["nbconvert"]) ? NO_NBCONVERT : !chromium ? "no Chromium: apt-get install chromium" : false;

/** An executed notebook with a figure whose bundle is `figure` and one Markdown output `md`. */
async function notebook(dir, name, figure, md) {
  const { vegaliteBundle } = require("@embedlab/kernel-ext");
  const spec = {
    data: {
      values: [
        { a: "x", b: 3 },
        { a: "y", b: 5 },
      ],
    },
    mark: "bar",
    encoding: { x: { field: "a", type: "nominal" }, y: { field: "b", type: "quantitative" } },
  };
  const { bundle, metadata, figure: fig } = await vegaliteBundle(spec);
  const out = (data, meta = {}) => ({ output_type: "display_data", data, metadata: meta });
  const nb = {
    cells: [
      {
        cell_type: "code",
        id: "a",
        metadata: {},
        execution_count: 1,
        source: "show.vegalite(spec)",
        outputs: [out(figure(bundle, fig), metadata), out(md)],
      },
    ],
    metadata: { language_info: { name: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const file = path.join(dir, `${name}.ipynb`);
  fs.writeFileSync(file, JSON.stringify(nb));
  return file;
}

test(
  "html-render-check: passes our figure and Markdown bundles, fails an SVG-first figure and raw Markdown",
  { skip, timeout: 300_000 },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-render-check-"));
    try {
      const good = await notebook(dir, "good", (b) => b, {
        "text/markdown": "**Teacher.** ok",
        "text/html": "<p><strong>Teacher.</strong> ok</p>",
        "text/plain": "**Teacher.** ok",
      });
      // What main sent before: the SVG beside the PNG (nbconvert picks the SVG and sanitizes it), markdown as text only.
      const bad = await notebook(dir, "bad", (b, fig) => ({ ...b, "image/svg+xml": fig.svg }), {
        "text/plain": "**Teacher.** raw",
      });
      // A figure that is there but blank (all white) fails on the screenshot's pixels.
      const sharp = require("sharp");
      const white = async (fig) =>
        (
          await sharp({ create: { width: 2 * fig.width, height: 2 * fig.height, channels: 3, background: "#fff" } })
            .png()
            .toBuffer()
        ).toString("base64");
      let whitePng;
      const blank = await notebook(dir, "blank", (b, fig) => ((whitePng = fig), { ...b }), {
        "text/plain": "no markdown here",
      });
      const nb = JSON.parse(fs.readFileSync(blank, "utf8"));
      nb.cells[0].outputs[0].data["image/png"] = await white(whitePng);
      fs.writeFileSync(blank, JSON.stringify(nb));
      const r = spawnSync(process.execPath, [checker, good, bad, blank, "--out", path.join(dir, "html")], {
        encoding: "utf8",
      });
      assert.equal(r.status, 1, r.stdout + r.stderr);
      const lines = r.stdout.split("\n");
      assert.match(lines[0], /^ok {2}good\.ipynb: 1 figures \(ink 0\.\d+\), 0 HTML images, 1 bold spans/, r.stdout);
      assert.match(r.stdout, /^FAIL {2}bad\.ipynb/m);
      assert.match(r.stdout, /1 figure outputs \(image\/png\) in the notebook, 0 shown as images/);
      assert.match(r.stdout, /raw Markdown in the rendered text: \*\*Teacher\.\*\* raw/);
      assert.match(r.stdout, /^FAIL {2}blank\.ipynb[^\n]*\n {6}figure 1: blank on the screenshot \(0\.00 % ink\)/m);
      assert.ok(fs.existsSync(path.join(dir, "html", "good.png")), "the screenshot is kept with --out");
      const usage = spawnSync(process.execPath, [checker], { encoding: "utf8" });
      assert.equal(usage.status, 2);
      assert.match(usage.stderr, /usage: node ci\/dist\/html-render-check\.js/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
