/**
 * `node ci/dist/standin/serve-hub.js [--dir D] [--port P] [--endpoint-file F] [--seed N]`: serve the stand-in hub on
 * 127.0.0.1 (generating it into D first when D holds none; default a new temp dir), print
 * `HF_ENDPOINT=http://127.0.0.1:PORT` (and write that line to F), and stay up until SIGTERM/SIGINT.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { writeFileAtomic } from "@embedlab/lib";
import { UsageError } from "../usage-error";
import { DEFAULT_SEED, generateStandins, readManifest } from "./generate";
import { startHubServer } from "./hub-server";

export const USAGE = `usage: node ci/dist/standin/serve-hub.js [--dir D] [--port P] [--endpoint-file F] [--seed N]
  --dir D       stand-in hub folder (generated there when it holds no standin-hub.json; default: a new temp dir)
  --port P      port on 127.0.0.1 (default: a free one)
  --endpoint-file F  also write the HF_ENDPOINT=… line to F (a dotenv line; not "--env-file", which Node 20
                     itself takes from anywhere on its command line)
  --seed N      generator seed (default ${DEFAULT_SEED})
Prints HF_ENDPOINT=http://127.0.0.1:PORT once listening; stops on SIGTERM or SIGINT.`;

async function main(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        dir: { type: "string" },
        port: { type: "string" },
        "endpoint-file": { type: "string" },
        seed: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message, USAGE);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const int = (name: string, v: string | undefined, max: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > max)
      throw new UsageError(`--${name} ${v} is not an integer in 0..${max}`, USAGE);
    return n;
  };
  const port = int("port", values.port, 65535);
  const seed = int("seed", values.seed, 2 ** 31);
  const dir = path.resolve(values.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-standin-hub-")));
  if (!readManifest(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    const m = generateStandins(dir, { seed });
    console.error(`generated ${m.repos.length} stand-in repositories in ${dir}`);
  }
  const server = await startHubServer({ dir, port });
  const line = `HF_ENDPOINT=${server.endpoint}`;
  if (values["endpoint-file"]) writeFileAtomic(path.resolve(values["endpoint-file"]), line + "\n");
  console.log(line);
  const stop = (signal: string) => {
    console.error(`stand-in hub: ${signal}, ${server.log.length} requests served; stopping`);
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: Error) => {
    console.error(`serve-hub: ${err.message}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  });
}
