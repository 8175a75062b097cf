/**
 * `npm run pretrain:eval -- [DIR] [--write] [--max-chars N]`: held-out bits per byte per source
 * (`gpt_bits_per_byte_brown`, `_gutenberg`, `_factbook`) of a GPT checkpoint folder (default
 * data/models/tinygpt-brown), printed as JSON; `--write` also stores it as DIR/bits-per-byte.json.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { EmbedlabError } from "../core";
import { initBackend } from "../backend";
import { defaultCheckpointDir, loadGptCheckpoint } from "../models/gpt";
import { gptBitsPerByteBySource } from "./lm-corpus";

async function main(argv: string[]): Promise<void> {
  let dir = defaultCheckpointDir();
  let write = false;
  let maxChars: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--write") write = true;
    else if (argv[i] === "--max-chars") maxChars = Number(argv[++i]);
    else if (argv[i].startsWith("--"))
      throw new EmbedlabError(`unknown option ${argv[i]}`, "usage: [DIR] [--write] [--max-chars N]");
    else dir = argv[i];
  }
  await initBackend();
  const { model, tokenizer, manifest } = loadGptCheckpoint(dir);
  const t0 = Date.now();
  const r = gptBitsPerByteBySource(model, tokenizer, { maxCharsPerDoc: maxChars });
  const out = {
    checkpoint: path.basename(path.resolve(dir)),
    numParams: manifest.numParams,
    ...r,
    seconds: Math.round((Date.now() - t0) / 1000),
  };
  if (write) fs.writeFileSync(path.join(dir, "bits-per-byte.json"), JSON.stringify(out, null, 2) + "\n");
  console.log(JSON.stringify(out.metrics));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
