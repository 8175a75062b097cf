import { CorruptDataError, readJsonFile } from "../../core";

/** A hand-made similarity matrix over a set of files, with the rule the raters followed. */
export interface SimilarityRatings {
  rule: string;
  files: string[];
  matrix: number[][];
}

/**
 * Read `{rule, files, matrix}` and check it: square, symmetric, values in [0, 1], 1 on the diagonal, and
 * (when `expectedFiles` is given) the same files in the same order as the photos it rates.
 */
export function loadSimilarityRatings(file: string, expectedFiles?: readonly string[]): SimilarityRatings {
  const raw = readJsonFile(file, "similarity ratings");
  const r = raw as Partial<SimilarityRatings>;
  if (typeof r.rule !== "string" || !Array.isArray(r.files) || !Array.isArray(r.matrix)) {
    throw new CorruptDataError(file, 'expected {"rule": string, "files": [..], "matrix": [[..], ..]}');
  }
  const n = r.files.length;
  const m = r.matrix;
  if (m.length !== n || m.some((row) => !Array.isArray(row) || row.length !== n))
    throw new CorruptDataError(file, `matrix must be ${n}×${n} (one row and column per file)`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = m[i][j];
      if (typeof v !== "number" || !(v >= 0 && v <= 1))
        throw new CorruptDataError(file, `matrix[${i}][${j}] = ${v} is not a number in [0, 1]`);
      if (v !== m[j][i])
        throw new CorruptDataError(file, `matrix is not symmetric at (${i}, ${j}): ${v} vs ${m[j][i]}`);
    }
    if (m[i][i] !== 1)
      throw new CorruptDataError(file, `matrix[${i}][${i}] must be 1 (a photo is identical to itself)`);
  }
  if (expectedFiles) {
    const strip = (f: string) => f.replace(/\.[^.]+$/, "");
    const want = expectedFiles.map(strip);
    const got = r.files.map(strip);
    if (want.length !== got.length || want.some((w, i) => w !== got[i])) {
      throw new CorruptDataError(file, `rated files [${got.join(", ")}] do not match the photos [${want.join(", ")}]`);
    }
  }
  return r as SimilarityRatings;
}
