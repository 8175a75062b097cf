#!/usr/bin/env node
/** `npm run data -- list | fetch <name...> [--quick] [--root DIR] [--file ARCHIVE] [--force] [--allow-large]` */
import * as fs from "node:fs";
import * as path from "node:path";
import { dataDir, EmbedlabError } from "../core";
import { fetchDataset, isInstalled } from "./fetch";
import { DATASETS, getDataset } from "./registry";

const USAGE = `usage: npm run data -- list [--root DIR]
       npm run data -- fetch <name...> [--root DIR] [--file ARCHIVE] [--force] [--allow-large]
       npm run data -- fetch --quick        (every quick-profile dataset with a download source)
datasets: ${DATASETS.map((d) => d.name).join(", ")}`;

function duBytes(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.size;
  return fs.readdirSync(p).reduce((sum, f) => sum + duBytes(path.join(p, f)), 0);
}

function mb(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`;
}

function listing(root: string): string {
  const rows = DATASETS.map((d) => {
    const dir = path.join(root, d.dir);
    const present = isInstalled(d, root);
    return [d.name, present ? "present" : fs.existsSync(dir) ? "incomplete" : "missing", present ? mb(duBytes(dir)) : "-", mb(d.approxBytes), d.quick ? "quick" : "full", d.sources.length ? "" : "mirror only"];
  });
  const head = ["name", "status", "on disk", "download", "profile", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [`data dir: ${root}`, fmt(head), ...rows.map(fmt)].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith("--") && !["--root", "--file"].includes(a)));
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (!v || v.startsWith("--")) throw new EmbedlabError(`${name} needs a value`, USAGE);
    return v;
  };
  const rootArg = value("--root");
  const file = value("--file");
  const positional = argv.filter((a, i) => !a.startsWith("--") && argv[i - 1] !== "--root" && argv[i - 1] !== "--file");
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
    const entries = flags.has("--quick") ? DATASETS.filter((d) => d.quick && d.sources.length) : names.map(getDataset);
    if (!entries.length) throw new EmbedlabError("fetch needs a dataset name (or --quick)", USAGE);
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
