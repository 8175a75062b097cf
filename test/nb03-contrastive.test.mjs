import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { tinyTextGpt } from "./gpt-tiny.mjs";
const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const tf = require("@tensorflow/tfjs");
const C = lib.experiments.gptEmbeddings;
const { GPT, DEFAULT_CONFIG, BpeTokenizer, embed } = lib.models.gpt;

const question = (id, n, correct) => ({
  questionId: id,
  question: `question ${id}?`,
  documentTitle: `Title ${id}`,
  candidates: Array.from({ length: n }, (_, i) => ({
    sentenceId: `${id}-${i}`,
    sentence: `sentence ${i} of ${id}.`,
    label: i === correct ? 1 : 0,
  })),
});

test("splitQuestionsById: disjoint by id, complete, seeded, candidates kept together", () => {
  const qs = Array.from({ length: 20 }, (_, i) => question(`Q${i}`, 3, i % 2 ? 1 : -1));
  const s = C.splitQuestionsById(qs, 0.5, 7);
  assert.equal(s.tune.length + s.evaluate.length, 20);
  assert.equal(s.evaluate.length, 10);
  const tuneIds = new Set(s.tune.map((q) => q.questionId));
  assert.ok(s.evaluate.every((q) => !tuneIds.has(q.questionId)));
  assert.ok(s.evaluate.every((q) => q.candidates.length === 3));
  assert.deepEqual(
    C.splitQuestionsById([...qs].reverse(), 0.5, 7)
      .evaluate.map((q) => q.questionId)
      .sort(),
    s.evaluate.map((q) => q.questionId).sort(),
    "depends on ids, not input order",
  );
  assert.notDeepEqual(
    C.splitQuestionsById(qs, 0.5, 8).evaluate.map((q) => q.questionId),
    s.evaluate.map((q) => q.questionId),
  );
  assert.throws(() => C.splitQuestionsById(qs, 1, 7), /evalFraction/);
});

test("questionFolds: every question evaluated exactly once, never in its own fold's tune part; k = 2 fold 1 = the 50/50 split", () => {
  const qs = Array.from({ length: 21 }, (_, i) => question(`Q${i}`, 3, i % 2 ? 1 : -1));
  const folds = C.questionFolds(qs, 3, 5);
  assert.deepEqual(
    folds.map((f) => f.fold),
    [1, 2, 3],
  );
  assert.deepEqual(
    folds.flatMap((f) => f.evaluate.map((q) => q.questionId)).sort(),
    qs.map((q) => q.questionId).sort(),
  );
  for (const f of folds) {
    const ev = new Set(f.evaluate.map((q) => q.questionId));
    assert.equal(f.tune.length + f.evaluate.length, 21);
    assert.ok(f.tune.every((q) => !ev.has(q.questionId)));
    assert.equal(f.evaluate.length, 7);
  }
  const two = C.questionFolds(qs, 2, 5);
  const half = C.splitQuestionsById(qs, 0.5, 5);
  assert.deepEqual(
    two[0].evaluate.map((q) => q.questionId),
    half.evaluate.map((q) => q.questionId),
  );
  assert.deepEqual(
    two[1].evaluate.map((q) => q.questionId),
    half.tune.map((q) => q.questionId),
  );
  assert.throws(() => C.questionFolds(qs, 1, 0), /folds must be an integer ≥ 2/);
  assert.throws(() => C.questionFolds(qs.slice(0, 2), 3, 0), /at least 3 questions/);
});

test("pair builders: QA pairs use only correct answers, neighbours are adjacent, dropout pairs are identical", () => {
  const qs = [question("Q1", 3, 2), question("Q2", 2, -1)];
  assert.deepEqual(C.questionAnswerPairs(qs), [{ a: "question Q1?", b: "sentence 2 of Q1.", source: "wikiqa-qa" }]);
  assert.deepEqual(
    C.questionTitlePairs(qs).map((p) => p.b),
    ["Title Q1", "Title Q2"],
  );
  const nb = C.neighbourPairs(
    [
      ["a", "b", "c"],
      ["x", "y"],
    ],
    10,
    0,
  );
  assert.equal(nb.length, 3);
  for (const p of nb) assert.ok(["a|b", "b|c", "x|y"].includes(`${p.a}|${p.b}`));
  assert.equal(
    C.neighbourPairs(
      [
        ["a", "b", "c"],
        ["x", "y"],
      ],
      2,
      0,
    ).length,
    2,
  );
  assert.deepEqual(C.dropoutPairs(["s"]), [{ a: "s", b: "s", source: "dropout" }]);
  assert.deepEqual(C.wikiqaArticles(qs)[1], ["sentence 0 of Q2.", "sentence 1 of Q2."]);
});

test("cropPairs: two different spans of the same sentence, seeded, short texts skipped", () => {
  const texts = ["one two three four five six seven eight nine ten", "too short here"];
  const p = C.cropPairs(texts, 4);
  assert.equal(p.length, 1);
  const words = texts[0].split(" ");
  for (const side of [p[0].a, p[0].b]) {
    const w = side.split(" ");
    assert.ok(w.length >= 5 && w.length <= 8, side);
    assert.ok(texts[0].includes(side), `not a contiguous span: ${side}`);
    assert.ok(w.every((x) => words.includes(x)));
  }
  assert.notEqual(p[0].a, p[0].b);
  assert.deepEqual(C.cropPairs(texts, 4), p);
  assert.equal(p[0].source, "crop");
});

test("brownSentenceDocs: sentences of the installed Brown corpus within the word limits", () => {
  const docs = C.brownSentenceDocs({ maxDocs: 2, minWords: 5, maxWords: 12 });
  assert.equal(docs.length, 2);
  const all = docs.flat();
  assert.ok(all.length > 20);
  for (const s of all) {
    const n = s.split(/\s+/).length;
    assert.ok(n >= 5 && n <= 12, s);
    assert.ok(!/\/[a-z]+\b/.test(s) || s.includes("http"), `POS tag left in: ${s}`);
  }
});

test("pairBatches: every batch has distinct texts, seeded", () => {
  const pairs = [
    ...Array.from({ length: 30 }, (_, i) => ({ a: `q${i % 10}`, b: `s${i}`, source: "t" })), // q repeats 3×
  ];
  const b1 = C.pairBatches(pairs, 8, 12, 3);
  assert.equal(b1.length, 12);
  for (const batch of b1) {
    assert.equal(batch.length, 8);
    const texts = batch.flatMap((i) => [pairs[i].a, pairs[i].b]);
    assert.equal(new Set(texts).size, texts.length, "a text appears twice in one batch");
  }
  assert.deepEqual(C.pairBatches(pairs, 8, 12, 3), b1);
  assert.throws(() => C.pairBatches(pairs, 1, 2, 0), /batch size/);
  assert.throws(() => C.pairBatches(pairs.slice(0, 1), 4, 2, 0), /at least 2 pairs/);
});

const tinyModel = () => tinyTextGpt();

test("firstWords keeps the start of long texts", () => {
  assert.equal(C.firstWords("a b  c d", 2), "a b");
  assert.equal(C.firstWords("a b", 5), "a b");
});

test("contrastiveFinetune lowers the InfoNCE loss and pulls paired texts together", async () => {
  await lib.backend.initBackend({ prefer: "cpu" });
  const { tok, model, texts } = tinyModel();
  // pair each text with a fixed, unrelated partner: only training can make the partners closest
  const partners = [3, 4, 5, 0, 1, 2];
  const pairs = texts.map((t, i) => ({ a: t, b: texts[partners[i]] + " !", source: "toy" }));
  const before = embed(model, tok, [...pairs.map((p) => p.a), ...pairs.map((p) => p.b)], { pooling: "mean-hidden" });
  const retrieval = (vecs) => {
    const sim = lib.metrics.cosineSimilarityMatrix(vecs.slice(0, 6), vecs.slice(6));
    return sim.filter((row, i) => row.indexOf(Math.max(...row)) === i).length;
  };
  const order = [];
  setImmediate(() => order.push("event loop turn"));
  const r = await C.contrastiveFinetune(model, tok, pairs, {
    steps: 40,
    batch: 6,
    lr: 1e-2,
    temperature: 0.1,
    seed: 2,
  });
  assert.equal(r.history.length, 40);
  order.push("done");
  assert.deepEqual(
    order,
    ["event loop turn", "done"],
    "the fine-tune loop lets the event loop run (a kernel must stay responsive)",
  );
  assert.deepEqual(r.sources, { toy: 6 });
  const first = r.history.slice(0, 5).reduce((s, h) => s + h.loss, 0) / 5;
  const last = r.history.slice(-5).reduce((s, h) => s + h.loss, 0) / 5;
  assert.ok(last < first * 0.5, `loss ${first} → ${last}`);
  const after = embed(model, tok, [...pairs.map((p) => p.a), ...pairs.map((p) => p.b)], { pooling: "mean-hidden" });
  assert.ok(
    retrieval(after) >= 5 && retrieval(after) > retrieval(before) + 2,
    `top-1 ${retrieval(before)} → ${retrieval(after)}`,
  );
  await assert.rejects(() => C.contrastiveFinetune(model, tok, pairs, { steps: -1 }), /steps/);
  model.dispose();
});

test("crossFitFinetune: one fresh model per fold, fine-tuned without the fold's evaluation texts, measured before and after", async () => {
  await lib.backend.initBackend({ prefer: "cpu" });
  const words = ["cat", "dog", "rain", "sea", "bird", "wind", "town", "park"];
  const qs = words.map((w, i) => ({
    questionId: `Q${i}`,
    question: `where is the ${w}?`,
    documentTitle: `The ${w}`,
    candidates: [
      { sentenceId: `${i}-0`, sentence: `the ${w} is here now`, label: 1 },
      { sentenceId: `${i}-1`, sentence: `nothing about it at all`, label: 0 },
    ],
  }));
  const folds = C.questionFolds(qs, 2, 0);
  const loads = [];
  const fresh = tinyModel();
  const load = async () => {
    const m = tinyModel();
    let disposed = false;
    const dispose = m.model.dispose.bind(m.model);
    m.model.dispose = () => {
      disposed = true;
      dispose();
    };
    loads.push(() => disposed);
    return { model: m.model, tokenizer: fresh.tok };
  };
  // "nothing about it at all" is a candidate of every question, so pairs with it must be dropped in each fold
  const buildPairs = (tune) => [
    ...C.questionAnswerPairs(tune),
    ...tune.map((q) => ({ a: q.question, b: "nothing about it at all", source: "shared" })),
  ];
  const runs = await C.crossFitFinetune({
    folds,
    load,
    buildPairs,
    stepsFor: (f) => f * 2,
    unrelated: ["one text", "another text", "third"],
    extraTexts: ["x y"],
    finetune: { batch: 2, lr: 1e-2, temperature: 0.1, seed: 1 },
  });
  assert.deepEqual(
    runs.map((r) => r.fold),
    [1, 2],
  );
  assert.deepEqual(
    runs.map((r) => r.steps),
    [2, 4],
  );
  assert.deepEqual(
    runs.map((r) => r.history.length),
    [2, 4],
  );
  assert.equal(loads.length, 2);
  assert.ok(
    loads.every((disposed) => disposed()),
    "each fold's model is disposed",
  );
  for (const r of runs) {
    assert.equal(r.leaked, 0);
    assert.equal(r.dropped, r.tuneQuestions, "every 'shared' pair touches the evaluation set");
    assert.deepEqual(r.sources, { "wikiqa-qa": r.tuneQuestions });
    assert.equal(r.before.sameArticle.relevant.length, folds[r.fold - 1].evaluate.length);
    assert.equal(r.after.extra.length, 1);
  }
  fresh.model.dispose();
});
