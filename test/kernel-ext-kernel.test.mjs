// Rich display inside a kernel: we load tslab's real jupyter module (the one the kernel uses) and
// capture what kernel-ext hands to its `lastWriteDisplayData` hook, as tslab does per execute request.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const require = createRequire(import.meta.url);
const kx = require("@embedlab/kernel-ext");
const lib = require("@embedlab/lib");

let messages = [];
const jupyter = require("tslab/dist/jupyter.js");

test("outside a kernel: inKernel() is false and show.* prints text/plain on stdout", () => {
  assert.equal(kx.inKernel(), false);
  const lines = [];
  const orig = process.stdout.write;
  process.stdout.write = (s) => (lines.push(String(s)), true);
  try {
    kx.show.table([{ word: "cat", sim: 0.5 }]);
    kx.show.markdown("**bold** words");
  } finally {
    process.stdout.write = orig;
  }
  const out = lines.join("");
  assert.match(out, /word\s+sim/);
  assert.match(out, /cat\s+0\.5000/);
  assert.match(out, /\*\*bold\*\* words/);
});

test("inside a kernel: show.vegalite sends ONE display_data with all four representations", async () => {
  jupyter.lastWriteDisplayData = (msg, update) => messages.push({ msg, update });
  assert.equal(kx.inKernel(), true);
  messages = [];
  const spec = {
    data: { values: [{ a: "x", b: 2 }] },
    mark: "bar",
    encoding: { x: { field: "a", type: "nominal", title: "AX" }, y: { field: "b", type: "quantitative" } },
  };
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "kx-k-"));
  process.env.EMBEDLAB_OUTPUT_DIR = out;
  assert.equal(await kx.show.vegalite(spec, { save: "k1" }), undefined); // nothing for tslab to print
  const savedPng = fs.readFileSync(path.join(out, "figures", "k1.png"));
  fs.rmSync(out, { recursive: true, force: true });
  delete process.env.EMBEDLAB_OUTPUT_DIR;
  assert.equal(messages.length, 1);
  const { msg, update } = messages[0];
  assert.equal(update, false);
  assert.deepEqual(Object.keys(msg.data).sort(), ["application/vnd.vegalite.v5+json", "image/png", "text/plain"]);
  assert.deepEqual(Object.keys(msg.metadata), ["image/png"], "the PNG's CSS size goes with it");
  assert.ok(msg.metadata["image/png"].width > 0 && msg.metadata["image/png"].height > 0);
  assert.equal(typeof msg.data["application/vnd.vegalite.v5+json"], "object");
  assert.deepEqual(msg.data["application/vnd.vegalite.v5+json"], spec);
  assert.equal(msg.data["image/png"], savedPng.toString("base64")); // opts.save wrote what was shown
  // survives the JSON encoding the kernel applies to the message
  assert.equal(typeof JSON.parse(JSON.stringify(msg)).data["application/vnd.vegalite.v5+json"].mark, "string");
});

test("inside a kernel: table, markdown and raw bundles (bytes → base64)", () => {
  jupyter.lastWriteDisplayData = (msg, update) => messages.push({ msg, update });
  messages = [];
  kx.show.table([{ k: "<script>", v: 1 }], { caption: "T" });
  kx.show.markdown("# Title");
  kx.displayBundle({ "image/png": new Uint8Array([1, 2, 3]), "text/plain": "three bytes" });
  assert.equal(messages.length, 3);
  assert.deepEqual(Object.keys(messages[0].msg.data).sort(), ["text/html", "text/plain"]);
  assert.match(messages[0].msg.data["text/html"], /&lt;script&gt;/);
  assert.deepEqual(messages[1].msg.data, {
    "text/markdown": "# Title",
    "text/html": "<h1>Title</h1>",
    "text/plain": "# Title",
  });
  assert.equal(messages[2].msg.data["image/png"], Buffer.from([1, 2, 3]).toString("base64"));
});

test("inside a kernel: a live display updates one output in place", () => {
  jupyter.lastWriteDisplayData = (msg, update) => messages.push({ msg, update });
  messages = [];
  const d = kx.newLiveDisplay();
  d.update({ "text/plain": "one" });
  d.update({ "text/plain": "two" });
  assert.deepEqual(
    messages.map((m) => m.update),
    [false, true],
  );
  assert.deepEqual(
    messages.map((m) => m.msg.transient.display_id),
    [d.id, d.id],
  );
  assert.equal(messages[1].msg.data["text/plain"], "two");
});

test("inside a kernel: lib's progress() becomes a live, throttled bar once kernel-ext installs it", async () => {
  jupyter.lastWriteDisplayData = (msg, update) => messages.push({ msg, update });
  assert.equal(kx.installNotebookProgress(), true);
  messages = [];
  const bar = lib.progress(1000, "embed");
  for (let i = 0; i < 1000; i++) bar.tick(1, `item ${i}`);
  bar.done("finished");
  bar.done("again"); // idempotent
  // tight loop: the first frame, no throttled frames (well under 250 ms), the final frame
  assert.ok(messages.length >= 2 && messages.length <= 4, `got ${messages.length} messages`);
  assert.equal(messages[0].update, false);
  assert.ok(messages.slice(1).every((m) => m.update === true));
  const ids = new Set(messages.map((m) => m.msg.transient.display_id));
  assert.equal(ids.size, 1);
  const last = messages.at(-1).msg.data;
  assert.match(last["text/plain"], /^embed \[#{24}\] 1000\/1000 .* finished$/);
  assert.match(last["text/html"], /<progress value="1000" max="1000"/);

  // with time passing, updates are limited to about 4 per second
  messages = [];
  const slow = kx.progress(20, "slow");
  for (let i = 0; i < 20; i++) {
    slow.tick();
    await new Promise((r) => setTimeout(r, 30));
  }
  slow.done();
  const frames = messages.length;
  assert.ok(frames >= 2 && frames <= 5, `600 ms of ticks gave ${frames} frames`);
  assert.match(messages.at(-1).msg.data["text/plain"], /20\/20/);
});

test("after the kernel hook is gone, output falls back to text", () => {
  jupyter.lastWriteDisplayData = null;
  assert.equal(kx.inKernel(), false);
  const lines = [];
  const p = kx.progress(2, "plain", { write: (l) => lines.push(l), intervalMs: 0 });
  p.tick();
  p.done();
  assert.equal(lines.length, 2);
});
