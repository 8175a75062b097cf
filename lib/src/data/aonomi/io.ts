import * as fs from "node:fs";
import { CorruptDataError, DataNotFoundError, writeFileAtomic } from "../../core";
import { readJsonl } from "../jsonl";
import { formatInstructionText, parseInstructionText, type InstructionPair } from "./format";

/** Write pairs as the original's JSONL: one `{"text": "### Instruction: … ### Output: …"}` per line (atomic). */
export function writeInstructionJsonl(file: string, pairs: readonly InstructionPair[]): void {
  writeFileAtomic(file, pairs.map((p) => JSON.stringify({ text: formatInstructionText(p) })).join("\n") + "\n");
}

/** Read an instruction JSONL file (`{"text": …}` per line) into pairs; errors name the file and line. */
export function loadInstructionJsonl(file: string): InstructionPair[] {
  if (!fs.existsSync(file)) throw new DataNotFoundError("instruction JSONL", [file], "node lib/dist/data/aonomi/cli.js");
  const rows = readJsonl<{ text?: unknown }>(file);
  if (rows.length === 0) throw new CorruptDataError(file, "no pairs in file");
  return rows.map((r, i) => {
    if (typeof r?.text !== "string") throw new CorruptDataError(file, `record ${i + 1} has no string field "text"`);
    try {
      return parseInstructionText(r.text);
    } catch (err) {
      throw new CorruptDataError(file, `record ${i + 1}: ${(err as Error).message.split("\n")[0]}`);
    }
  });
}
