import * as fs from "node:fs";
import * as path from "node:path";
import { threadId } from "node:worker_threads";

/** Write a file so that readers see either the old or the complete new content: temp file + rename. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // unique per process and worker thread: the write and rename below are synchronous, so nothing else in this
  // thread can use the name in between
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${threadId}.tmp`);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + "\n");
}
