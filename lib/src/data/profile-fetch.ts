/** Fetch what notebooks need under a profile (needs.ts), announcing the sizes before anything is downloaded. */
import * as path from "node:path";
import { dataDir, EmbedlabError } from "../core";
import { checkFetchRoot, downloadBytes, exactSize, fetchDataset, formatBytes, installState, type InstallState } from "./fetch";
import { NOTEBOOK_DATA, type DataProfile } from "./needs";
import { getDataset, type DatasetEntry } from "./registry";

const LARGE = 1_000_000_000;

export interface FetchPlanItem {
  entry: DatasetEntry;
  /** Notebooks that need it. */
  notebooks: string[];
  state: InstallState;
  /** Bytes to download (exact when the registry gives every size). */
  bytes: number;
  action: "present" | "download" | "too large" | "no source";
}

/** Notebook ids for a selection such as ["01", "04_clip_llm_assignment"] (every notebook when empty). */
export function selectNotebooks(select: readonly string[] = []): string[] {
  const all = Object.keys(NOTEBOOK_DATA);
  if (!select.length) return all;
  return select.map((s) => {
    const hits = all.filter((n) => n === s || n.startsWith(`${s}_`) || n.startsWith(s));
    if (hits.length !== 1) throw new EmbedlabError(`"${s}" names ${hits.length ? `${hits.length} notebooks` : "no notebook"}`, `notebooks: ${all.join(", ")}`);
    return hits[0];
  });
}

/** What fetching `notebooks` × `profile` into `root` would do, dataset by dataset. */
export function planFetch(profile: DataProfile, notebooks: readonly string[], root: string = dataDir(), allowLarge = false): FetchPlanItem[] {
  if (profile !== "quick" && profile !== "full") throw new EmbedlabError(`unknown profile "${profile}"`, 'use "quick" or "full"');
  const byName = new Map<string, FetchPlanItem>();
  for (const nb of notebooks) {
    for (const need of NOTEBOOK_DATA[nb]?.[profile] ?? []) {
      const item = byName.get(need.dataset);
      if (item) {
        if (!item.notebooks.includes(nb)) item.notebooks.push(nb);
        continue;
      }
      const entry = getDataset(need.dataset);
      const state = installState(entry, root);
      const bytes = downloadBytes(entry);
      const present = state.exists && state.missing.length === 0;
      const action = present ? "present" : !entry.sources.length ? "no source" : bytes > LARGE && !allowLarge ? "too large" : "download";
      byName.set(need.dataset, { entry, notebooks: [nb], state, bytes, action });
    }
  }
  return [...byName.values()];
}

/** One line per dataset and a total, for the user to read before the downloads start. */
export function describePlan(plan: readonly FetchPlanItem[], profile: DataProfile, root: string): string[] {
  const w = Math.max(4, ...plan.map((p) => p.entry.name.length));
  const lines = [`data for profile ${profile} into ${path.resolve(root)}:`];
  for (const p of plan) {
    const what =
      p.action === "present"
        ? "present"
        : p.action === "download"
          ? `download ${formatBytes(p.bytes)}${exactSize(p.entry) ? "" : " (approx.)"}${p.state.exists ? ` (incomplete: ${p.state.missing.join(", ")})` : ""}`
          : p.action === "too large"
            ? `skipped: ${formatBytes(p.bytes)} download, pass --allow-large${p.entry.note ? ` (${p.entry.note})` : ""}`
            : `no download source: ${p.entry.note ?? "use a mirror (EMBEDLAB_DATA_DIR)"}`;
    lines.push(`  ${p.entry.name.padEnd(w)}  ${what}  [${p.notebooks.join(", ")}]`);
  }
  const total = plan.filter((p) => p.action === "download").reduce((a, p) => a + p.bytes, 0);
  lines.push(`total to download: ${formatBytes(total)}`);
  return lines;
}

export interface FetchProfileOptions {
  profile: DataProfile;
  /** Notebook selection (see `selectNotebooks`); default every notebook. */
  notebooks?: readonly string[];
  root?: string;
  allowLarge?: boolean;
  log?: (line: string) => void;
}

/**
 * Fetch every dataset the chosen notebooks read under `profile` that `root` lacks (or has incomplete). Prints the plan
 * with sizes first; throws (after fetching the rest) when a dataset could not be fetched, naming it and the fix.
 */
export async function fetchForProfile(opts: FetchProfileOptions): Promise<FetchPlanItem[]> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + "\n"));
  const root = path.resolve(opts.root ?? dataDir());
  const plan = planFetch(opts.profile, selectNotebooks(opts.notebooks), root, opts.allowLarge);
  describePlan(plan, opts.profile, root).forEach((l) => log(l));
  if (plan.some((p) => p.action === "download")) checkFetchRoot(root); // before any download: not into a mirror
  for (const p of plan.filter((x) => x.action === "download")) await fetchDataset(p.entry, { root, allowLarge: opts.allowLarge, log });
  const left = plan.filter((p) => p.action === "too large" || p.action === "no source");
  if (left.length) {
    throw new EmbedlabError(
      `not fetched for profile ${opts.profile}: ${left.map((p) => `${p.entry.name} (${p.action === "too large" ? formatBytes(p.bytes) : "no download source"}; needed by ${p.notebooks.join(", ")})`).join("; ")}`,
      left.some((p) => p.action === "too large") ? "pass --allow-large, or set EMBEDLAB_DATA_DIR to a mirror that has them" : "set EMBEDLAB_DATA_DIR to a mirror that has them",
    );
  }
  return plan;
}
