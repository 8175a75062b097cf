import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const kx = require("@embedlab/kernel-ext");
const { Resvg } = require("@resvg/resvg-js");

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const pngSize = (png) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

const barSpec = () => ({
  title: "Fruit counts",
  data: {
    values: [
      { fruit: "apple", n: 3 },
      { fruit: "pear", n: 7 },
      { fruit: "plum", n: 5 },
    ],
  },
  mark: "bar",
  encoding: {
    x: { field: "fruit", type: "nominal", title: "Fruit name" },
    y: { field: "n", type: "quantitative", title: "How many" },
  },
});

test("renderVegaLite: SVG has the axis titles as text, PNG is a real image at 2x the SVG size", async () => {
  const { svg, png } = await kx.renderVegaLite(barSpec());
  assert.match(svg, /^<svg/);
  assert.match(svg, />Fruit name</);
  assert.match(svg, />How many</);
  assert.match(svg, />Fruit counts</);
  for (const fruit of ["apple", "pear", "plum"]) assert.match(svg, new RegExp(`>${fruit}<`));
  assert.ok(Buffer.isBuffer(png));
  assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
  const svgWidth = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)[1]);
  assert.ok(svgWidth > 50, `svg width ${svgWidth}`);
  assert.equal(pngSize(png).width, Math.round(svgWidth * 2));
  const { png: png1 } = await kx.renderVegaLite(barSpec(), { scale: 1 });
  assert.equal(pngSize(png1).width, Math.round(svgWidth));
});

test("text is rasterised: the PNG differs from one rendered with no fonts at all", async (t) => {
  const fonts = kx.chartFonts();
  if (!fonts.loadSystemFonts) for (const f of fonts.fontFiles) assert.ok(fs.existsSync(f), f);
  if (fonts.fontFiles.length === 0) t.diagnostic("no known font file; relying on resvg's system font scan");
  const { svg, png } = await kx.renderVegaLite(barSpec());
  const noText = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: [] },
    fitTo: { mode: "zoom", value: 2 },
    background: "white",
    logLevel: "off",
  })
    .render()
    .asPng();
  assert.notDeepEqual(png, noText, "PNG with fonts should contain glyph pixels the font-less render lacks");
});

test("vegaliteBundle: one bundle with the spec as an object, base64 PNG and text (no SVG: nbconvert's HTML would blank it)", async () => {
  const spec = barSpec();
  const { bundle } = await kx.vegaliteBundle(spec);
  // nbconvert's HTML export prefers text/html > image/svg+xml > image/png and sanitizes the SVG to a blank;
  // JupyterLab would prefer text/html over vega-lite. So neither is in the bundle: the PNG is what shows.
  assert.deepEqual(Object.keys(bundle).sort(), ["application/vnd.vegalite.v5+json", "image/png", "text/plain"]);
  const vl = bundle["application/vnd.vegalite.v5+json"];
  assert.equal(typeof vl, "object");
  assert.deepEqual(vl, spec);
  assert.notEqual(vl, spec, "the bundle holds a copy, not the caller's object");
  assert.deepEqual(Buffer.from(bundle["image/png"], "base64").subarray(0, 8), PNG_SIGNATURE);
  assert.match(bundle["text/plain"], /Fruit counts/);
  assert.match(bundle["text/plain"], /3 rows/);
});

test("bad specs give EmbedlabError and a hint", async () => {
  await assert.rejects(
    kx.renderVegaLite([1, 2]),
    (e) => e.name === "EmbedlabError" && /must be an object/.test(e.message),
  );
  await assert.rejects(
    kx.renderVegaLite({ mark: "bar", encoding: { x: { field: "a", type: "nonsense" } }, data: { values: [] } }),
    (e) => e.name === "EmbedlabError",
  );
  await assert.rejects(kx.renderVegaLite(barSpec(), { scale: 0 }), /scale/);
});

test("saveFigure writes <outputDir>/figures/<name>.{svg,png} and nothing else; bad names write nothing", async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "kx-fig-"));
  const prev = process.env.EMBEDLAB_OUTPUT_DIR;
  process.env.EMBEDLAB_OUTPUT_DIR = out;
  try {
    const files = await kx.saveFigure(barSpec(), "fruit_bar");
    assert.equal(files.svg, path.join(out, "figures", "fruit_bar.svg"));
    assert.equal(files.png, path.join(out, "figures", "fruit_bar.png"));
    assert.match(fs.readFileSync(files.svg, "utf8"), />Fruit name</);
    assert.deepEqual(fs.readFileSync(files.png).subarray(0, 8), PNG_SIGNATURE);
    assert.deepEqual(fs.readdirSync(path.join(out, "figures")).sort(), ["fruit_bar.png", "fruit_bar.svg"]);
    await assert.rejects(kx.saveFigure(barSpec(), "../escape"), /bad figure name/);
    await assert.rejects(kx.saveFigure({ mark: 42 }, "broken"), (e) => e.name === "EmbedlabError");
    assert.deepEqual(fs.readdirSync(path.join(out, "figures")).sort(), ["fruit_bar.png", "fruit_bar.svg"]);
    assert.deepEqual(fs.readdirSync(out), ["figures"]);
  } finally {
    if (prev === undefined) delete process.env.EMBEDLAB_OUTPUT_DIR;
    else process.env.EMBEDLAB_OUTPUT_DIR = prev;
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test("vegaliteBundle: PNG metadata gives the figure's CSS size (the PNG itself is rendered at scale ×)", async () => {
  const { bundle, metadata, figure } = await kx.vegaliteBundle({ ...barSpec(), width: 300, height: 200 });
  const png = Buffer.from(bundle["image/png"], "base64");
  const pngSize = { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
  const svgTag = /<svg[^>]*>/.exec(figure.svg)[0];
  const css = {
    width: Number(/ width="([\d.]+)"/.exec(svgTag)[1]),
    height: Number(/ height="([\d.]+)"/.exec(svgTag)[1]),
  };
  assert.ok(css.width > 300 && css.height > 200, "axes and title add to the plot area");
  assert.deepEqual(metadata, { "image/png": css });
  assert.deepEqual({ width: figure.width, height: figure.height }, css);
  assert.deepEqual(pngSize, { width: 2 * css.width, height: 2 * css.height });
  assert.deepEqual((await kx.vegaliteBundle(barSpec(), { scale: 1 })).metadata, {
    "image/png": (await kx.vegaliteBundle(barSpec())).metadata["image/png"],
  });
});
