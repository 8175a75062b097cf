/**
 * Cell time limits: a default per expectation profile (`--timeout s` replaces it), and per-cell overrides in
 * the cell's metadata, nbclient-style: `metadata.execution.timeout` or `metadata.timeout` (seconds).
 */
import type { Cell } from "./nbformat";
import type { NotebookEntry } from "./notebooks";
import { literalDefault } from "./parameters";
import type { ExpectationProfile } from "./expectations";

/** Default per-cell limits (seconds): quick runs in minutes; full trains at write-up scale on a GPU (hours). */
export const PROFILE_CELL_TIMEOUT_S: Record<ExpectationProfile, number> = {
  quick: 1200,
  full: 12 * 3600,
  "full-smoke": 600,
};

/** The cell's own limit from its metadata, or `fallbackS`. */
export function cellTimeoutS(cell: Pick<Cell, "metadata">, fallbackS: number): number {
  const md = (cell.metadata ?? {}) as { execution?: { timeout?: unknown }; timeout?: unknown };
  const own = md.execution?.timeout ?? md.timeout;
  return typeof own === "number" && Number.isFinite(own) && own > 0 ? own : fallbackS;
}

/** The `profile` a notebook runs with: the override, else its parameters cell's default, else undefined. */
export function notebookProfile(entry: NotebookEntry, overrides: Record<string, unknown>): unknown {
  if ("profile" in overrides) return overrides.profile;
  const spec = entry.params.find((p) => p.name === "profile");
  return spec ? literalDefault(spec.defaultSource)?.value : undefined;
}
