import { EmbedlabError } from "../core";

export type Vector = ArrayLike<number>;

export function assertSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>, what: string): void {
  if (a.length !== b.length)
    throw new EmbedlabError(
      `${what}: lengths differ (${a.length} vs ${b.length})`,
      "pass one entry per example in both arrays",
    );
}

export function assertNonEmpty(a: ArrayLike<unknown>, what: string): void {
  if (a.length === 0) throw new EmbedlabError(`${what}: empty input`, "pass at least one example");
}

export function assertRowsSameWidth(rows: readonly Vector[], what: string, width = rows[0]?.length): void {
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].length !== width)
      throw new EmbedlabError(
        `${what}: row ${i} has ${rows[i].length} values, expected ${width}`,
        "all vectors must have the same dimension",
      );
  }
}
