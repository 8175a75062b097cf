import { EmbedlabError } from "@embedlab/lib";
import { escapeHtml, type MimeBundle } from "./mime";

/** What we read from a danfo.js DataFrame (so we need not load danfo to show one). */
export interface DataFrameLike {
  columns: string[];
  values: unknown[] | unknown[][];
  index?: (string | number)[];
}
export type TableRows = Record<string, unknown>[];

export interface TableOptions {
  caption?: string;
  /** Decimals for non-integer numbers (default 4). */
  digits?: number;
  /** Show at most this many rows, then "… N more rows" (default 200). */
  maxRows?: number;
}

function isDataFrame(x: unknown): x is DataFrameLike {
  const d = x as Partial<DataFrameLike> | null;
  return !!d && typeof d === "object" && !Array.isArray(d) && Array.isArray(d.columns) && Array.isArray(d.values);
}

/** Rows and column order (union of keys, first-seen order) from rows or a DataFrame. */
export function toRows(data: TableRows | DataFrameLike): { columns: string[]; rows: TableRows } {
  if (isDataFrame(data)) {
    const columns = data.columns.map(String);
    const values = data.values as unknown[];
    const rows = values.map((v) => {
      const cells = Array.isArray(v) ? v : [v];
      const row: Record<string, unknown> = {};
      columns.forEach((c, i) => (row[c] = cells[i]));
      return row;
    });
    return { columns, rows };
  }
  if (!Array.isArray(data)) {
    throw new EmbedlabError(
      "show.table expects an array of row objects or a danfo DataFrame",
      'e.g. show.table([{ model: "glove", acc: 0.81 }])',
    );
  }
  const columns: string[] = [];
  const seen = new Set<string>();
  data.forEach((row, i) => {
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw new EmbedlabError(
        `show.table: row ${i} is not an object (${row === null ? "null" : Array.isArray(row) ? "array" : typeof row})`,
        "pass one plain object per row",
      );
    }
    for (const k of Object.keys(row)) {
      if (!seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
    }
  });
  return { columns, rows: data };
}

/** Format one cell: integers as is, other numbers with `digits` decimals, objects as JSON. */
export function formatCell(v: unknown, digits: number): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (Number.isInteger(v)) return String(v);
    if (!Number.isFinite(v)) return String(v);
    return v.toFixed(digits);
  }
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return String(v);
  if (v instanceof Date) return v.toISOString();
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

const isNumeric = (v: unknown) => typeof v === "number" || typeof v === "bigint";

/** The HTML and aligned plain-text renderings of a table. */
export function tableBundle(data: TableRows | DataFrameLike, opts: TableOptions = {}): MimeBundle {
  const digits = opts.digits ?? 4;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20)
    throw new EmbedlabError(`table digits must be an integer 0..20, got ${digits}`);
  const maxRows = opts.maxRows ?? 200;
  const { columns, rows } = toRows(data);
  const shown = rows.slice(0, Math.max(0, maxRows));
  const more = rows.length - shown.length;
  const numericCol = columns.map(
    (c) => shown.some((r) => isNumeric(r[c])) && shown.every((r) => r[c] == null || isNumeric(r[c])),
  );
  const cells = shown.map((r) => columns.map((c) => formatCell(r[c], digits)));

  // text/plain: numbers right-aligned, everything else left-aligned.
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((row) => row[j].length)));
  const pad = (s: string, j: number) => (numericCol[j] ? s.padStart(widths[j]) : s.padEnd(widths[j]));
  const lines: string[] = [];
  if (opts.caption) lines.push(opts.caption);
  lines.push(columns.map(pad).join("  ").trimEnd());
  lines.push(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of cells) lines.push(row.map(pad).join("  ").trimEnd());
  if (more > 0) lines.push(`… ${more} more rows (${rows.length} in all)`);
  if (rows.length === 0) lines.push("(no rows)");

  // Alignment as `align` attributes, not inline styles: untrusted outputs in the classic Notebook lose every
  // `style=` (its sanitizer strips them), and its stylesheet (like JupyterLab's) right-aligns every `td`/`th`,
  // which a cell's own `align` does not override (author CSS beats presentational attributes). So text cells
  // wrap their content in `<div align="left">`: the div's own alignment wins over the inherited one.
  const cell = (tag: "th" | "td", s: string, j: number) =>
    numericCol[j]
      ? `<${tag} align="right">${escapeHtml(s)}</${tag}>`
      : `<${tag} align="left"><div align="left">${escapeHtml(s)}</div></${tag}>`;
  const html = [
    '<table class="embedlab-table">',
    opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : "",
    `<thead><tr>${columns.map((c, j) => cell("th", c, j)).join("")}</tr></thead>`,
    "<tbody>",
    ...cells.map((row) => `<tr>${row.map((s, j) => cell("td", s, j)).join("")}</tr>`),
    "</tbody>",
    "</table>",
    more > 0 ? `<p><em>… ${more} more rows (${rows.length} in all)</em></p>` : "",
  ].join("");
  return { "text/html": html, "text/plain": lines.join("\n") };
}
