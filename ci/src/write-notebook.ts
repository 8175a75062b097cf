import { writeFileAtomic } from "@embedlab/lib";
import { toLines, type Cell, type Notebook } from "./nbformat";

export type CellSpec = { md: string } | { code: string; tags?: string[] };

/** Build an output-free nbformat 4.5 notebook for the embedlab (tslab) kernel and write it atomically. */
export function writeNotebook(file: string, cells: CellSpec[]): void {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "embedlab", display_name: "TypeScript (embedlab)", language: "typescript" },
      language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" },
    },
    cells: cells.map((c, i): Cell => {
      const id = `cell-${String(i + 1).padStart(2, "0")}`;
      if ("md" in c) return { cell_type: "markdown", id, metadata: {}, source: toLines(c.md.trim()) };
      return { cell_type: "code", id, metadata: c.tags ? { tags: c.tags } : {}, source: toLines(c.code.trim()), outputs: [], execution_count: null };
    }),
  };
  writeFileAtomic(file, JSON.stringify(nb, null, 1) + "\n");
}
