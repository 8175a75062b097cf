#!/usr/bin/env node
/**
 * `node ci/dist/html-render-check.js <executed.ipynb>... [--out DIR]`: export each executed notebook to HTML with
 * nbconvert's default settings (`jupyter nbconvert --to html`), open it in headless Chromium and check what a
 * reader sees: every figure output (image/png) is an image of its CSS size whose area on the screenshot has
 * non-blank pixels, every other output image too, and no raw Markdown (`**`) is left in outputs or Markdown cells.
 * Exits 0 when all pass, 1 on a failed check, 2 when nbconvert or Chromium is missing (CHROMIUM=path picks one).
 * With --out, the HTML and the full-page screenshot of each notebook stay there.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import sharp from "sharp";
import { UsageError } from "./usage-error";

/** What the probe script reads from the rendered page. */
interface Probe {
  width: number;
  height: number;
  figures: Box[];
  htmlImages: Box[];
  rawMarkdown: string[];
  strong: number;
}
interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  /** The image decoded (naturalWidth > 0). */
  loaded: boolean;
  /** The `width`/`height` attributes nbconvert set from the output's metadata (0 if none). */
  attrW: number;
  attrH: number;
}

const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const WINDOW_WIDTH = 1280;
/** A figure area passes with at least this share of pixels that are not the page's white. */
const MIN_INK = 0.005;
const PROBE_ID = "embedlab-render-probe";

/** Runs in the page after load: where the output images are and what text the outputs show. */
const PROBE_SCRIPT = `<script>
window.addEventListener("load", () => {
  const box = (img) => {
    const r = img.getBoundingClientRect();
    return { x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height, loaded: img.naturalWidth > 0,
      attrW: Number(img.getAttribute("width")) || 0, attrH: Number(img.getAttribute("height")) || 0 };
  };
  const figures = [...document.querySelectorAll(".jp-OutputArea-output.jp-RenderedImage img")].map(box);
  const htmlImages = [...document.querySelectorAll('.jp-OutputArea-output[data-mime-type="text/html"] img')].map(box);
  const texts = [...document.querySelectorAll(".jp-OutputArea-output, .jp-MarkdownCell .jp-RenderedMarkdown")]
    .map((e) => e.innerText);
  const rawMarkdown = texts.flatMap((t) => t.split("\\n")).filter((l) => l.includes("**"));
  const strong = document.querySelectorAll(".jp-OutputArea-output strong").length;
  const el = document.createElement("pre");
  el.id = "${PROBE_ID}";
  el.hidden = true;
  el.textContent = JSON.stringify({ width: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight, figures, htmlImages, rawMarkdown, strong });
  document.body.appendChild(el);
});
</script>`;

function findChromium(): string {
  const candidates = [process.env.CHROMIUM, "/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"];
  for (const c of candidates.filter((c): c is string => !!c)) {
    if (spawnSync(c, ["--version"], { encoding: "utf8" }).status === 0) return c;
  }
  throw new UsageError("no Chromium found", "apt-get install chromium, or set CHROMIUM=/path/to/chromium");
}

/** `jupyter nbconvert --to html` with its defaults; returns the HTML file. */
function exportHtml(notebook: string, dir: string): string {
  const args = ["--to", "html", "--output-dir", dir, notebook];
  let r = spawnSync("jupyter", ["nbconvert", ...args], { encoding: "utf8" });
  if (r.error || r.status !== 0) r = spawnSync("/usr/bin/python3", ["-m", "nbconvert", ...args], { encoding: "utf8" });
  const html = path.join(dir, path.basename(notebook).replace(/\.ipynb$/, "") + ".html");
  if (r.status !== 0 || !fs.existsSync(html)) {
    throw new UsageError(
      `nbconvert could not export ${notebook}: ${(r.stderr || String(r.error ?? "")).trim().slice(-2000)}`,
      "apt-get install jupyter-nbconvert (or pip install nbconvert)",
    );
  }
  return html;
}

function chromium(bin: string, args: string[]): string {
  const r = spawnSync(bin, [...CHROMIUM_FLAGS, "--hide-scrollbars", "--force-device-scale-factor=1", ...args], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`chromium failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** Load the page with the probe and read back what it measured. */
function probe(bin: string, html: string): Probe {
  const probed = html.replace(/\.html$/, ".probe.html");
  const src = fs.readFileSync(html, "utf8");
  const at = src.lastIndexOf("</body>");
  fs.writeFileSync(probed, at < 0 ? src + PROBE_SCRIPT : src.slice(0, at) + PROBE_SCRIPT + src.slice(at));
  try {
    const dom = chromium(bin, [
      "--virtual-time-budget=15000",
      `--window-size=${WINDOW_WIDTH},1000`,
      "--dump-dom",
      "file://" + probed,
    ]);
    const m = new RegExp(`<pre id="${PROBE_ID}"[^>]*>([\\s\\S]*?)</pre>`).exec(dom);
    if (!m) throw new Error(`the probe did not run in ${html}`);
    const text = m[1]
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
    return JSON.parse(text) as Probe;
  } finally {
    fs.rmSync(probed, { force: true });
  }
}

/** Share of pixels in `box` (on the RGB screenshot) that are not near-white. */
function ink(raw: Buffer, width: number, height: number, channels: number, b: Box): number {
  const x0 = Math.max(0, Math.floor(b.x));
  const y0 = Math.max(0, Math.floor(b.y));
  const x1 = Math.min(width, Math.ceil(b.x + b.w));
  const y1 = Math.min(height, Math.ceil(b.y + b.h));
  let dark = 0;
  let all = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * width + x) * channels;
      all++;
      if (raw[i] < 235 || raw[i + 1] < 235 || raw[i + 2] < 235) dark++;
    }
  }
  return all ? dark / all : 0;
}

interface NotebookFacts {
  figures: number;
  markdownBold: boolean;
}
function notebookFacts(file: string): NotebookFacts {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as {
    cells: { outputs?: { data?: Record<string, string | string[]> }[] }[];
  };
  let figures = 0;
  let markdownBold = false;
  for (const c of nb.cells)
    for (const o of c.outputs ?? []) {
      if (o.data?.["image/png"]) figures++;
      const md = o.data?.["text/markdown"];
      if (md && [md].flat().join("").includes("**")) markdownBold = true;
    }
  return { figures, markdownBold };
}

/** Check one executed notebook; returns the failures (empty when it renders). */
export async function checkNotebook(
  notebook: string,
  bin: string,
  dir: string,
): Promise<{ failures: string[]; summary: string; screenshot: string }> {
  const html = exportHtml(notebook, dir);
  const p = probe(bin, html);
  const facts = notebookFacts(notebook);
  const failures: string[] = [];
  if (p.figures.length !== facts.figures)
    failures.push(
      `${facts.figures} figure outputs (image/png) in the notebook, ${p.figures.length} shown as images in the HTML ` +
        "(a front end that prefers another MIME type, e.g. a sanitized SVG, shows a blank instead)",
    );
  const screenshot = html.replace(/\.html$/, ".png");
  chromium(bin, [
    `--window-size=${WINDOW_WIDTH},${Math.max(600, p.height)}`,
    `--screenshot=${screenshot}`,
    "file://" + html,
  ]);
  const { data, info } = await sharp(screenshot).raw().toBuffer({ resolveWithObject: true });
  const inks: string[] = [];
  const check = (b: Box, what: string) => {
    if (!b.loaded) failures.push(`${what}: the image did not load`);
    if (b.w < 8 || b.h < 8) failures.push(`${what}: shown ${b.w}×${b.h} CSS pixels`);
    if (b.y + b.h > info.height) {
      failures.push(`${what}: below the screenshot (${info.height} pixels high)`);
      return;
    }
    const share = ink(data, info.width, info.height, info.channels, b);
    inks.push(share.toFixed(3));
    if (share < MIN_INK) failures.push(`${what}: blank on the screenshot (${(100 * share).toFixed(2)} % ink)`);
  };
  p.figures.forEach((b, i) => {
    check(b, `figure ${i + 1}`);
    if (b.attrW && Math.abs(b.w - b.attrW) > 1)
      failures.push(`figure ${i + 1}: shown ${b.w} CSS pixels wide, its metadata says ${b.attrW}`);
    if (!b.attrW) failures.push(`figure ${i + 1}: no width from the output's metadata (shown at the PNG's pixel size)`);
  });
  p.htmlImages.forEach((b, i) => check(b, `HTML output image ${i + 1}`));
  for (const line of p.rawMarkdown.slice(0, 5))
    failures.push(`raw Markdown in the rendered text: ${line.slice(0, 160)}`);
  if (facts.markdownBold && p.strong === 0) failures.push("Markdown outputs have **bold** but the HTML shows none");
  const summary =
    `${path.basename(notebook)}: ${p.figures.length} figures (ink ${inks.slice(0, p.figures.length).join(", ")}), ` +
    `${p.htmlImages.length} HTML images, ${p.strong} bold spans, page ${p.width}×${p.height}`;
  return { failures, summary, screenshot };
}

export async function main(argv: string[]): Promise<number> {
  const notebooks: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") out = argv[++i];
    else if (argv[i].startsWith("--out=")) out = argv[i].slice("--out=".length);
    else notebooks.push(argv[i]);
  }
  try {
    if (!notebooks.length || (out !== undefined && !out))
      throw new UsageError(
        "no notebook given",
        "usage: node ci/dist/html-render-check.js <executed.ipynb>... [--out DIR]",
      );
    for (const nb of notebooks) if (!fs.existsSync(nb)) throw new UsageError(`no such notebook: ${nb}`);
    const bin = findChromium();
    const dir = out ? path.resolve(out) : fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-html-"));
    fs.mkdirSync(dir, { recursive: true });
    let failed = 0;
    try {
      for (const nb of notebooks) {
        const r = await checkNotebook(nb, bin, dir);
        process.stdout.write(`${r.failures.length ? "FAIL" : "ok"}  ${r.summary}\n`);
        for (const f of r.failures) process.stdout.write(`      ${f}\n`);
        if (r.failures.length) failed++;
      }
    } finally {
      if (!out) fs.rmSync(dir, { recursive: true, force: true });
    }
    return failed ? 1 : 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    const fix = (err as { fix?: string }).fix;
    if (fix) process.stderr.write(`${fix}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
