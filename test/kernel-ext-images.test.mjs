import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const kx = require("@embedlab/kernel-ext");
const sharp = require("sharp");

const solid = (w, h, channels, color) =>
  sharp({ create: { width: w, height: h, channels, background: color } })
    .png()
    .toBuffer();

test("images: HTML table of shrunk inline thumbnails, escaped captions, and a text listing", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kx-img-"));
  try {
    const big = await solid(800, 600, 3, { r: 200, g: 10, b: 10 });
    const file = path.join(dir, "red.png");
    fs.writeFileSync(file, big);
    const alpha = await solid(40, 20, 4, { r: 0, g: 0, b: 255, alpha: 0.5 });
    const b = await kx.imagesBundle(
      [
        { src: file, caption: "red <big>" },
        { src: alpha, caption: "blue" },
        { src: `data:image/png;base64,${alpha.toString("base64")}` },
      ],
      { columns: 2, width: 100 },
    );
    const html = b["text/html"];
    // Layout by markup a sanitizer keeps (no style=): 2 images a row, each shown 100 CSS pixels wide.
    assert.doesNotMatch(html, /style=/);
    assert.deepEqual(
      [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => (m[1].match(/<img /g) || []).length),
      [2, 1],
    );
    assert.equal((html.match(/<img [^>]*width="100"/g) || []).length, 3);
    assert.match(html, /red &lt;big&gt;/);
    assert.doesNotMatch(html, /<big>/);
    const uris = [...html.matchAll(/src="data:(image\/\w+);base64,([^"]+)"/g)];
    assert.equal(uris.length, 3);
    assert.equal(uris[0][1], "image/jpeg"); // opaque → JPEG
    assert.equal(uris[1][1], "image/png"); // alpha kept → PNG
    const thumb = await sharp(Buffer.from(uris[0][2], "base64")).metadata();
    assert.equal(thumb.width, 200); // 2× the display width, for high-DPI
    assert.equal(thumb.height, 150);
    assert.ok(Buffer.from(uris[0][2], "base64").length < big.length);
    const small = await sharp(Buffer.from(uris[1][2], "base64")).metadata();
    assert.equal(small.width, 40); // never enlarged
    assert.deepEqual(b["text/plain"].split("\n"), [
      "1. red <big> — red.png, 800×600",
      "2. blue — <" + alpha.length + " bytes>, 40×20",
      "3. (no caption) — <data URI>, 40×20",
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("images: missing files, URLs and non-images give EmbedlabError", async () => {
  await assert.rejects(
    kx.imagesBundle([{ src: "/nonexistent/x.png" }]),
    (e) => e.name === "EmbedlabError" && /cannot read image 0/.test(e.message),
  );
  await assert.rejects(kx.imagesBundle([{ src: "https://example.com/a.png" }]), /offline/);
  await assert.rejects(kx.imagesBundle([{ src: Buffer.from("not an image") }]), /not a readable image/);
  await assert.rejects(kx.imagesBundle([], { columns: 0 }), /columns/);
});
