/**
 * Which optional native packages are installed, and whether they are the real thing: an npm alias
 * (`"@tensorflow/tfjs-node": "npm:@tensorflow/tfjs@…"`) resolves but has no native binding.
 * `resolveFrom` lets tests point at a stand-in `node_modules` layout.
 */
import * as path from "node:path";
import { readFileSync } from "node:fs";

export interface PackageProbes {
  /** Folder whose node_modules are searched (default: this package's own resolution). */
  resolveFrom?: string;
}

/** `<pkg>/package.json` as resolved from `resolveFrom`, or undefined when not installed. */
export function packageJsonPath(pkg: string, probes: PackageProbes = {}): string | undefined {
  try {
    return probes.resolveFrom
      ? require.resolve(`${pkg}/package.json`, { paths: [probes.resolveFrom] })
      : require.resolve(`${pkg}/package.json`);
  } catch {
    return undefined;
  }
}

/** The installed package's own name and version (an alias shows the aliased package's name). */
export function installedPackage(
  pkg: string,
  probes: PackageProbes = {},
): { name?: string; version?: string; dir: string } | undefined {
  const file = packageJsonPath(pkg, probes);
  if (!file) return undefined;
  try {
    const json = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
    return { name: json.name, version: json.version, dir: path.dirname(file) };
  } catch {
    return { dir: path.dirname(file) };
  }
}
