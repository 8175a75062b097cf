/**
 * Markdown → HTML with markdown-it (CommonMark), sent beside `text/markdown` so a front end that does
 * not render Markdown output (classic Notebook 6 with an untrusted notebook, nbconvert templates)
 * still shows formatted text. Raw HTML in the source is escaped, not passed through, and markdown-it's
 * link validation drops `javascript:`-style URLs.
 */
import MarkdownIt from "markdown-it";

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** Markdown → HTML (CommonMark; raw HTML escaped). */
export function markdownToHtml(source: string): string {
  return md.render(source).trimEnd();
}
