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
  if (opts.center !== "none" && opts.center !== "seen") throw new EmbedlabError(`unknown centering "${String(opts.center)}"`, 'use "none" or "seen"');
  const seen = opts.seen ?? vectors.map((_, i) => i);
  const mean = new Float64Array(d);
  if (opts.center === "seen") {
    if (seen.length === 0) throw new EmbedlabError("targetMatrix: no seen classes to centre on");
    for (const c of seen) {
      if (!(Number.isInteger(c) && c >= 0 && c < vectors.length)) throw new EmbedlabError(`targetMatrix: seen class ${c} is not in 0..${vectors.length - 1}`);
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
    if (!(s > 0)) throw new EmbedlabError(`targetMatrix: class ${i}'s target is zero after centring`, 'use center: "none" (a class equal to the seen mean has no direction)');
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) out[j] *= inv;
    return out;
  });
}
