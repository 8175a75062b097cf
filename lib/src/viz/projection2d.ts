import { PCA, TSNE } from "@saehrimnir/druidjs";
import { EmbedlabError } from "../core";

export interface TsneOptions {
  /** Default min(30, (n − 1) / 3). */
  perplexity?: number;
  /** Seed for the initial layout (default 0). Same seed and input → same output. */
  seed?: number;
  /** Gradient steps (default 500). */
  iterations?: number;
  /** Learning rate (druidjs `epsilon`, default 10). */
  epsilon?: number;
}

function toRows(vectors: readonly ArrayLike<number>[], what: string): number[][] {
  if (vectors.length < 3) throw new EmbedlabError(`${what} needs at least 3 vectors, got ${vectors.length}`);
  const d = vectors[0].length;
  return vectors.map((v, i) => {
    if (v.length !== d) throw new EmbedlabError(`${what}: vector ${i} has ${v.length} values, expected ${d}`);
    return Array.from(v);
  });
}

/** t-SNE to 2-D with @saehrimnir/druidjs (seeded: deterministic for a given seed). Returns [x, y] per vector. */
export function tsne2d(vectors: readonly ArrayLike<number>[], opts: TsneOptions = {}): [number, number][] {
  const X = toRows(vectors, "tsne2d");
  const perplexity = opts.perplexity ?? Math.min(30, (X.length - 1) / 3);
  const t = new TSNE(X, { perplexity, seed: opts.seed ?? 0, epsilon: opts.epsilon ?? 10, d: 2 });
  const Y = t.transform(opts.iterations ?? 500) as unknown as number[][];
  return Y.map((r) => [r[0], r[1]]);
}

/** PCA to 2-D with @saehrimnir/druidjs. Returns [x, y] per vector. */
export function pca2d(vectors: readonly ArrayLike<number>[]): [number, number][] {
  const X = toRows(vectors, "pca2d");
  const Y = new PCA(X, { d: 2, seed: 0 }).transform() as unknown as number[][];
  return Y.map((r) => [r[0], r[1]]);
}
