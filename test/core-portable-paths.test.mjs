// core.portablePaths: committed files name the repo relatively and outside folders by their variables.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { portablePaths } = require("@embedlab/lib");

test("portablePaths rewrites the repo root, the data/cache/output folders, and nothing else", () => {
  const env = {
    EMBEDLAB_ROOT: "/r/main",
    EMBEDLAB_DATA_DIR: "/r/shared/data",
    EMBEDLAB_CACHE_DIR: "/c",
    EMBEDLAB_OUTPUT_DIR: "/r/main/outputs",
  };
  const v = {
    file: "/r/main/outputs/01.results.json",
    list: ["read /r/shared/data/cifar/test_batch.bin", "/r/main", "/r/main2/y", "/r/shared/data2", "/c/embeddings/x"],
    nested: { text: "results → /r/main/data/aonomi/aonomi.jsonl (a.b)" },
    n: 3,
    none: null,
  };
  assert.deepEqual(portablePaths(v, env), {
    file: "outputs/01.results.json",
    list: [
      "read $EMBEDLAB_DATA_DIR/cifar/test_batch.bin",
      ".",
      "/r/main2/y",
      "/r/shared/data2",
      "$EMBEDLAB_CACHE_DIR/embeddings/x",
    ],
    nested: { text: "results → data/aonomi/aonomi.jsonl (a.b)" },
    n: 3,
    none: null,
  });
  // The default data folder is inside the repo: it is written repo-relative.
  assert.equal(portablePaths("/r/main/data/cache/x", { EMBEDLAB_ROOT: "/r/main" }), "data/cache/x");
});
