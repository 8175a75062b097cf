import * as fs from "node:fs";
import { CorruptDataError, DataNotFoundError } from "./errors";

/**
 * Read and parse a JSON file the project depends on: a missing file is a `DataNotFoundError` naming
 * `what`, unparsable content a `CorruptDataError` naming the file. Shape checks are the caller's.
 */
export function readJsonFile(file: string, what: string): unknown {
  if (!fs.existsSync(file)) throw new DataNotFoundError(what, [file]);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new CorruptDataError(file, `not valid JSON (${(err as Error).message})`);
  }
}
