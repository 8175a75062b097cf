import * as fs from "node:fs";
import { CorruptDataError, writeFileAtomic } from "../core";
import { requireFile } from "./locate";
import type { InstructionRecord } from "./types";

/** Parse a JSON-lines file (blank lines skipped); a bad line throws CorruptDataError with its line number and byte offset. */
export function readJsonl<T = unknown>(file: string): T[] {
  return readJsonlLines<T>(file).map((r) => r.value);
}

/** Like readJsonl, keeping each record's 1-based line number and byte offset (for callers' own checks). */
export function readJsonlLines<T>(file: string): { value: T; line: number; offset: number }[] {
  const abs = requireFile("jsonl", file);
  const lines = fs.readFileSync(abs, "utf8").split("\n");
  const out: { value: T; line: number; offset: number }[] = [];
  let offset = 0;
  lines.forEach((line, i) => {
    const start = offset;
    offset += Buffer.byteLength(line) + 1;
    if (line.trim() === "") return;
    try {
      out.push({ value: JSON.parse(line) as T, line: i + 1, offset: start });
    } catch (err) {
      throw new CorruptDataError(abs, `line ${i + 1}: not valid JSON (${(err as Error).message}): ${line.slice(0, 80)}`, start);
    }
  });
  return out;
}

/** Write rows as JSON lines, atomically (readers see the old file or the complete new one). */
export function writeJsonl(file: string, rows: readonly unknown[]): void {
  writeFileAtomic(file, rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : ""));
}

export interface InstructionOptions {
  /** How an {instruction, output} record becomes training text (default: instruction, newline, output). */
  format?: (instruction: string, output: string) => string;
}

/** Instruction-tuning data: records `{"instruction","output"}` or `{"text"}`, normalised to `{text, instruction?, output?}`. */
export function loadInstructionData(file: string, opts: InstructionOptions = {}): InstructionRecord[] {
  const format = opts.format ?? ((i: string, o: string) => `${i}\n${o}`);
  return readJsonlLines<Record<string, unknown>>(file).map(({ value: r, line, offset }) => {
    if (r && typeof r === "object" && typeof r.instruction === "string" && typeof r.output === "string") {
      return { text: format(r.instruction, r.output), instruction: r.instruction, output: r.output };
    }
    if (r && typeof r === "object" && typeof r.text === "string") return { text: r.text };
    throw new CorruptDataError(file, `line ${line}: record has neither string "instruction"+"output" nor string "text": ${JSON.stringify(r).slice(0, 80)}`, offset);
  });
}
