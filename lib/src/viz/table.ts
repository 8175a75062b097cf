import type { DataFrame } from "danfojs-node";
import { EmbedlabError } from "../core";

/** A danfojs DataFrame from row objects (danfojs-node is loaded on first use: it takes ~2 s). */
export function toDataFrame(rows: readonly Record<string, unknown>[]): DataFrame {
  if (rows.length === 0) throw new EmbedlabError("toDataFrame: no rows", "pass at least one row object");
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const dfd = require("danfojs-node") as typeof import("danfojs-node");
  return new dfd.DataFrame(rows.map((r) => ({ ...r })));
}
