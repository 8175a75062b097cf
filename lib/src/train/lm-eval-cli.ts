/**
 * `npm run pretrain:eval -- [DIR] [--write] [--samples] [--max-chars N]`: held-out bits per byte per source
 * (`gpt_bits_per_byte_brown`, `_gutenberg`, `_factbook`) of a GPT checkpoint folder (default
 * data/models/tinygpt-mix), printed as JSON; `--write` also stores it as DIR/bits-per-byte.json, and
 * `--samples` (re)writes DIR/samples.md (greedy and sampled continuations of the standard prompts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { EmbedlabError } from "../core";
import { initBackend } from "../backend";
import { defaultCheckpointDir, loadGptCheckpoint } from "../models/gpt";
import { gptBitsPerByteBySource } from "./lm-corpus";
import { SAMPLE_PROMPTS, sampleTable } from "./lm-pretrain";

async function main(argv: string[]): Promise<void> {
  let dir = defaultCheckpointDir();
  let write = false;
  let samples = false;
  let maxChars: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--write") write = true;
    else if (argv[i] === "--samples") samples = true;
    else if (argv[i] === "--max-chars") maxChars = Number(argv[++i]);
    else if (argv[i].startsWith("--"))
      throw new EmbedlabError(`unknown option ${argv[i]}`, "usage: [DIR] [--write] [--samples] [--max-chars N]");
    else dir = argv[i];
  }
  await initBackend();
  const { model, tokenizer, manifest, training } = loadGptCheckpoint(dir);
  const t0 = Date.now();
  const r = gptBitsPerByteBySource(model, tokenizer, { maxCharsPerDoc: maxChars });
  const out = {
    checkpoint: path.basename(path.resolve(dir)),
    numParams: manifest.numParams,
    ...r,
    seconds: Math.round((Date.now() - t0) / 1000),
  };
  if (samples) {
    const step = typeof training.steps === "number" ? ` at step ${training.steps}` : "";
    fs.writeFileSync(
      path.join(dir, "samples.md"),
      `# Samples${step}\n\n` + sampleTable(model, tokenizer, SAMPLE_PROMPTS),
    );
  }
  if (write) fs.writeFileSync(path.join(dir, "bits-per-byte.json"), JSON.stringify(out, null, 2) + "\n");
  console.log(JSON.stringify(out.metrics));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
