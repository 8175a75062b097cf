import * as fs from "node:fs";

/** Font settings handed to resvg (the subset of its `font` option we use). */
export interface FontConfig {
  loadSystemFonts: boolean;
  fontFiles: string[];
  defaultFontFamily?: string;
  sansSerifFamily?: string;
}

/** Well-known locations of a sans font, with the family name inside the file. */
const CANDIDATES: { family: string; files: string[] }[] = [
  // Debian/Ubuntu (fonts-dejavu-core), Arch, Fedora
  {
    family: "DejaVu Sans",
    files: ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"],
  },
  { family: "DejaVu Sans", files: ["/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"] },
  {
    family: "DejaVu Sans",
    files: [
      "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
      "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf",
    ],
  },
  {
    family: "Liberation Sans",
    files: [
      "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
      "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ],
  },
  {
    family: "Arial",
    files: ["/System/Library/Fonts/Supplemental/Arial.ttf", "/System/Library/Fonts/Supplemental/Arial Bold.ttf"],
  },
  { family: "Arial", files: ["C:\\Windows\\Fonts\\arial.ttf", "C:\\Windows\\Fonts\\arialbd.ttf"] },
];

let cached: FontConfig | null = null;

/**
 * Fonts for rasterising charts. `EMBEDLAB_FONT` (a .ttf/.otf file; family via `EMBEDLAB_FONT_FAMILY`)
 * wins; else the first well-known sans font present (loading one file is ~10× faster than scanning
 * every system font); else resvg's system font scan (fontconfig directories).
 */
export function chartFonts(): FontConfig {
  if (cached) return cached;
  const own = process.env.EMBEDLAB_FONT;
  if (own && fs.existsSync(own)) {
    const family = process.env.EMBEDLAB_FONT_FAMILY;
    cached = { loadSystemFonts: !family, fontFiles: [own], defaultFontFamily: family, sansSerifFamily: family };
    return cached;
  }
  for (const c of CANDIDATES) {
    const files = c.files.filter((f) => fs.existsSync(f));
    if (files.length > 0 && files[0] === c.files[0]) {
      cached = { loadSystemFonts: false, fontFiles: files, defaultFontFamily: c.family, sansSerifFamily: c.family };
      return cached;
    }
  }
  cached = { loadSystemFonts: true, fontFiles: [] };
  return cached;
}
