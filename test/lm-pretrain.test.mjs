// LM pretraining: the mirror's text corpora (unwrapping, loaders, errors), the by-document split,
// held-out bits per byte (exact accounting), float16 checkpoints, and bit-identical resume.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TINY } from "./gpt-tiny.mjs";

const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
const gpt = lib.models.gpt;
const { data, train } = lib;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "lm-pretrain-test-"));

const BOOK = (n) =>
  `THE BOOK OF ${n}\n\n\nCHAPTER I. The Start\n\nIt was a bright cold day in April, and the clocks\nwere striking ` +
  `thirteen. Winston Smith, his chin nuzzled\ninto his breast, slipped quickly through the doors.\n\n` +
  `"Hello," said she.\n\n\n\nCHAPTER II. More\n\n` +
  Array.from({ length: 30 }, (_, i) => `Line ${i} of book ${n} goes on\nand on about the weather.\n`).join("\n");
const FACT = (n) =>
  `Country ${n}\n\n\nIntroduction\n\nBackground: A small country with ${n} rivers.  \n` +
  `Geography - area: ${n}00 sq km\nPeople and Society - population: ${n} million (2024 est.)\n`;

/** A data root with a few fake Gutenberg books and Factbook profiles. */
function fakeRoot() {
  const root = tmp();
  const g = path.join(root, "corpora", "gutenberg");
  const f = path.join(root, "corpora", "world_factbook");
  fs.mkdirSync(g, { recursive: true });
  fs.mkdirSync(f, { recursive: true });
  for (let i = 1; i <= 6; i++) fs.writeFileSync(path.join(g, `pg${i}_book_${i}.txt`), BOOK(i));
  for (let i = 1; i <= 6; i++) fs.writeFileSync(path.join(f, `region_c${i}.txt`), FACT(i));
  fs.writeFileSync(path.join(g, "README.md"), "not a book");
  return root;
}

before(async () => {
  await lib.backend.initBackend();
});

test("unwrapParagraphs joins hard-wrapped lines, keeps headings and paragraph breaks", () => {
  const t = data.unwrapParagraphs(
    "CHAPTER I. Down\n\nAlice was  beginning\nto get very\r\ntired.\n\n\n\n  Next one.  \n",
  );
  assert.equal(t, "CHAPTER I. Down\nAlice was beginning to get very tired.\nNext one.");
  assert.equal(data.unwrapParagraphs(""), "");
});

test("Gutenberg and Factbook loaders read *.txt in name order; a missing folder names corpora/<name>", () => {
  const root = fakeRoot();
  const books = data.loadGutenbergDocs({ root });
  assert.deepEqual(
    books.map((b) => b.id),
    ["pg1_book_1", "pg2_book_2", "pg3_book_3", "pg4_book_4", "pg5_book_5", "pg6_book_6"],
  );
  assert.ok(
    books[0].text.startsWith(
      "THE BOOK OF 1\nCHAPTER I. The Start\nIt was a bright cold day in April, and the clocks were striking thirteen.",
    ),
  );
  assert.ok(!books[0].text.includes("\n\n"));
  const facts = data.loadFactbookDocs({ root });
  assert.equal(facts.length, 6);
  assert.equal(facts[0].text.split("\n")[2], "Background: A small country with 1 rivers.");
  const empty = tmp();
  assert.throws(
    () => data.loadGutenbergDocs({ root: empty }),
    (e) => e.name === "DataNotFoundError" && /corpora\/gutenberg/.test(e.message),
  );
  assert.throws(
    () => data.loadFactbookDocs({ root: empty }),
    (e) => /world_factbook/.test(e.message) && /corpora\/world_factbook/.test(e.message),
  );
});

test("the split holds out whole documents of every source, seeded and stable", () => {
  const root = fakeRoot();
  const a = train.loadLmCorpus("mix", { root, maxDocs: 6, valFraction: 0.34 });
  const b = train.loadLmCorpus("mix", { root, maxDocs: 6, valFraction: 0.34 });
  assert.deepEqual(
    a.map((s) => s.name),
    ["brown", "gutenberg", "factbook"],
  );
  for (const [i, s] of a.entries()) {
    assert.equal(s.val.length, 2, s.name);
    assert.equal(s.train.length, 4, s.name);
    const ids = new Set(s.train.map((d) => d.id));
    for (const d of s.val) assert.ok(!ids.has(d.id), `${s.name}/${d.id} is in both`);
    assert.deepEqual(
      s.val.map((d) => d.id),
      b[i].val.map((d) => d.id),
    );
  }
  // the Brown split is the same whichever corpus is loaded
  assert.deepEqual(
    train.loadLmCorpus("brown", { maxDocs: 6, valFraction: 0.34 })[0].val.map((d) => d.id),
    a[0].val.map((d) => d.id),
  );
  assert.throws(() => train.loadLmCorpus("wiki"), /unknown corpus/);
});

test("bitsPerByte: a uniform model scores tokens·log2(V)/bytes exactly; windows count each token once", () => {
  const texts = [
    "Héllo wörld, this is a test of the accounting.",
    "Second document, a bit longer than the first one is.",
  ];
  const tok = gpt.BpeTokenizer.train([...texts, ...texts], TINY.vocab_size);
  const zeros = {};
  for (const [name, shape] of Object.entries(gpt.paramShapes(TINY))) zeros[name] = tf.zeros(shape);
  const flat = new gpt.GPT(TINY, zeros);
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t, "utf8"), 0);
  const tokens = texts.reduce((n, t) => n + tok.encode(t).length, 0);
  assert.ok(tokens > 2 * TINY.block_size, "the test needs several windows");
  const r = gpt.bitsPerByte(flat, tok, texts, { batch: 3 });
  assert.equal(r.bytes, bytes);
  assert.equal(r.tokens, tokens);
  assert.ok(Math.abs(r.bitsPerByte - (tokens * Math.log2(TINY.vocab_size)) / bytes) < 1e-5, String(r.bitsPerByte));

  // a random model: the same sum as scoring the stream window by window by hand
  const model = new gpt.GPT(TINY, undefined, 7);
  const ids = [];
  const counted = [];
  for (const t of texts) {
    ids.push(tok.eotId);
    counted.push(0);
    for (const id of tok.encode(t)) {
      ids.push(id);
      counted.push(1);
    }
  }
  const T = TINY.block_size;
  let nats = 0;
  for (let s = 0; s + 1 < ids.length; s += T) {
    const x = ids.slice(s, Math.min(s + T, ids.length - 1));
    const lp = tf.tidy(() => tf.logSoftmax(model.forward(tf.tensor2d(x, [1, x.length], "int32")).logits.squeeze([0])));
    const rows = lp.arraySync();
    lp.dispose();
    for (let j = 0; j < x.length; j++) if (counted[s + j + 1]) nats -= rows[j][ids[s + j + 1]];
  }
  const r2 = gpt.bitsPerByte(model, tok, texts, { batch: 2 });
  assert.ok(Math.abs(r2.nats - nats) / nats < 1e-5, `${r2.nats} vs ${nats}`);
  assert.ok(Math.abs(r2.bitsPerByte - nats / Math.LN2 / bytes) < 1e-5);
  // maxCharsPerDoc evaluates a prefix cut at a space
  const r3 = gpt.bitsPerByte(model, tok, texts, { maxCharsPerDoc: 20 });
  assert.equal(
    r3.bytes,
    Buffer.byteLength("Héllo wörld, this", "utf8") + Buffer.byteLength("Second document, a", "utf8"),
  );
  tf.dispose(Object.values(zeros));
  flat.dispose?.();
  model.dispose?.();
});

test("float16: conversion rounds to nearest even; fp16 checkpoints are half the size and load", () => {
  const cases = [
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65520, 0x7c00],
    [0.1, 0x2e66],
    [2 ** -24, 0x0001],
    [2 ** -26, 0x0000],
    [1 + 2 ** -11, 0x3c00],
    [1 + 3 * 2 ** -11, 0x3c02],
    [0, 0],
  ];
  for (const [v, h] of cases) assert.equal(gpt.f32ToF16(v), h, `f32ToF16(${v})`);
  assert.equal(gpt.f16ToF32(0x2e66), 0.0999755859375);
  assert.ok(Number.isNaN(gpt.f16ToF32(gpt.f32ToF16(NaN))));

  const tok = gpt.BpeTokenizer.train(["some text for the tokenizer, the the then", BOOK(1)], TINY.vocab_size);
  const model = new gpt.GPT(TINY, undefined, 3);
  const d32 = path.join(tmp(), "m32");
  const d16 = path.join(tmp(), "m16");
  gpt.saveGptCheckpoint(d32, model, tok, {});
  gpt.saveGptCheckpoint(d16, model, tok, {}, { dtype: "float16", extraFiles: { "notes.txt": "hi" } });
  assert.equal(fs.statSync(path.join(d16, "weights.bin")).size * 2, fs.statSync(path.join(d32, "weights.bin")).size);
  assert.equal(fs.readFileSync(path.join(d16, "notes.txt"), "utf8"), "hi");
  const loaded = gpt.loadGptCheckpoint(d16);
  assert.equal(loaded.manifest.dtype, "float16");
  const a = model.params["h.0.mlp.c_fc.weight"].dataSync();
  const b = loaded.model.params["h.0.mlp.c_fc.weight"].dataSync();
  for (let i = 0; i < a.length; i++) assert.equal(b[i], gpt.f16ToF32(gpt.f32ToF16(a[i])));
  const w = path.join(d16, "weights.bin");
  fs.writeFileSync(w, fs.readFileSync(w).subarray(0, 100));
  assert.throws(() => gpt.loadGptCheckpoint(d16), /float16/);
});

test("safetensors: F16 and BF16 tensors read as float32 (GPT-2 checkpoints on the hub use all three)", () => {
  const halfs = [0x3c00, 0xc000, 0x2e66, 0x0001, 0x7c00];
  const bfloats = [0x3f80, 0xc000, 0x3dcd, 0x0001, 0xff80];
  const header = {
    h: { dtype: "F16", shape: [5], data_offsets: [0, 10] },
    b: { dtype: "BF16", shape: [5], data_offsets: [10, 20] },
  };
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8) json += " ";
  const buf = Buffer.alloc(8 + json.length + 20);
  buf.writeBigUInt64LE(BigInt(json.length), 0);
  buf.write(json, 8, "utf8");
  [...halfs, ...bfloats].forEach((v, i) => buf.writeUInt16LE(v, 8 + json.length + 2 * i));
  const file = path.join(tmp(), "mixed.safetensors");
  fs.writeFileSync(file, buf);
  const t = gpt.readSafetensors(file);
  assert.deepEqual([...t.h.data], [1, -2, 0.0999755859375, 2 ** -24, Infinity]);
  assert.deepEqual([...t.b.data], [1, -2, Math.fround(0.10009765625), Math.fround(2 ** -133), -Infinity]);
});

test("pretraining: stopped after k steps and resumed, it ends bit-identical to an uninterrupted run", async () => {
  const root = fakeRoot();
  const common = {
    corpus: "mix",
    root,
    maxDocs: 4,
    valFraction: 0.25,
    config: { ...TINY },
    steps: 7,
    batch: 2,
    evalEvery: 3,
    valWindows: 2,
    warmup: 2,
    tokenizerChars: 5000,
    handleSignals: false,
    samplePrompts: ["It was"],
    log: () => {},
  };
  const full = path.join(tmp(), "full");
  const a = await train.pretrainGpt({ ...common, out: full });
  assert.equal(a.record.steps, 7);
  assert.equal(a.record.stoppedEarly, false);
  const part = path.join(tmp(), "part");
  const b1 = await train.pretrainGpt({ ...common, out: part, stopAfter: 4 });
  assert.equal(b1.record.steps, 4);
  assert.equal(b1.record.stoppedEarly, true);
  assert.ok(!fs.existsSync(path.join(part, "bits-per-byte.json")));
  // the resumed run takes its settings from the resume state (a different lr here is ignored)
  const b2 = await train.pretrainGpt({
    out: part,
    resume: true,
    root,
    lr: 1,
    handleSignals: false,
    samplePrompts: ["It was"],
    log: () => {},
  });
  assert.equal(b2.record.steps, 7);
  assert.ok(fs.readFileSync(path.join(full, "weights.bin")).equals(fs.readFileSync(path.join(part, "weights.bin"))));
  assert.equal(
    fs.readFileSync(path.join(full, "train-log.jsonl"), "utf8"),
    fs.readFileSync(path.join(part, "train-log.jsonl"), "utf8"),
  );
  assert.equal(fs.readFileSync(path.join(full, "train-log.jsonl"), "utf8").trim().split("\n").length, 7);
  for (const f of [
    "val-curve.csv",
    "val-curve.vl.json",
    "samples.md",
    "bits-per-byte.json",
    "tokenizer.json",
    "manifest.json",
  ])
    assert.ok(fs.existsSync(path.join(part, f)), f);
  const curve = fs.readFileSync(path.join(full, "val-curve.csv"), "utf8").trim().split("\n");
  assert.equal(curve[0], "step,val_brown,val_gutenberg,val_factbook,val_all");
  assert.deepEqual(
    curve.slice(1).map((l) => +l.split(",")[0]),
    [0, 3, 6, 7],
  );
  const bpb = JSON.parse(fs.readFileSync(path.join(part, "bits-per-byte.json"), "utf8"));
  for (const k of ["gpt_bits_per_byte_brown", "gpt_bits_per_byte_gutenberg", "gpt_bits_per_byte_factbook"])
    assert.ok(bpb.metrics[k] > 0 && bpb.metrics[k] < 10, k);
  const samples = fs.readFileSync(path.join(part, "samples.md"), "utf8");
  assert.match(samples, /\| prompt \| greedy \| greedy, repetition penalty 1\.3 \| temperature 0\.8, top-k 40 \|/);
  assert.match(samples, /\| It was \|/);
  const chart = JSON.parse(fs.readFileSync(path.join(part, "val-curve.vl.json"), "utf8"));
  assert.ok(JSON.stringify(chart).includes("gutenberg"));
  // the committed folder loads as a model; the resume state stays beside it
  const loaded = gpt.loadGptCheckpoint(part);
  assert.equal(loaded.training.steps, 7);
  assert.ok(fs.existsSync(path.join(part, "resume", "latest.json")));
});

test("pretrain CLI arguments: model size, corpus, resume and fp16", () => {
  const { parsePretrainArgs } = require("@embedlab/lib/dist/train/lm-pretrain-cli.js");
  const o = parsePretrainArgs([
    "--corpus",
    "mix",
    "--layers",
    "4",
    "--embd",
    "192",
    "--ctx",
    "256",
    "--resume",
    "--fp16",
    "--steps",
    "10",
  ]);
  assert.equal(o.corpus, "mix");
  assert.deepEqual(o.config, { n_layer: 4, n_embd: 192, block_size: 256 });
  assert.equal(o.resume, true);
  assert.equal(o.dtype, "float16");
  assert.equal(o.steps, 10);
  assert.match(o.out, /tinygpt-mix$/);
  assert.throws(() => parsePretrainArgs(["--corpus", "wiki"]), /brown or mix/);
  const s2 = parsePretrainArgs(["--init-from", "data/models/a", "--min-lr-frac", "0", "--out", "b"]);
  assert.equal(s2.initFrom, "data/models/a");
  assert.equal(s2.minLrFrac, 0);
  assert.throws(() => parsePretrainArgs(["--init-from"]), /needs the folder/);
  assert.throws(() => parsePretrainArgs(["--steps", "x"]), /needs a number/);
});

test("pretrain CLI: SIGTERM stops after the current step with the model and resume state saved", async () => {
  const { spawn } = await import("node:child_process");
  const root = fakeRoot();
  const out = path.join(tmp(), "sig");
  const cli = path.resolve("lib/dist/train/lm-pretrain-cli.js");
  const args = ["--corpus", "mix", "--out", out, "--max-docs", "4", "--steps", "100000", "--eval-every", "100000"];
  args.push("--layers", "2", "--embd", "16", "--heads", "2", "--ctx", "16", "--vocab", "300", "--batch", "2");
  args.push("--tokenizer-chars", "5000", "--val-windows", "2");
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, EMBEDLAB_DATA_DIR: root } });
  let err = "";
  let sent = false;
  child.stderr.on("data", (d) => {
    err += d;
    if (!sent && /unigram baseline/.test(err)) {
      sent = true;
      setTimeout(() => child.kill("SIGTERM"), 1500);
    }
  });
  const code = await new Promise((resolve) => child.on("exit", (c) => resolve(c)));
  assert.equal(code, 0, err);
  assert.match(err, /SIGTERM: stopping/);
  const training = JSON.parse(fs.readFileSync(path.join(out, "training.json"), "utf8"));
  assert.equal(training.stoppedEarly, true);
  assert.ok(training.steps > 0 && training.steps < 100000, String(training.steps));
  const latest = JSON.parse(fs.readFileSync(path.join(out, "resume", "latest.json"), "utf8"));
  assert.equal(latest.step, training.steps);
  assert.equal(fs.readFileSync(path.join(out, "train-log.jsonl"), "utf8").trim().split("\n").length, training.steps);
});

test("warmupStableDecay: warm-up, a length-independent plateau, then a linear decay over the last share", () => {
  const s = train.warmupStableDecay({ peakLr: 1, warmup: 4, decayFrac: 0.25, finalFrac: 0.1 });
  assert.equal(s(0, 100), 0.25);
  assert.equal(s(3, 100), 1);
  assert.equal(s(50, 100), s(50, 200));
  assert.equal(s(74, 100), 1);
  assert.equal(s(75, 100), 1);
  assert.ok(Math.abs(s(99, 100) - (0.1 + 0.9 * (1 / 25))) < 1e-12);
  assert.ok(s(80, 100) < s(76, 100));
  assert.throws(() => train.warmupStableDecay({ peakLr: 1, warmup: 1, decayFrac: 0 }), /decayFrac/);
});

test("resume may change the length of a wsd run before its decay, and of no other run", async () => {
  const root = fakeRoot();
  const base = {
    corpus: "mix",
    root,
    maxDocs: 4,
    valFraction: 0.25,
    config: { ...TINY },
    batch: 2,
    evalEvery: 100,
    valWindows: 1,
    warmup: 1,
    tokenizerChars: 5000,
    handleSignals: false,
    finalEval: false,
    samplePrompts: ["It"],
    log: () => {},
  };
  const wsd = path.join(tmp(), "wsd");
  await train.pretrainGpt({ ...base, out: wsd, steps: 8, schedule: "wsd", stopAfter: 2 });
  const r = await train.pretrainGpt({ ...base, out: wsd, steps: 10, resume: true, stopAfter: 5 });
  assert.equal(r.record.steps, 5);
  assert.equal(r.record.stepsPlanned, 10);
  // a shorter run whose decay starts now: allowed; one whose decay would have started already: refused
  await assert.rejects(
    train.pretrainGpt({ ...base, out: wsd, steps: 6, decayFrac: 0.5, resume: true }),
    /cannot change the run's length/,
  );
  const r2 = await train.pretrainGpt({ ...base, out: wsd, steps: 7, decayFrac: 0.3, resume: true });
  assert.equal(r2.record.steps, 7);
  assert.equal(r2.record.settings.decayFrac, 0.3);
  const lrs = r2.record.history.map((h) => h.lr);
  assert.equal(lrs[4], lrs[2]);
  assert.equal(lrs[5], lrs[4]);
  assert.ok(lrs[6] < lrs[5], JSON.stringify(lrs));
  const cos = path.join(tmp(), "cos");
  await train.pretrainGpt({ ...base, out: cos, steps: 8, stopAfter: 2 });
  await assert.rejects(
    train.pretrainGpt({ ...base, out: cos, steps: 10, resume: true }),
    /cannot change the run's length/,
  );
});

test("initFrom: a second stage starts from another run's final weights, with its own schedule; bad folders are refused", async () => {
  const root = fakeRoot();
  const base = {
    corpus: "mix",
    root,
    maxDocs: 4,
    valFraction: 0.25,
    config: { ...TINY },
    batch: 2,
    evalEvery: 100,
    valWindows: 1,
    warmup: 1,
    tokenizerChars: 5000,
    handleSignals: false,
    finalEval: false,
    samplePrompts: ["It"],
    log: () => {},
  };
  const first = path.join(tmp(), "first");
  const a = await train.pretrainGpt({ ...base, out: first, steps: 4 });
  const second = path.join(tmp(), "second");
  // stage two: its own schedule (a one-step warm-up, then a linear decay to 0) and the first run's split and tokenizer
  const b = await train.pretrainGpt({
    ...base,
    config: undefined,
    valFraction: 0.5,
    out: second,
    initFrom: first,
    steps: 3,
    lr: 1e-3,
    schedule: "wsd",
    decayFrac: 1,
    minLrFrac: 0,
    seed: 99,
  });
  assert.deepEqual(b.record.settings.initializedFrom, { dir: first, step: 4, tokensSeen: 4 * 2 * TINY.block_size });
  assert.equal(b.record.settings.valFraction, 0.25, "the first run's document split is kept");
  assert.equal(b.record.steps, 3);
  assert.equal(b.record.history[0].lr, 1e-3);
  assert.ok(b.record.history[2].lr < b.record.history[1].lr);
  // the first validation point of stage two is the first run's final validation loss
  assert.equal(b.record.valHistory[0].valLoss, a.record.valHistory[a.record.valHistory.length - 1].valLoss);
  assert.equal(
    fs.readFileSync(path.join(first, "tokenizer.json"), "utf8"),
    fs.readFileSync(path.join(second, "tokenizer.json"), "utf8"),
  );
  await assert.rejects(
    train.pretrainGpt({ ...base, out: path.join(tmp(), "x"), initFrom: path.join(tmp(), "nothing"), steps: 1 }),
    /no resume state/,
  );
  await assert.rejects(
    train.pretrainGpt({
      ...base,
      config: { ...TINY, n_embd: TINY.n_embd * 2 },
      out: path.join(tmp(), "y"),
      initFrom: first,
      steps: 1,
    }),
    /config differs .*n_embd/,
  );
  await assert.rejects(
    train.pretrainGpt({
      ...base,
      corpus: "brown",
      config: undefined,
      out: path.join(tmp(), "z"),
      initFrom: first,
      steps: 1,
    }),
    /trained on corpus mix/,
  );
});
