/** node and npm versions, against `engines.node` (>= 20). */
import { spawnSync } from "node:child_process";
import type { CheckResult } from "./check";

export const MIN_NODE_MAJOR = 20;

export function checkVersions(): CheckResult<{ node: string; npm?: string }> {
  const node = process.version;
  const r = spawnSync("npm", ["--version"], { encoding: "utf8", timeout: 15_000 });
  const npm = r.status === 0 ? r.stdout.trim() : undefined;
  const major = Number(node.replace(/^v/, "").split(".")[0]);
  return {
    id: "versions",
    name: "node/npm",
    summary: `node ${node}, npm ${npm ?? "not found"}`,
    data: { node, npm },
    problems:
      major >= MIN_NODE_MAJOR
        ? []
        : [
            {
              message: `node ${node} is older than ${MIN_NODE_MAJOR}`,
              fix: `install node ${MIN_NODE_MAJOR} or newer`,
              blocks: ["quick", "full"],
            },
          ],
  };
}
