#!/usr/bin/env node
/** `npm run data -- list | fetch <name...> | fetch --profile quick|full [--notebooks 01,04] [--root DIR] [--file ARCHIVE] [--force] [--allow-large]` */
import * as fs from "node:fs";
import * as path from "node:path";
import { dataDir, EmbedlabError } from "../core";
import { fetchDataset, installState } from "./fetch";
import type { DataProfile } from "./needs";
import { fetchForProfile } from "./profile-fetch";
import { datasetEntries, getDataset } from "./registry";

const USAGE = `usage: npm run data -- list [--root DIR]
       npm run data -- fetch <name...> [--root DIR] [--file ARCHIVE] [--force] [--allow-large]
       npm run data -- fetch --profile quick|full [--notebooks 01,04] [--root DIR] [--allow-large]
                          (what those notebooks read under that profile; --quick = --profile quick)
--force replaces only a copy that fetch installed. EMBEDLAB_DATA_REGISTRY=<file.json> overrides download URLs/checksums.
datasets: ${datasetEntries()
  .map((d) => d.name)
  .join(", ")}`;

function duBytes(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.size;
  return fs.readdirSync(p).reduce((sum, f) => sum + duBytes(path.join(p, f)), 0);
}

function mb(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`;
}

function listing(root: string): string {
  const rows = datasetEntries().map((d) => {
    const st = installState(d, root);
    const present = st.exists && !st.missing.length;
    return [d.name, present ? "present" : st.exists ? "incomplete" : "missing", present ? mb(duBytes(st.dir)) : "-", mb(d.approxBytes), d.quick ? "quick" : "full", d.sources.length ? "" : "mirror only"];
  });
  const head = ["name", "status", "on disk", "download", "profile", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [`data dir: ${root}`, fmt(head), ...rows.map(fmt)].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const valued = ["--root", "--file", "--profile", "--notebooks"];
  const flags = new Set(argv.filter((a) => a.startsWith("--") && !valued.includes(a)));
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (!v || v.startsWith("--")) throw new EmbedlabError(`${name} needs a value`, USAGE);
    return v;
  };
  const rootArg = value("--root");
  const file = value("--file");
  const profileArg = value("--profile");
  const notebooksArg = value("--notebooks");
  const positional = argv.filter((a, i) => !a.startsWith("--") && !valued.includes(argv[i - 1]));
  const [cmd, ...names] = positional;
  const root = path.resolve(rootArg ?? dataDir());
  for (const f of flags) if (!["--quick", "--force", "--allow-large", "--help"].includes(f)) throw new EmbedlabError(`unknown option ${f}`, USAGE);
  if (!cmd || cmd === "help" || flags.has("--help")) {
    console.log(USAGE);
    return cmd || flags.has("--help") ? 0 : 1;
  }
  if (cmd === "list") {
    console.log(listing(root));
    return 0;
  }
  if (cmd === "fetch") {
    const profile = profileArg ?? (flags.has("--quick") ? "quick" : undefined);
    if (profile !== undefined) {
      if (profile !== "quick" && profile !== "full") throw new EmbedlabError(`unknown profile "${profile}"`, USAGE);
      if (names.length || file) throw new EmbedlabError("--profile fetches what the notebooks need: give no dataset names or --file with it", USAGE);
      const plan = await fetchForProfile({
        profile: profile as DataProfile,
        notebooks: notebooksArg ? notebooksArg.split(",").filter(Boolean) : undefined,
        root,
        allowLarge: flags.has("--allow-large"),
      });
      for (const p of plan) console.log(`${p.entry.name}: ${p.action === "present" ? "already present" : "installed"} at ${p.state.dir}`);
      return 0;
    }
    if (notebooksArg) throw new EmbedlabError("--notebooks goes with --profile", USAGE);
    const entries = names.map(getDataset);
    if (!entries.length) throw new EmbedlabError("fetch needs a dataset name (or --profile quick|full)", USAGE);
    if (file && entries.length !== 1) throw new EmbedlabError("--file goes with exactly one dataset name");
    for (const e of entries) {
      const r = await fetchDataset(e, { root, file, force: flags.has("--force"), allowLarge: flags.has("--allow-large") });
      console.log(`${r.dataset}: ${r.status} at ${r.dir}${r.verified.length ? ` (verified: ${r.verified.join(", ")})` : ""}`);
    }
    return 0;
  }
  throw new EmbedlabError(`unknown command "${cmd}"`, USAGE);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof EmbedlabError ? `error: ${err.message}` : err);
    process.exit(1);
  },
);
