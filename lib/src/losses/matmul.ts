import * as tf from "@tensorflow/tfjs";

/**
 * `a @ bᵀ` for 2-D operands, with a gradient built from plain (flag-free) 2-D matmuls and explicit
 * transposes. On tfjs-wasm, matMul with `transposeB`/`transposeA` flags is ~10–30x slower than a plain
 * product, and tfjs's built-in matMul gradient uses those flags.
 */
export function matMulABt(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x2 = args[0] as tf.Tensor2D;
    const y2 = args[1] as tf.Tensor2D;
    const save = args[2] as tf.GradSaveFunc;
    save([x2, y2]);
    return {
      value: tf.matMul(x2, tf.transpose(y2)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sy] = saved as tf.Tensor2D[];
        const dy2 = dy as tf.Tensor2D;
        // d(x yᵀ)/dx = dy @ y ; d/dy = dyᵀ @ x
        return [tf.matMul(dy2, sy), tf.matMul(tf.transpose(dy2), sx)];
      },
    };
  });
  return f(a, b) as tf.Tensor2D;
}

/** Rows scaled to unit L2 norm (`eps` keeps zero rows finite). */
export function l2NormalizeRows(x: tf.Tensor2D, eps = 1e-8): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), -1, true), eps))) as tf.Tensor2D);
}
