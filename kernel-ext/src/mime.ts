/**
 * A Jupyter mime bundle: mime type → payload. Text types are strings, binary types (image/png) are
 * base64 strings, JSON types (application/*+json) are plain objects, as in the Jupyter message spec.
 */
export type MimeBundle = Record<string, string | object>;

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
