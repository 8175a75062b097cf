/**
 * `npm run pretrain [-- --steps N --out DIR --max-docs N --seed S]`: trains the tiny GPT on the Brown
 * corpus and writes the checkpoint (default `data/models/tinygpt-brown/`).
 */
import { EmbedlabError } from "../core";
import { pretrainGpt, GptPretrainOptions } from "./lm-pretrain";

function parseArgs(argv: string[]): GptPretrainOptions {
  const opts: GptPretrainOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const val = argv[i + 1];
    const num = (): number => {
      const n = Number(val);
      if (!Number.isFinite(n)) throw new EmbedlabError(`${key} needs a number, got "${val}"`);
      i++;
      return n;
    };
    if (key === "--steps") opts.steps = num();
    else if (key === "--max-docs") opts.maxDocs = num();
    else if (key === "--seed") opts.seed = num();
    else if (key === "--batch") opts.batch = num();
    else if (key === "--eval-every") opts.evalEvery = num();
    else if (key === "--out") {
      opts.out = val;
      i++;
    } else
      throw new EmbedlabError(
        `unknown option ${key}`,
        "options: --steps N --out DIR --max-docs N --seed S --batch B --eval-every N",
      );
  }
  return opts;
}

pretrainGpt(parseArgs(process.argv.slice(2)))
  .then(({ dir, record }) => {
    console.log(
      JSON.stringify({
        dir,
        valLoss: record.valLoss,
        unigramValLoss: record.unigramValLoss,
        numParams: record.numParams,
        tokensPerSecond: record.tokensPerSecond,
        wallSeconds: record.wallSeconds,
      }),
    );
  })
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
