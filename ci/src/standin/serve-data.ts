#!/usr/bin/env node
/**
 * `node ci/dist/standin/serve-data.js [--dir D] [--port P] [--env-file F]`: write the data stand-ins into D (default a
 * temp folder), serve them on 127.0.0.1:P (default a free port), write D/registry.json pointing at the server, print
 * `EMBEDLAB_DATA_REGISTRY=<D/registry.json>` (also appended to F), and serve until SIGTERM/SIGINT.
 * Node 20 also reads a script's `--env-file F` itself and exits when F does not exist: create F first (`: > F`), or
 * pass `--write-env F`, the same option under a name node leaves alone.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startDataServer } from "./data-server";
import { writeDataStandins } from "./data-standins";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: "string" },
      port: { type: "string" },
      "env-file": { type: "string" },
      "write-env": { type: "string" },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port ${values.port} is not a port number`);
  const dir = path.resolve(values.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-data-standins-")));
  fs.mkdirSync(dir, { recursive: true });
  const standins = await writeDataStandins(dir);
  const server = await startDataServer(standins.dir, port);
  const registry = path.join(dir, "registry.json");
  fs.writeFileSync(registry, JSON.stringify(standins.registry(server.url), null, 1) + "\n");
  const line = `EMBEDLAB_DATA_REGISTRY=${registry}`;
  const envFile = values["write-env"] ?? values["env-file"];
  if (envFile) fs.appendFileSync(envFile, line + "\n");
  console.log(line);
  console.error(`data stand-ins served at ${server.url} from ${standins.dir}`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
});
