// Percentile-bootstrap CI of ROC-AUC, 17,640 scores × 1000 resamples: the old path (bootstrapCI calling
// rocAuc, which sorts, on every resample) vs bootstrapAucCI (sort once, one linear pass per resample).
// Both give bit-identical CIs; the bench checks that too.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);

export const title = "bootstrap AUC CI (17,640 scores × 1000 resamples)";

export async function run() {
  const { metrics, Rng } = require("@embedlab/lib");
  const size = 17640,
    n = 1000;
  const rng = new Rng(1);
  const labels = Array.from({ length: size }, () => (rng.next() < 0.15 ? 1 : 0));
  const scores = labels.map((l) => Math.round((rng.normal() * 0.2 + 0.3 * l) * 1000) / 1000);
  const oldCI = () =>
    metrics.bootstrapCI(
      (idx) => {
        const l = idx.map((i) => labels[i]);
        return l.includes(1) && l.includes(0)
          ? metrics.rocAuc(
              idx.map((i) => scores[i]),
              l,
            )
          : 0.5;
      },
      { n, seed: 0, size },
    );
  const newCI = () => metrics.bootstrapAucCI(scores, labels, { n, seed: 0 });
  const time = (f) => {
    const t = performance.now();
    const r = f();
    return [performance.now() - t, r];
  };
  newCI(); // warm-up (the old path is too slow to run twice)
  const [tOld, a] = time(oldCI);
  const [tNew, b] = time(newCI);
  if (a.lo !== b.lo || a.hi !== b.hi || a.estimate !== b.estimate)
    throw new Error(`CIs differ: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  return [
    { what: "bootstrapAucCI (sort once)", value: tNew, unit: "ms" },
    {
      what: "bootstrapCI + rocAuc",
      value: tOld,
      unit: "ms",
      note: `${(tOld / tNew).toFixed(0)}x slower, identical CI`,
    },
  ];
}
