import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const kx = require("@embedlab/kernel-ext");

const rows = [
  { model: "glove", acc: 0.8123456, n: 10 },
  { model: "use-lite", acc: 0.9, n: 200, note: "best" },
];

test("text/plain: aligned columns, numbers right-aligned with `digits` decimals, caption first", () => {
  const text = kx.tableBundle(rows, { caption: "Accuracy", digits: 3 })["text/plain"];
  const lines = text.split("\n");
  assert.equal(lines[0], "Accuracy");
  assert.equal(lines[1], "model       acc    n  note");
  assert.equal(lines[2], "--------  -----  ---  ----");
  assert.equal(lines[3], "glove     0.812   10");
  assert.equal(lines[4], "use-lite  0.900  200  best");
  assert.equal(lines.length, 5);
});

test("text/html: values, caption, header, and HTML is escaped", () => {
  const html = kx.tableBundle([{ "<th>": "<b>x</b> & 'y'", v: 1.5 }], { caption: "A <caption>", digits: 1 })[
    "text/html"
  ];
  assert.match(html, /<caption>A &lt;caption&gt;<\/caption>/);
  assert.match(html, /<th[^>]*><div[^>]*>&lt;th&gt;<\/div><\/th>/);
  assert.match(html, /<td[^>]*><div[^>]*>&lt;b&gt;x&lt;\/b&gt; &amp; &#39;y&#39;<\/div><\/td>/);
  assert.match(html, /<td align="right">1\.5<\/td>/);
  assert.doesNotMatch(html, /<b>x/);
});

test("text/html: alignment survives sanitizers that strip style= (classic Notebook, untrusted)", () => {
  const html = kx.tableBundle(rows, { digits: 3 })["text/html"];
  assert.doesNotMatch(html, /style=/, "no inline styles: an untrusted classic Notebook strips them");
  // Front ends right-align every td/th in their CSS; text cells must carry an element of their own that says left.
  const cells = [...html.matchAll(/<(td|th)\b([^>]*)>(.*?)<\/\1>/g)].map((m) => ({ attrs: m[2], inner: m[3] }));
  assert.equal(cells.length, 4 * 3);
  const left = (c) => / align="left"/.test(c.attrs) && /^<div align="left">.*<\/div>$/.test(c.inner);
  const right = (c) => / align="right"/.test(c.attrs) && !/<div/.test(c.inner);
  const byColumn = [0, 1, 2, 3].map((j) => cells.filter((_, i) => i % 4 === j));
  assert.ok(byColumn[0].every(left), "model (text): left");
  assert.ok(byColumn[1].every(right), "acc (numbers): right");
  assert.ok(byColumn[2].every(right), "n (numbers): right");
  assert.ok(byColumn[3].every(left), "note (text, one empty cell): left");
});

test("cells: null/undefined empty, integers as is, objects as JSON, non-finite kept", () => {
  assert.equal(kx.formatCell(null, 2), "");
  assert.equal(kx.formatCell(undefined, 2), "");
  assert.equal(kx.formatCell(42, 2), "42");
  assert.equal(kx.formatCell(1 / 3, 2), "0.33");
  assert.equal(kx.formatCell(NaN, 2), "NaN");
  assert.equal(kx.formatCell({ a: [1] }, 2), '{"a":[1]}');
  assert.equal(kx.formatCell(true, 2), "true");
});

test("maxRows truncates with a note; empty tables say so", () => {
  const many = Array.from({ length: 12 }, (_, i) => ({ i }));
  const b = kx.tableBundle(many, { maxRows: 5 });
  assert.match(b["text/plain"], /… 7 more rows \(12 in all\)/);
  assert.equal((b["text/html"].match(/<tr>/g) || []).length, 6); // header + 5
  assert.match(kx.tableBundle([])["text/plain"], /\(no rows\)/);
});

test("a danfo DataFrame is shown like rows", () => {
  const dfd = require("danfojs-node");
  const df = new dfd.DataFrame([
    { word: "king", sim: 0.75 },
    { word: "queen", sim: 0.5 },
  ]);
  const text = kx.tableBundle(df, { digits: 2 })["text/plain"];
  assert.deepEqual(text.split("\n"), ["word    sim", "-----  ----", "king   0.75", "queen  0.50"]);
});

test("bad input gives a clear error", () => {
  assert.throws(
    () => kx.tableBundle("rows"),
    (e) => e.name === "EmbedlabError" && /array of row objects/.test(e.message),
  );
  assert.throws(() => kx.tableBundle([{ a: 1 }, 5]), /row 1 is not an object/);
  assert.throws(() => kx.tableBundle([{ a: 1 }], { digits: -1 }), /digits/);
});
