import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const kx = require("@embedlab/kernel-ext");
const lib = require("@embedlab/lib");

test("outside a kernel, progress prints text lines (throttled) and a final line", () => {
  const lines = [];
  const p = kx.progress(4, "train", { write: (l) => lines.push(l), intervalMs: 60_000 });
  for (let i = 0; i < 4; i++) p.tick(1, `loss ${(1 / (i + 1)).toFixed(2)}`);
  p.done("loss 0.25");
  p.done(); // idempotent
  assert.equal(lines.length, 2, lines.join("\n")); // first tick, then the final line
  assert.match(lines[0], /^train \[#{6}\.{18}\] 1\/4 \d+s/);
  assert.match(lines[1], /^train \[#{24}\] 4\/4 \d+s loss 0\.25$/);
});

test("outside a kernel, lib's progress factory is left as text", () => {
  assert.equal(kx.inKernel(), false);
  assert.equal(kx.installNotebookProgress(), false);
  const p = lib.progress(1, "x");
  assert.equal(typeof p.tick, "function");
});
