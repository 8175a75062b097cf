// experiments/smoke (notebook 00): config defaults, the synthetic shapes, metrics and the verdict.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const S = lib.experiments.smoke;

test("smoke config: steps default per profile, explicit steps win", () => {
  assert.equal(S.resolveConfig({ profile: "quick", steps: 0, seed: 1, dataRoot: "/d" }).steps, 100);
  assert.equal(S.resolveConfig({ profile: "full", steps: 0, seed: 1, dataRoot: "/d" }).steps, 300);
  assert.equal(S.resolveConfig({ profile: "quick", steps: 7, seed: 1, dataRoot: "/d" }).steps, 7);
  assert.equal(S.resolveConfig({ profile: "quick", steps: 7, seed: 1, dataRoot: "/d" }).dataRoot, "/d");
});

test("smoke shapes: classes in turn, seeded, counts per class", () => {
  const a = S.makeShapes(8, new lib.Rng(3));
  const b = S.makeShapes(8, new lib.Rng(3));
  assert.deepEqual([...a.y], [0, 1, 2, 3, 0, 1, 2, 3]);
  assert.deepEqual(a.x, b.x);
  assert.equal(a.x.length, 8 * S.SIZE * S.SIZE);
  assert.deepEqual(
    S.classCounts(a, S.makeShapes(4, new lib.Rng(1))).map((r) => [r.train, r.test]),
    [
      [2, 1],
      [2, 1],
      [2, 1],
      [2, 1],
    ],
  );
});

test("smoke report: flat metrics and a verdict that follows the training-accuracy bound", () => {
  const good = { trainAcc: 0.95, testAcc: 0.9, finalLoss: 0.2, steps: 100 };
  assert.deepEqual(S.metrics(good), { train_acc: 0.95, test_acc: 0.9, final_loss: 0.2, steps: 100 });
  assert.match(
    S.conclusion(good, "wasm"),
    /^\*\*The stack works\.\*\* On the wasm backend .* 95\.0 % training .* as required\.$/,
  );
  const bad = { ...good, trainAcc: S.MIN_TRAIN_ACC - 0.01 };
  assert.match(S.conclusion(bad, "cpu"), /^\*\*Training fell short\.\*\* .* below the required 90\.0 %/);
});
