#!/usr/bin/env node
/**
 * `npm run kernel:install [-- --user | --prefix DIR] [--name NAME] [--print]`: register the
 * "TypeScript (embedlab)" Jupyter kernel. No Python or jupyter_client needed: we write kernel.json.
 */
import { EmbedlabError } from "@embedlab/lib";
import { installKernelSpec, kernelSpec, type InstallOptions } from "./kernelspec";

const USAGE = `usage: npm run kernel:install -- [--user | --prefix DIR] [--name NAME] [--data-dir DIR] [--print]
  --user        install for this user (default): $JUPYTER_DATA_DIR or ~/.local/share/jupyter/kernels/
  --prefix DIR  install into DIR/share/jupyter/kernels/ (e.g. a virtualenv)
  --name NAME   kernel directory name (default embedlab)
  --data-dir D  bake EMBEDLAB_DATA_DIR=D into the kernel's environment (default: current $EMBEDLAB_DATA_DIR)
  --print       print kernel.json and write nothing`;

export function parseArgs(argv: string[]): InstallOptions & { print: boolean } {
  const opts: InstallOptions & { print: boolean } = { print: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new EmbedlabError(`${a} needs a value`, USAGE);
      return v;
    };
    if (a === "--user") opts.prefix = undefined;
    else if (a === "--prefix") opts.prefix = value();
    else if (a.startsWith("--prefix=")) opts.prefix = a.slice("--prefix=".length);
    else if (a === "--name") opts.name = value();
    else if (a === "--data-dir") opts.dataDir = value();
    else if (a === "--print") opts.print = true;
    else if (a === "-h" || a === "--help") throw new EmbedlabError("help", USAGE);
    else throw new EmbedlabError(`unknown option ${a}`, USAGE);
  }
  return opts;
}

export function main(argv: string[]): number {
  try {
    const opts = parseArgs(argv);
    if (opts.print) {
      process.stdout.write(JSON.stringify(kernelSpec(opts), null, 2) + "\n");
      return 0;
    }
    const dir = installKernelSpec(opts);
    process.stdout.write(`Installed kernelspec ${opts.name ?? "embedlab"} ("TypeScript (embedlab)") in ${dir}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
