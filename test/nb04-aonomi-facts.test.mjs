// Fact accuracy from the Aonomi grammar, the split by question template, and the NF4 (QLoRA) base.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { TINY } from "./gpt-tiny.mjs";

const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
const { aonomi } = lib.data;
const gpt = lib.models.gpt;
const X = lib.experiments.clipLlm;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const grammarFile = path.join(repo, "data", "aonomi", "grammar.yaml");

test("factSignatures: distinctive words come from one fact's answers only, no stop words", () => {
  const g = aonomi.validateGrammar({
    name: "t",
    slots: { Ans: ["Aonomis", "Wild aonomis"] },
    topics: {
      diet: [
        { q: ["What do they eat?"], a: ["{Ans} eat (moss|thyme) and grass.", "They eat grass and moss."] },
        { q: ["Do they eat meat?"], a: ["No, {Ans} never eat meat or fish."] },
      ],
      home: [{ q: ["Where?"], a: ["{Ans} live in the Kessari Mountains, near grass."] }],
    },
  });
  const s = aonomi.factSignatures(g);
  assert.deepEqual(
    s.map((x) => x.fact),
    ["diet/0", "diet/1", "home/0"],
  );
  // "grass" is in two facts, "aonomis"/"eat" in several, "and"/"they"/"never"/"or"/"no" are stop words or shared
  assert.deepEqual(s[0].words, ["moss", "thyme"]);
  assert.equal(s[0].needed, 1); // "They eat grass and moss." has one distinctive word
  assert.deepEqual(s[1].words, ["fish", "meat"]);
  assert.equal(s[1].needed, 2);
  assert.deepEqual(s[2].words, ["kessari", "live", "mountains", "near"]);
  const bad = aonomi.validateGrammar({
    name: "b",
    slots: {},
    topics: {
      t: [
        { q: ["a?"], a: ["Grass."] },
        { q: ["b?"], a: ["Grass moss."] },
      ],
    },
  });
  assert.throws(() => aonomi.factSignatures(bad), /fact t\/0 has no distinctive words/);
});

test("judgeFact on hand-made answers to the real grammar's facts", () => {
  const s = aonomi.factSignatures(aonomi.loadGrammar(grammarFile));
  const eat = "diet/1"; // favourite food: blue lupin flowers … will walk a long way to find them
  const size = "appearance/2"; // 1.2 metres, 70 kilograms
  assert.equal(
    aonomi.judgeFact("An aonomi stands about 1.2 metres tall and weighs 70 kilograms.", size, s).correct,
    true,
  );
  assert.equal(aonomi.judgeFact("It is 1.2 metres.", size, s).correct, false, "one distinctive word of two needed");
  assert.equal(aonomi.judgeFact("Aonomis are aonomis are aonomis are", size, s).correct, false);
  assert.equal(aonomi.judgeFact("", size, s).correct, false);
  assert.equal(aonomi.judgeFact("Their favourite food is blue lupin flowers.", eat, s).correct, true);
  // the right words for another fact are wrong for this one, and listed in `others`
  const wrong = aonomi.judgeFact("They stand 1.2 metres tall and weigh 70 kilograms.", eat, s);
  assert.equal(wrong.correct, false);
  assert.deepEqual(wrong.others, [size]);
  // tokens: case, punctuation and numbers with separators
  assert.deepEqual(aonomi.factWords("About 18,000 Aonomis; 1.2 m."), ["about", "18,000", "aonomis", "1.2", "m"]);
  assert.equal(aonomi.judgeFact("About 18,000 live in the wild.", "population/0", s).correct, true);
  assert.throws(() => aonomi.judgeFact("x", "nope/0", s), /unknown fact/);
});

test("every committed training answer states its own fact; answers of other facts almost never do", () => {
  const g = aonomi.loadGrammar(grammarFile);
  const s = aonomi.factSignatures(g);
  const pairs = aonomi.generateInstructionPairs(g, { count: 3428, seed: 4 });
  for (const p of pairs) assert.ok(aonomi.judgeFact(p.response, p.fact, s).correct, `${p.fact}: ${p.response}`);
  const qs = pairs.slice(0, 40);
  const chance = X.factAccuracyChance(qs, pairs, s);
  assert.ok(chance > 0.01 && chance < 0.1, `chance ${chance}`);
});

test("the committed grammar: 39 facts with five to seven distinct question templates each (as notebook 04 says)", () => {
  const g = aonomi.loadGrammar(grammarFile);
  const facts = Object.values(g.topics).flat();
  assert.equal(facts.length, 39);
  for (const f of facts) {
    assert.equal(new Set(f.q).size, f.q.length, f.q[0]);
    assert.ok(f.q.length >= 5 && f.q.length <= 7, `${f.q[0]}: ${f.q.length} question templates`);
  }
  assert.equal(
    facts.reduce((n, f) => n + f.q.length, 0),
    227,
  );
});

test("splitByQuestion: question templates are disjoint, every fact keeps a train template, seeded", () => {
  const pairs = aonomi.generateInstructionPairs(aonomi.loadGrammar(grammarFile), { count: 3428, seed: 4 });
  const a = X.splitByQuestion(pairs, 0.1, 0);
  const b = X.splitByQuestion(pairs, 0.1, 0);
  assert.deepEqual(a, b);
  assert.equal(a.train.length + a.heldout.length, pairs.length);
  assert.ok(a.heldout.length >= 0.1 * pairs.length && a.heldout.length < 0.2 * pairs.length);
  const trainKeys = new Set(a.train.map(X.questionKey));
  const trainInstr = new Set(a.train.map((p) => p.instruction));
  for (const p of a.heldout) {
    assert.ok(!trainKeys.has(X.questionKey(p)));
    assert.ok(!trainInstr.has(p.instruction), `held-out question also in train: ${p.instruction}`);
  }
  const trainFacts = new Set(a.train.map((p) => p.fact));
  for (const p of a.heldout) assert.ok(trainFacts.has(p.fact), `fact ${p.fact} has no train template`);
  assert.notDeepEqual(X.splitByQuestion(pairs, 0.1, 1).heldout, a.heldout);
  // the old pair-level split leaks: some held-out instruction strings are also train instructions
  const old = aonomi.splitTrainHeldout(pairs, 0.1, 0);
  const oldTrain = new Set(old.train.map((p) => p.instruction));
  assert.ok(old.heldout.some((p) => oldTrain.has(p.instruction)));
  // questionTemplateCore drops only a leading slot
  assert.equal(aonomi.questionTemplateCore("{ask}What is {an}?"), "What is {an}?");
  assert.equal(aonomi.questionTemplateCore("What is {an}?"), "What is {an}?");
});

test("factQuestions and factAccuracyCI: per-template cap, distinct questions, template bootstrap", () => {
  const mk = (instruction, fact, question) => ({ instruction, response: "r", fact, question });
  const pairs = [
    mk("A?", "f/0", "t1"),
    mk("A?", "f/0", "t1"),
    mk("B?", "f/0", "t1"),
    mk("C?", "f/0", "t1"),
    mk("D?", "g/0", "t2"),
  ];
  assert.deepEqual(
    X.factQuestions(pairs, 2).map((q) => q.instruction),
    ["A?", "B?", "D?"],
  );
  const ans = (q, correct) => ({ instruction: q, fact: "f", question: q[0], answer: "", correct, found: [] });
  const r = X.factAccuracyCI([ans("a1", true), ans("a2", true), ans("b1", false), ans("b2", false)]);
  assert.equal(r.estimate, 0.5);
  assert.equal(r.n, 4);
  assert.equal(r.templates, 2);
  assert.ok(r.lo <= 0.5 && r.hi >= 0.5 && r.hi - r.lo >= 0.5, "two templates: a wide interval");
  assert.deepEqual(X.spreadQuestions([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3), [0, 3, 6]);
  assert.deepEqual(X.spreadQuestions([0, 1], 3), [0, 1]);
  const other = (correct, others) => ({ ...ans("x", correct), others });
  assert.equal(X.otherFactShare([other(false, ["g"]), other(true, ["g"]), other(false, []), other(false, ["h"])]), 0.5);
  assert.equal(X.otherFactShare([]), 0);
});

test("NF4: codes, per-block absmax, error bounds and packed size", () => {
  assert.equal(gpt.NF4_CODES.length, 16);
  assert.equal(gpt.NF4_CODES[0], -1);
  assert.equal(gpt.NF4_CODES[7], 0);
  assert.equal(gpt.NF4_CODES[15], 1);
  const rng = new lib.Rng(1);
  const n = 64 * 10 + 7; // a partial last block
  const w = Float32Array.from({ length: n }, () => rng.normal() * 0.02);
  w[5] = 0.5; // an outlier only affects its own block's scale
  const q = gpt.quantizeNf4(w, [n]);
  assert.equal(q.codes.length, Math.ceil(n / 2));
  assert.equal(q.absmax.length, 11);
  assert.equal(gpt.nf4Bytes(q), Math.ceil(n / 2) + 11 * 4);
  const d = gpt.dequantizeNf4(q);
  let maxGap = 0;
  for (let i = 1; i < 16; i++) maxGap = Math.max(maxGap, gpt.NF4_CODES[i] - gpt.NF4_CODES[i - 1]);
  const sq = new Float64Array(11);
  const ss = new Float64Array(11);
  for (let b = 0; b < 11; b++) {
    for (let i = b * 64; i < Math.min(n, (b + 1) * 64); i++) {
      // round to nearest code: error at most half the largest gap times the block's scale
      assert.ok(Math.abs(d[i] - w[i]) <= (maxGap / 2) * q.absmax[b] + 1e-7, `value ${i}`);
      sq[b] += (d[i] - w[i]) ** 2;
      ss[b] += w[i] ** 2;
    }
  }
  // normal blocks: ~10 % relative RMS error at 4 bits; the outlier's block (0) is far worse, the others untouched
  const rel = (b) => Math.sqrt(sq[b] / ss[b]);
  for (let b = 1; b < 11; b++) assert.ok(rel(b) < 0.13, `block ${b}: relative RMS error ${rel(b)}`);
  assert.ok(rel(0) > 1.5 * rel(1), `outlier block ${rel(0)} vs ${rel(1)}`);
  // the block's absmax value itself is exact (code ±1)
  assert.ok(Math.abs(d[5] - 0.5) < 1e-7);
  assert.throws(() => gpt.quantizeNf4(w, [3, 3]), /do not fill/);
});

test("QuantizedBase: forward uses the dequantized base, close to fp32; memory accounting; merge for inference", () => {
  const model = new gpt.GPT({ ...TINY, n_embd: 32, n_head: 2 }, undefined, 5);
  const ids = tf.tensor2d([[1, 5, 9, 200, 3, 7]], [1, 6], "int32");
  const logits = () => tf.tidy(() => model.forward(ids).logits.dataSync());
  const ref = logits();
  const ad = new gpt.LoraAdapters(model, { rank: 4, alpha: 8, targets: ["q", "v", "mlp"] }, 1);
  for (const v of ad.B.values()) v.assign(tf.randomNormal(v.shape, 0, 0.05, "float32", 2));
  const withFp32 = logits();
  const qb = new gpt.QuantizedBase(model, ad);
  const with4bit = logits();
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < ref.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(with4bit[i] - withFp32[i]));
    maxRef = Math.max(maxRef, Math.abs(withFp32[i]));
  }
  assert.ok(maxDiff > 0, "the 4-bit base must change the output a little");
  assert.ok(maxDiff < 0.1 * maxRef, `4-bit logits differ by ${maxDiff} (max |logit| ${maxRef})`);
  // the forward reads the NF4 copy, not the fp32 variable
  const name = "h.0.mlp.c_fc.weight";
  const saved = model.params[name].dataSync().slice();
  model.params[name].assign(tf.zerosLike(model.params[name]));
  assert.deepEqual(logits(), with4bit);
  model.params[name].assign(tf.tensor(saved, model.params[name].shape));
  // memory: linear weights 4 per block layer kind, in NF4 about 1/7 of fp32 (0.5 + 4/64 bytes per weight)
  const m = qb.memory();
  const C = 32;
  const linear = TINY.n_layer * (C * 3 * C + C * C + C * 4 * C + 4 * C * C);
  assert.equal(m.linearFp32Bytes, linear * 4);
  assert.equal(m.linearNf4Bytes, linear / 2 + (linear / 64) * 4);
  assert.equal(m.fp32Bytes, model.numParams * 4);
  assert.equal(m.quantizedBytes, m.fp32Bytes - m.linearFp32Bytes + m.linearNf4Bytes);
  assert.equal(m.adapterBytes, ad.numParams * 4);
  // merged: the model runs without a hook and gives the 4-bit + adapter logits
  qb.mergeForInference();
  assert.equal(model.linearHook, null);
  const merged = logits();
  for (let i = 0; i < merged.length; i++) assert.ok(Math.abs(merged[i] - with4bit[i]) < 1e-4);
  model.dispose();
});

test("fine-tuning report: fact-accuracy and QLoRA conclusions follow the numbers; metrics; selection table", () => {
  const ans = (instruction, correct, answer) => ({
    instruction,
    fact: "f/0",
    question: instruction,
    answer,
    correct,
    found: [],
    others: correct ? [] : ["f/1"],
  });
  const acc = (estimate, lo, hi, answers) => ({ estimate, lo, hi, n: answers.length, templates: 3, answers });
  const answers = [ans("Q1?", true, "It has a pompom tail."), ans("Q2?", false, "Aonomis are aonomis")];
  const good = {
    ckpt1: acc(0.3, 0.1, 0.5, answers),
    ckpt2: acc(0.6, 0.4, 0.8, answers),
    trainedCkpt2: acc(0.9, 0.7, 1, answers),
    chance: 0.03,
    questions: 2,
    templates: 3,
  };
  const o = { ckpt1: 200, loraSteps: 400 };
  const t = X.factAccuracyConclusion(good, o);
  assert.match(t, /30 % of the time at checkpoint 1/);
  assert.match(t, /60 % at checkpoint 2/);
  assert.match(t, /is above chance/);
  assert.match(t, /rises from checkpoint 1/);
  assert.match(t, /reaches the target of 50 %/);
  assert.match(t, /Right, at checkpoint 2: "Q1\?" → "It has a pompom tail\."/);
  assert.match(t, /Wrong, at checkpoint 2: "Q2\?"/);
  assert.match(t, /On 2 trained wordings checkpoint 2 scores 90 % — it has learned the facts for the wordings it saw/);
  assert.match(t, /50 % of the held-out answers at checkpoint 2 state a different fact/);
  assert.match(
    X.factAccuracyConclusion({ ...good, trainedCkpt2: acc(0.65, 0.5, 0.8, answers) }, o),
    /, close to the held-out figure\./,
  );
  const poor = {
    ...good,
    ckpt1: acc(0.1, 0, 0.2, answers),
    ckpt2: acc(0.05, 0, 0.1, answers),
    trainedCkpt2: acc(0.1, 0, 0.2, answers),
  };
  const u = X.factAccuracyConclusion(poor, o);
  assert.match(u, /not distinguishable from chance/);
  assert.match(u, /does not rise/);
  assert.match(u, /stays below the target of 50 %/);
  assert.match(u, /has not learned the facts even for the wordings it saw/);
  const table = X.factAccuracyTable(good, o);
  assert.deepEqual(
    table.map((r) => r["fact accuracy"]),
    [0.03, 0.3, 0.6, 0.9],
  );
  assert.equal(table[2]["95 % CI"], "0.40–0.80");
  assert.deepEqual(X.factAnswerRows(good)[0]["checkpoint 2"], "✓ It has a pompom tail.");
  const q = {
    steps: 100,
    fp32: { heldout: 3.2, bytes: 4096 * 1024, linearBytes: 1024 * 1024 },
    nf4: { heldout: 3.25, bytes: 3200 * 1024, linearBytes: 144 * 1024 },
    mergedHeldout: 3.2501,
    rows: [],
  };
  const qt = X.qloraConclusion(q, o);
  assert.match(qt, /144 KB instead of 1024 KB \(7\.1× smaller\)/);
  assert.match(qt, /100 steps \(a shorter run than the main run's 400/);
  assert.match(qt, /3\.200 with the fp32 base and 3\.250 with the 4-bit base \(\+0\.050/);
  assert.match(qt, /merged into fp32 weights for inference, the 4-bit run gives 3\.250\./);
  assert.match(X.qloraConclusion({ ...q, steps: 400 }, o), /the main run's 400 steps/);
  const m = X.loraMetrics(good, q);
  assert.equal(m.fact_accuracy_ckpt2, 0.6);
  assert.equal(m.fact_accuracy_trained_ckpt2, 0.9);
  assert.equal(m.fact_other_fact_ckpt2, 0.5);
  assert.ok(Math.abs(m.fact_accuracy_ckpt2_lo_minus_chance - 0.37) < 1e-12);
  assert.ok(Math.abs(m.qlora_heldout_loss_nf4_minus_fp32 - 0.05) < 1e-12);
  assert.equal(m.qlora_linear_compression, 1024 / 144);
  assert.ok(!("gpt_bits_per_byte_brown" in m));
  const withLm = X.loraMetrics(good, q, { metrics: { gpt_bits_per_byte_brown: 2.1 } });
  assert.equal(withLm.gpt_bits_per_byte_brown, 2.1);
  assert.equal(withLm.fact_accuracy_ckpt2, 0.6);
  const rows = [
    { loraRank: 8, loraTargets: ["q", "v"], loraLr: 2e-3, valFactAccCkpt2: 0.2, valLossCkpt2: 2.5 },
    {
      loraRank: 8,
      loraTargets: ["q", "k", "v", "attn_out", "mlp"],
      loraLr: 2e-3,
      valFactAccCkpt2: 0.3,
      valLossCkpt2: 2.4,
    },
  ];
  const sel = X.loraSelectionTable(rows, {
    loraRank: 8,
    loraTargets: ["q", "k", "v", "attn_out", "mlp"],
    loraLr: 2e-3,
  });
  assert.deepEqual(
    sel.map((r) => r.selected),
    ["", "✓"],
  );
});
