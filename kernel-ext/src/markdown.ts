/**
 * The little Markdown our notebooks' generated prose uses, as HTML: paragraphs, `-`/`*` and `1.` lists,
 * `#` headings, **bold**, *italic*, `code` and [links](url). Sent beside `text/markdown` so a front end
 * that does not render Markdown output (classic Notebook 6 with an untrusted notebook, nbconvert
 * templates) still shows formatted text. Everything else is shown as (escaped) text.
 */
import { escapeHtml } from "./mime";

function inline(text: string): string {
  const codes: string[] = [];
  let s = text.replace(/`([^`]+)`/g, (_m, c: string) => `\u0000${codes.push(c) - 1}\u0000`);
  s = escapeHtml(s);
  s = s.replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, "<strong>$1</strong>");
  s = s.replace(/(^|[^*\w])\*(?=[^\s*])([^*]*?[^\s*])\*(?![*\w])/g, "$1<em>$2</em>");
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) =>
    /^(https?:|mailto:|#|\.{0,2}\/|[\w.-]+(?:[/#?]|$))/i.test(url) ? `<a href="${url}">${label}</a>` : _m,
  );
  return s.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => `<code>${escapeHtml(codes[Number(i)])}</code>`);
}

const BULLET = /^\s*[-*+]\s+/;
const NUMBERED = /^\s*\d+[.)]\s+/;

/** Markdown → HTML for the subset above. */
export function markdownToHtml(md: string): string {
  const out: string[] = [];
  const lines = md.replace(/\r\n?/g, "\n").split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
      continue;
    }
    const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      out.push(`<h${h[1].length}>${inline(h[2])}</h${h[1].length}>`);
      i++;
      continue;
    }
    const list = BULLET.test(line) ? BULLET : NUMBERED.test(line) ? NUMBERED : null;
    if (list) {
      const items: string[] = [];
      while (i < lines.length && lines[i].trim()) {
        if (list.test(lines[i])) items.push(lines[i].replace(list, ""));
        else items[items.length - 1] += "\n" + lines[i].trim(); // a continuation line
        i++;
      }
      const tag = list === BULLET ? "ul" : "ol";
      out.push(`<${tag}>${items.map((it) => `<li>${inline(it)}</li>`).join("")}</${tag}>`);
      continue;
    }
    const para: string[] = [];
    while (
      i < lines.length &&
      lines[i].trim() &&
      !BULLET.test(lines[i]) &&
      !NUMBERED.test(lines[i]) &&
      !/^#{1,6}\s/.test(lines[i])
    )
      para.push(lines[i++]);
    out.push(`<p>${inline(para.join("\n"))}</p>`);
  }
  return out.join("\n");
}
