// Loss kernels on tfjs-wasm: our flag-free a·bᵀ (custom gradient) vs tfjs's transposeB matMul, and our
// closed-form softmax-CE gradient vs tf.losses.softmaxCrossEntropy, forward + backward.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);

export const title = "losses (tfjs-wasm, fwd+grad)";

export async function run() {
  const tf = require("@tensorflow/tfjs");
  require("@tensorflow/tfjs-backend-wasm");
  const { losses } = require("@embedlab/lib");
  const prev = tf.getBackend();
  await tf.setBackend("wasm");
  const time = (f, n) => {
    f();
    const t = performance.now();
    for (let i = 0; i < n; i++) f();
    return (performance.now() - t) / n;
  };
  const rows = [];
  try {
    for (const [B, D, C] of [
      [64, 1024, 10],
      [256, 512, 256],
    ]) {
      const a = tf.randomNormal([B, D]),
        b = tf.randomNormal([C, D]);
      const builtin = time(
        () =>
          tf.tidy(() => {
            const g = tf.grads((x, y) => tf.sum(tf.matMul(x, y, false, true)))([a, b]);
            g[0].dataSync();
            g[1].dataSync();
          }),
        5,
      );
      const ours = time(
        () =>
          tf.tidy(() => {
            const g = tf.grads((x, y) => tf.sum(losses.matMulABt(x, y)))([a, b]);
            g[0].dataSync();
            g[1].dataSync();
          }),
        5,
      );
      rows.push({ what: `a·bᵀ [${B}x${D}]·[${C}x${D}]ᵀ matMulABt`, value: ours, unit: "ms" });
      rows.push({
        what: `a·bᵀ [${B}x${D}]·[${C}x${D}]ᵀ transposeB`,
        value: builtin,
        unit: "ms",
        note: `${(builtin / ours).toFixed(1)}x slower`,
      });
      a.dispose();
      b.dispose();
    }
    const N = 1024,
      V = 4096;
    const y = tf.tensor1d(
        Array.from({ length: N }, (_, i) => (i * 7) % V),
        "int32",
      ),
      z = tf.randomNormal([N, V]);
    const ours = time(
      () =>
        tf.tidy(() =>
          tf
            .grad((v) => losses.softmaxCrossEntropyRows(v, y))(z)
            .dataSync(),
        ),
      3,
    );
    const ref = time(
      () =>
        tf.tidy(() =>
          tf
            .grad((v) => tf.losses.softmaxCrossEntropy(tf.cast(tf.oneHot(y, V, 1, 0, "int32"), "float32"), v))(z)
            .dataSync(),
        ),
      3,
    );
    rows.push({ what: `softmax CE [${N}x${V}] ours`, value: ours, unit: "ms" });
    rows.push({
      what: `softmax CE [${N}x${V}] tf.losses`,
      value: ref,
      unit: "ms",
      note: `${(ref / ours).toFixed(1)}x slower`,
    });
    y.dispose();
    z.dispose();
  } finally {
    if (prev) await tf.setBackend(prev);
  }
  return rows;
}
