import { EmbedlabError } from "../../core";

/** How label vectors become training targets. */
export type Centering = "none" | "seen";

export interface TargetMatrixOptions {
  /** "seen": subtract the mean of the seen classes' vectors first (uses nothing about unseen classes); "none": raw. */
  center: Centering;
  /** Class indices whose vectors form the mean (default: all classes). */
  seen?: readonly number[];
}

/**
 * One unit-length target per class (rows in class index order): raw vectors, or vectors minus the mean
 * of the SEEN classes' vectors, then L2-normalised. Raw GPT-3 vectors are all alike (pairwise cosine
 * 0.8–0.9); centring keeps their differences and makes the targets spread out.
 */
export function targetMatrix(vectors: readonly Float32Array[], opts: TargetMatrixOptions): Float32Array[] {
  if (vectors.length === 0) throw new EmbedlabError("targetMatrix: no label vectors");
  const d = vectors[0].length;
  vectors.forEach((v, i) => {
    if (v.length !== d) throw new EmbedlabError(`targetMatrix: vector ${i} has ${v.length} dims, others ${d}`);
  });
  if (opts.center !== "none" && opts.center !== "seen")
    throw new EmbedlabError(`unknown centering "${String(opts.center)}"`, 'use "none" or "seen"');
  const seen = opts.seen ?? vectors.map((_, i) => i);
  const mean = new Float64Array(d);
  if (opts.center === "seen") {
    if (seen.length === 0) throw new EmbedlabError("targetMatrix: no seen classes to centre on");
    for (const c of seen) {
      if (!(Number.isInteger(c) && c >= 0 && c < vectors.length))
        throw new EmbedlabError(`targetMatrix: seen class ${c} is not in 0..${vectors.length - 1}`);
      const v = vectors[c];
      for (let j = 0; j < d; j++) mean[j] += v[j] / seen.length;
    }
  }
  return vectors.map((v, i) => {
    const out = new Float32Array(d);
    let s = 0;
    for (let j = 0; j < d; j++) {
      out[j] = v[j] - mean[j];
      s += out[j] * out[j];
    }
    if (!(s > 0))
      throw new EmbedlabError(
        `targetMatrix: class ${i}'s target is zero after centring`,
        'use center: "none" (a class equal to the seen mean has no direction)',
      );
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) out[j] *= inv;
    return out;
  });
}

/**
 * The same targets written in an orthonormal basis of their own span (modified Gram–Schmidt over the
 * rows): k classes give at most k coordinates instead of the embedding's d (12,288 for GPT-3 davinci).
 * Dot products and cosines between targets are unchanged, so a regression head that outputs these
 * coordinates is the d-dimensional head restricted to the targets' span — where the cosine / MSE optimum
 * lies anyway (a component outside the span only lowers the cosine to every target).
 */
export function targetsInSpan(targets: readonly Float32Array[], tol = 1e-6): Float32Array[] {
  if (targets.length === 0) throw new EmbedlabError("targetsInSpan: no targets");
  const d = targets[0].length;
  const basis: Float64Array[] = [];
  for (const t of targets) {
    if (t.length !== d) throw new EmbedlabError(`targetsInSpan: targets have ${t.length} and ${d} dims`);
    const r = Float64Array.from(t);
    let n0 = 0;
    for (let j = 0; j < d; j++) n0 += r[j] * r[j];
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += r[j] * b[j];
        for (let j = 0; j < d; j++) r[j] -= dot * b[j];
      }
    }
    let n = 0;
    for (let j = 0; j < d; j++) n += r[j] * r[j];
    if (n > tol * tol * Math.max(n0, 1e-30)) {
      const inv = 1 / Math.sqrt(n);
      for (let j = 0; j < d; j++) r[j] *= inv;
      basis.push(r);
    }
  }
  return targets.map((t) =>
    Float32Array.from(basis, (b) => {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += t[j] * b[j];
      return dot;
    }),
  );
}
