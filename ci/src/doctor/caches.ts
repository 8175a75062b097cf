/** Where downloads and computed artefacts are kept, and how big each folder is. */
import * as fs from "node:fs";
import * as path from "node:path";
import { cacheDir, models } from "@embedlab/lib";
import type { CheckResult } from "./check";

/** Total bytes of the files under `dir` (0 when absent). */
export function folderBytes(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) total += fs.statSync(p).size;
    }
  };
  walk(dir);
  return total;
}

export function checkCaches(): CheckResult<{
  caches: { name: string; path: string; exists: boolean; bytes: number }[];
}> {
  const caches = [
    { name: "embedlab cache (EMBEDLAB_CACHE_DIR)", path: cacheDir() },
    { name: "hub models (EMBEDLAB_CACHE_DIR/hf, written)", path: models.hfModelRoot() },
    { name: "Python hub cache (HF_HUB_CACHE / HF_HOME/hub, read only)", path: models.pythonHubCache() },
  ].map((c) => ({ ...c, exists: fs.existsSync(c.path), bytes: folderBytes(c.path) }));
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  return {
    id: "caches",
    name: "caches",
    summary: caches.map((c) => `${c.path} ${c.exists ? mb(c.bytes) : "(absent)"}`).join(" · "),
    details: caches.map((c) => `${c.name}: ${c.path} — ${c.exists ? mb(c.bytes) : "absent"}`),
    data: { caches },
    problems: [],
  };
}
