import * as fs from "node:fs";
import { CorruptDataError } from "../core";

export interface TsvRow {
  /** 1-based line number in the file. */
  line: number;
  /** Byte offset of the line's start. */
  offset: number;
  fields: string[];
}

/**
 * Read an unquoted TSV file (GLUE / WikiQA style: no quoting, tabs never inside fields) whose first line is a
 * header containing every column in `required`. Every row must have as many fields as the header.
 * Returns column positions and the rows; empty lines are skipped.
 */
export function readTsv(file: string, required: readonly string[]): { columns: Record<string, number>; rows: TsvRow[] } {
  const text = fs.readFileSync(file, "utf8");
  const lines = text.split("\n");
  const header = (lines[0] ?? "").replace(/\r$/, "").split("\t");
  const columns: Record<string, number> = {};
  header.forEach((h, i) => (columns[h.trim()] = i));
  const missing = required.filter((c) => !(c in columns));
  if (missing.length) {
    throw new CorruptDataError(file, `line 1: header is "${header.join("\\t")}", missing column(s) ${missing.map((m) => `"${m}"`).join(", ")} (expected ${required.join("\\t")})`, 0);
  }
  const rows: TsvRow[] = [];
  let offset = Buffer.byteLength(lines[0] ?? "") + 1;
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, "");
    const start = offset;
    offset += Buffer.byteLength(lines[i]) + 1;
    if (raw.trim() === "") continue;
    const fields = raw.split("\t");
    if (fields.length !== header.length) {
      throw new CorruptDataError(file, `line ${i + 1}: ${fields.length} tab-separated fields, header has ${header.length}: "${raw.slice(0, 80)}"`, start);
    }
    rows.push({ line: i + 1, offset: start, fields });
  }
  return { columns, rows };
}

/** Parse a 0/1 label field or throw CorruptDataError naming the line. */
export function parseBinaryLabel(file: string, row: TsvRow, value: string): 0 | 1 {
  const v = value.trim();
  if (v === "0") return 0;
  if (v === "1") return 1;
  throw new CorruptDataError(file, `line ${row.line}: label "${value}" is not 0 or 1`, row.offset);
}
