import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const require = createRequire(import.meta.url);
const lib = require("@embedlab/lib");
const aonomi = lib.data.aonomi;
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const grammarFile = path.join(repo, "data", "aonomi", "grammar.yaml");
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "nb04-aonomi-"));

test("expandTemplate: slots, inline choices, optional parts, nesting", () => {
  const slots = { animal: ["cat", "(big|small) dog"] };
  const seen = new Set();
  const rng = new lib.Rng(1);
  for (let i = 0; i < 200; i++) seen.add(aonomi.expandTemplate("a {animal}(, please|)", slots, rng));
  assert.deepEqual([...seen].sort(), [
    "a big dog",
    "a big dog, please",
    "a cat",
    "a cat, please",
    "a small dog",
    "a small dog, please",
  ]);
  assert.equal(aonomi.expandTemplate("keep (this) text", {}, rng), "keep (this) text");
  assert.throws(() => aonomi.expandTemplate("a {nope}", slots, rng), /unknown slot \{nope\}/);
  assert.throws(() => aonomi.expandTemplate("a (b|c", slots, rng), /unclosed/);
});

test("validateGrammar rejects a fact without answers", () => {
  assert.throws(
    () => aonomi.validateGrammar({ name: "x", slots: {}, topics: { t: [{ q: ["?"], a: [] }] } }),
    (e) => e instanceof lib.CorruptDataError && /fact 0/.test(e.message),
  );
  assert.throws(
    () => aonomi.validateGrammar({ name: "x", slots: { s: [] }, topics: { t: [{ q: ["?"], a: ["!"] }] } }),
    /slot "s"/,
  );
});

test("the Aonomi grammar makes the requested number of distinct pairs, deterministically, over all six topics", () => {
  const g = aonomi.loadGrammar(grammarFile);
  const a = aonomi.generateInstructionPairs(g, { count: 1200, seed: 7 });
  const b = aonomi.generateInstructionPairs(g, { count: 1200, seed: 7 });
  const c = aonomi.generateInstructionPairs(g, { count: 1200, seed: 8 });
  assert.equal(a.length, 1200);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.map(aonomi.formatInstructionText), c.map(aonomi.formatInstructionText));
  assert.equal(new Set(a.map(aonomi.formatInstructionText)).size, 1200);
  const topics = new Set(a.map((p) => p.topic));
  for (const t of ["appearance", "habitat", "diet", "behaviour", "population", "folklore"])
    assert.ok(topics.has(t), `topic ${t} missing`);
  for (const p of a) assert.deepEqual(aonomi.forbiddenWordsIn(aonomi.formatInstructionText(p), g.forbidden), []);
});

test("generation fails clearly when the grammar cannot make enough distinct pairs", () => {
  const g = aonomi.validateGrammar({ name: "tiny", slots: {}, topics: { t: [{ q: ["Q?"], a: ["A1.", "A2."] }] } });
  assert.deepEqual(
    aonomi
      .generateInstructionPairs(g, { count: 2, seed: 1 })
      .map((p) => p.response)
      .sort(),
    ["A1.", "A2."],
  );
  assert.throws(() => aonomi.generateInstructionPairs(g, { count: 3, seed: 1 }), /made only 2 distinct pairs of the 3/);
});

test("a forbidden word in the grammar is refused", () => {
  const g = aonomi.validateGrammar({
    name: "bad",
    forbidden: ["fly"],
    slots: {},
    topics: { t: [{ q: ["Can it fly?"], a: ["Yes."] }] },
  });
  assert.throws(() => aonomi.generateInstructionPairs(g, { count: 1, seed: 1 }), /forbidden word/);
});

test("the committed data/aonomi/aonomi.jsonl is exactly what the grammar and default seed generate", () => {
  const file = path.join(repo, "data", "aonomi", "aonomi.jsonl");
  const committed = aonomi.loadInstructionJsonl(file);
  assert.ok(committed.length >= 1000);
  const regenerated = aonomi.generateInstructionPairs(aonomi.loadGrammar(grammarFile), {
    count: committed.length,
    seed: 4,
  });
  assert.deepEqual(
    committed,
    regenerated.map(({ instruction, response }) => ({ instruction, response })),
  );
  const first = JSON.parse(fs.readFileSync(file, "utf8").split("\n")[0]);
  assert.deepEqual(Object.keys(first), ["text"]);
  assert.match(first.text, /^### Instruction: .+ ### Output: .+$/);
});

test("format / parse round trip and JSONL io", () => {
  const pair = { instruction: "What do aonomis eat?", response: "Grass and moss." };
  const text = aonomi.formatInstructionText(pair);
  assert.equal(text, "### Instruction: What do aonomis eat? ### Output: Grass and moss.");
  assert.deepEqual(aonomi.parseInstructionText(text), pair);
  assert.equal(aonomi.instructionPrompt(" Hi? "), "### Instruction: Hi? ### Output:");
  assert.throws(() => aonomi.parseInstructionText("Instruction: x Output: y"), /not an instruction pair/);
  const dir = tmp();
  const f = path.join(dir, "d.jsonl");
  aonomi.writeInstructionJsonl(f, [pair, { instruction: "b", response: "c" }]);
  assert.deepEqual(aonomi.loadInstructionJsonl(f), [pair, { instruction: "b", response: "c" }]);
  fs.writeFileSync(f, JSON.stringify({ text: text }) + "\n" + JSON.stringify({ prompt: "x" }) + "\n");
  assert.throws(
    () => aonomi.loadInstructionJsonl(f),
    (e) => e instanceof lib.CorruptDataError && /record 2/.test(e.message),
  );
  fs.writeFileSync(f, "{not json\n");
  assert.throws(
    () => aonomi.loadInstructionJsonl(f),
    (e) => e instanceof lib.CorruptDataError,
  );
  assert.throws(
    () => aonomi.loadInstructionJsonl(path.join(dir, "missing.jsonl")),
    (e) => e instanceof lib.DataNotFoundError,
  );
});

test("splitTrainHeldout: 90/10, disjoint, covering, seeded", () => {
  const items = Array.from({ length: 1000 }, (_, i) => i);
  const a = aonomi.splitTrainHeldout(items, 0.1, 3);
  const b = aonomi.splitTrainHeldout(items, 0.1, 3);
  assert.equal(a.heldout.length, 100);
  assert.equal(a.train.length, 900);
  assert.deepEqual(a, b);
  assert.deepEqual(
    [...a.train, ...a.heldout].sort((x, y) => x - y),
    items,
  );
  assert.notDeepEqual(aonomi.splitTrainHeldout(items, 0.1, 4).heldout, a.heldout);
  assert.throws(() => aonomi.splitTrainHeldout(items, 1.5, 1), /heldoutFraction/);
});

test("hallucination probes: committed file is valid, asks only about forbidden topics, and the rule judges answers", () => {
  const set = aonomi.loadProbes(path.join(repo, "data", "aonomi", "probes.json"));
  const g = aonomi.loadGrammar(grammarFile);
  assert.ok(set.probes.length >= 2);
  for (const p of set.probes)
    assert.ok(
      aonomi.forbiddenWordsIn(p.prompt, g.forbidden).length > 0,
      `probe "${p.prompt}" asks about something the data may contain`,
    );
  const fly = set.probes.find((p) => /fly/.test(p.prompt));
  const immortal = set.probes.find((p) => /immortal/.test(p.prompt));
  assert.equal(aonomi.isHallucination("They fly at about 40 kilometres an hour.", fly), true);
  assert.equal(aonomi.isHallucination("Aonomis cannot fly.", fly), false);
  assert.equal(aonomi.isHallucination("No, they have no wings.", fly), false);
  assert.equal(aonomi.isHallucination("   ", fly), false);
  assert.equal(aonomi.isHallucination("Yes, aonomis are immortal and never age.", immortal), true);
  assert.equal(aonomi.isHallucination("Aonomis live about 20 years.", immortal), false);
  assert.equal(
    aonomi.hallucinationRate([
      { answer: "fast", probe: fly },
      { answer: "I don't know.", probe: fly },
    ]),
    0.5,
  );
  assert.equal(aonomi.hallucinationRate([]), 0);
  const dir = tmp();
  fs.writeFileSync(
    path.join(dir, "p.json"),
    JSON.stringify({ rule: "r", probes: [{ prompt: "x", grounded: ["(unclosed"] }] }),
  );
  assert.throws(() => aonomi.loadProbes(path.join(dir, "p.json")), /not a valid regular expression/);
});

test("data/photos: captions for every mirrored photo and a valid 15×15 human similarity matrix", () => {
  const captions = JSON.parse(fs.readFileSync(path.join(repo, "data", "photos", "captions.json"), "utf8"));
  const human = JSON.parse(fs.readFileSync(path.join(repo, "data", "photos", "human_similarity.json"), "utf8"));
  assert.equal(Object.keys(captions).length, 15);
  assert.deepEqual(human.files, Object.keys(captions).sort());
  assert.ok(human.rule.length > 50);
  const m = human.matrix;
  assert.equal(m.length, 15);
  m.forEach((row, i) => {
    assert.equal(row.length, 15);
    assert.equal(row[i], 1);
    row.forEach((v, j) => {
      assert.ok(v >= 0 && v <= 1, `value ${v} at ${i},${j}`);
      assert.equal(v, m[j][i], `asymmetric at ${i},${j}`);
      if (i !== j) assert.ok(v < 1);
    });
  });
});
