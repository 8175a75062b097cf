/**
 * `npm run pretrain [-- --corpus brown|mix --resume --steps N --out DIR ...]`: trains the tiny GPT and
 * writes the checkpoint folder (default `data/models/tinygpt-brown/` for brown, `data/models/tinygpt-mix/`
 * for mix). SIGTERM / Ctrl-C stop after the current step with everything saved; `--resume` continues.
 */
import { EmbedlabError, projectDataDir } from "../core";
import { GptConfig } from "../models/gpt";
import { pretrainGpt, GptPretrainOptions } from "./lm-pretrain";

const NUM: Record<string, keyof GptPretrainOptions> = {
  "--steps": "steps",
  "--max-docs": "maxDocs",
  "--seed": "seed",
  "--batch": "batch",
  "--eval-every": "evalEvery",
  "--lr": "lr",
  "--warmup": "warmup",
  "--val-windows": "valWindows",
  "--tokenizer-chars": "tokenizerChars",
  "--stop-after": "stopAfter",
  "--decay-frac": "decayFrac",
  "--min-lr-frac": "minLrFrac",
};
const CONF: Record<string, keyof GptConfig> = {
  "--layers": "n_layer",
  "--heads": "n_head",
  "--embd": "n_embd",
  "--ctx": "block_size",
  "--vocab": "vocab_size",
};
const USAGE =
  "options: --corpus brown|mix --resume --out DIR --init-from DIR --fp16 --wsd --no-final-eval " +
  [...Object.keys(NUM), ...Object.keys(CONF)].map((k) => `${k} N`).join(" ");

export function parsePretrainArgs(argv: string[]): GptPretrainOptions {
  const opts: GptPretrainOptions = {};
  const config: Partial<GptConfig> = {};
  const o = opts as Record<string, unknown>;
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const val = argv[i + 1];
    const num = (): number => {
      const n = Number(val);
      if (val === undefined || !Number.isFinite(n))
        throw new EmbedlabError(`${key} needs a number, got "${val}"`, USAGE);
      i++;
      return n;
    };
    if (key in NUM) o[NUM[key]] = num();
    else if (key in CONF) (config as Record<string, number>)[CONF[key]] = num();
    else if (key === "--resume") opts.resume = true;
    else if (key === "--fp16") opts.dtype = "float16";
    else if (key === "--wsd") opts.schedule = "wsd";
    else if (key === "--no-final-eval") opts.finalEval = false;
    else if (key === "--corpus") {
      if (val !== "brown" && val !== "mix")
        throw new EmbedlabError(`--corpus must be brown or mix, got "${val}"`, USAGE);
      opts.corpus = val;
      i++;
    } else if (key === "--init-from") {
      if (!val) throw new EmbedlabError("--init-from needs the folder of a finished run", USAGE);
      opts.initFrom = val;
      i++;
    } else if (key === "--out") {
      if (!val) throw new EmbedlabError("--out needs a folder", USAGE);
      opts.out = val;
      i++;
    } else throw new EmbedlabError(`unknown option ${key}`, USAGE);
  }
  if (Object.keys(config).length) opts.config = config;
  if (!opts.out && opts.corpus === "mix") opts.out = projectDataDir("models", "tinygpt-mix");
  return opts;
}

if (require.main === module) {
  let opts: GptPretrainOptions;
  try {
    opts = parsePretrainArgs(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  }
  pretrainGpt(opts)
    .then(({ dir, record }) => {
      console.log(
        JSON.stringify({
          dir,
          steps: record.steps,
          stepsPlanned: record.stepsPlanned,
          tokensSeen: record.tokensSeen,
          valLoss: record.valLoss,
          unigramValLoss: record.unigramValLoss,
          numParams: record.numParams,
          tokensPerSecond: record.tokensPerSecond,
          wallSeconds: record.wallSeconds,
          bitsPerByte: record.bitsPerByte,
        }),
      );
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
