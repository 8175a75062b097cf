import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../../core";
import { ClipLite } from "./model";
import type { ClipLiteTrainingData } from "./train";

export interface ClipLiteRidgeOptions {
  /** Ridge penalty λ on the image map (features are L2-normalised, so λ ≈ 0.1–10 is the useful range). */
  lambda: number;
  /** Weight of each class's images in the fit (default 1 each); 0 leaves a class out. */
  classWeights?: ArrayLike<number>;
}

/** Cholesky factor L (row-major, lower) of a symmetric positive-definite n×n matrix, in place of a copy. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new EmbedlabError(`cholesky: ${a.length} entries is not ${n}×${n}`);
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= l[ri + k] * l[rj + k];
      if (i === j) {
        if (!(s > 0)) throw new EmbedlabError(`cholesky: matrix is not positive definite (pivot ${i} = ${s})`);
        l[ri + i] = Math.sqrt(s);
      } else l[ri + j] = s / l[rj + j];
    }
  }
  return l;
}

/** Inverse of a lower-triangular n×n matrix (row-major). */
export function invertLower(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    inv[i * n + i] = 1 / l[i * n + i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= l[i * n + k] * inv[k * n + j];
      inv[i * n + j] = s / l[i * n + i];
    }
  }
  return inv;
}

/** (A + λI)⁻¹ for a symmetric PSD m×m matrix A given row-major, via Cholesky: L⁻ᵀ L⁻¹, as a tensor. */
function ridgeInverse(a: Float32Array, m: number, lambda: number): tf.Tensor2D {
  const g = Float64Array.from(a);
  for (let k = 0; k < m; k++) g[k * m + k] += lambda;
  const linv = invertLower(cholesky(g, m), m);
  const linvT = new Float32Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) linvT[j * m + i] = linv[i * m + j];
  return tf.tidy(() => tf.matMul(tf.tensor2d(linvT, [m, m]), tf.tensor2d(Float32Array.from(linv), [m, m])));
}

/** W = (XᵀX + λI)⁻¹ XᵀY (d×d system; for n ≥ d). */
function primalSolve(
  xs: Float32Array,
  xsT: Float32Array,
  ys: Float32Array,
  n: number,
  d: number,
  t: number,
  lambda: number,
): number[] {
  const [gram, rhs] = tf.tidy(() => {
    const xt = tf.tensor2d(xsT, [d, n]);
    return [tf.matMul(xt, tf.tensor2d(xs, [n, d])), tf.matMul(xt, tf.tensor2d(ys, [n, t]))];
  });
  const inv = ridgeInverse(gram.dataSync() as Float32Array, d, lambda);
  const w = tf.matMul(inv, rhs);
  const out = Array.from(w.dataSync());
  tf.dispose([gram, rhs, inv, w]);
  return out;
}

/** The same W as Xᵀ (XXᵀ + λI)⁻¹ Y (n×n system; cheaper for n < d). */
function dualSolve(
  xs: Float32Array,
  xsT: Float32Array,
  ys: Float32Array,
  n: number,
  d: number,
  t: number,
  lambda: number,
): number[] {
  const k = tf.tidy(() => tf.matMul(tf.tensor2d(xs, [n, d]), tf.tensor2d(xsT, [d, n])));
  const inv = ridgeInverse(k.dataSync() as Float32Array, n, lambda);
  const w = tf.tidy(() => tf.matMul(tf.tensor2d(xsT, [d, n]), tf.matMul(inv, tf.tensor2d(ys, [n, t]))));
  const out = Array.from(w.dataSync());
  tf.dispose([k, inv, w]);
  return out;
}

/**
 * clip-lite as a closed-form ridge map (no gradient steps): each training image's frozen features are mapped
 * linearly onto the mean of its class's caption features (for a captioned photo: its own captions), after
 * centring both sides by the (weighted) training means. The text head is the identity, so captions keep the
 * text encoder's geometry; similarity is the cosine in the text encoder's space.
 */
export function fitClipLiteRidge(data: ClipLiteTrainingData, opts: ClipLiteRidgeOptions): ClipLite {
  const n = data.imageFeatures.length;
  const nClasses = data.classTextFeatures.length;
  if (n === 0) throw new EmbedlabError("fitClipLiteRidge: no training images");
  if (data.labels.length !== n)
    throw new EmbedlabError(`fitClipLiteRidge: ${n} images but ${data.labels.length} labels`);
  if (!(opts.lambda > 0)) throw new EmbedlabError(`fitClipLiteRidge: lambda must be > 0, got ${opts.lambda}`);
  const cw = opts.classWeights;
  if (cw && (cw.length !== nClasses || Array.from(cw).some((w) => !(w >= 0))))
    throw new EmbedlabError(`fitClipLiteRidge: classWeights needs ${nClasses} weights ≥ 0, got ${cw.length}`);
  const d = data.imageFeatures[0].length;
  const t = data.classTextFeatures.find((c) => c.length)?.[0]?.length ?? 0;
  if (t === 0) throw new EmbedlabError("fitClipLiteRidge: no caption features");
  const target = data.classTextFeatures.map((caps, c) => {
    if (caps.length === 0) throw new EmbedlabError(`fitClipLiteRidge: class ${c} has no caption features`);
    const m = new Float64Array(t);
    for (const v of caps) for (let k = 0; k < t; k++) m[k] += v[k] / caps.length;
    return m;
  });
  const w = new Float64Array(n);
  let wSum = 0;
  for (let i = 0; i < n; i++) {
    const c = data.labels[i];
    if (!(Number.isInteger(c) && c >= 0 && c < nClasses))
      throw new EmbedlabError(`fitClipLiteRidge: label ${c} of image ${i} is not a class index in [0, ${nClasses})`);
    if (data.imageFeatures[i].length !== d)
      throw new EmbedlabError(
        `fitClipLiteRidge: image ${i} has ${data.imageFeatures[i].length}-d features, expected ${d}`,
      );
    w[i] = cw ? cw[c] : 1;
    wSum += w[i];
  }
  if (!(wSum > 0)) throw new EmbedlabError("fitClipLiteRidge: every training image has weight 0");
  const mx = new Float64Array(d);
  const my = new Float64Array(t);
  for (let i = 0; i < n; i++) {
    const x = data.imageFeatures[i];
    const y = target[data.labels[i]];
    for (let k = 0; k < d; k++) mx[k] += (w[i] * x[k]) / wSum;
    for (let k = 0; k < t; k++) my[k] += (w[i] * y[k]) / wSum;
  }
  // √w-scaled centred rows, and their transpose built directly (tfjs matMul is fast only without transpose flags).
  const xs = new Float32Array(n * d);
  const xsT = new Float32Array(d * n);
  const ys = new Float32Array(n * t);
  for (let i = 0; i < n; i++) {
    const s = Math.sqrt(w[i]);
    const x = data.imageFeatures[i];
    const y = target[data.labels[i]];
    for (let k = 0; k < d; k++) {
      const v = s * (x[k] - mx[k]);
      xs[i * d + k] = v;
      xsT[k * n + i] = v;
    }
    for (let k = 0; k < t; k++) ys[i * t + k] = s * (y[k] - my[k]);
  }
  const wData = n < d ? dualSolve(xs, xsT, ys, n, d, t, opts.lambda) : primalSolve(xs, xsT, ys, n, d, t, opts.lambda);
  const eye = new Array<number>(t * t).fill(0);
  for (let k = 0; k < t; k++) eye[k * t + k] = 1;
  return new ClipLite({
    imageDim: d,
    textDim: t,
    dim: t,
    temperature: 1,
    imageMean: Array.from(mx),
    textMean: Array.from(my),
    imageW: wData,
    textW: eye,
  });
}
