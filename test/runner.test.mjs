// The runner against the real tslab kernel, on fixture notebooks written to temp dirs.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { isAlive, readNb, runRunner, tempDir, textOf, waitFor, writeNb } from "./runner-helpers.mjs";

const PARAMS = [
  "code",
  'let steps = 3; // steps\nlet profile: "quick" | "full" = "quick";\nlet tags = ["a"];',
  ["parameters"],
];

/** A notebook dir + out dir + expectations file (`expectations` are quick's, or `byProfile` whole); `runner(args)` runs against them. */
function setup(expectations = {}, byProfile = { quick: expectations }) {
  const dir = tempDir();
  const nbDir = path.join(dir, "nb");
  const out = path.join(dir, "out");
  const ex = path.join(dir, "expectations.json");
  fs.writeFileSync(ex, JSON.stringify(byProfile));
  fs.mkdirSync(nbDir);
  return {
    dir,
    nbDir,
    out,
    ex,
    run: (args, opts) => runRunner(["--notebooks", nbDir, "--out", out, "--expectations", ex, ...args], opts),
  };
}

test("happy path: executed notebook with outputs, injected parameters reach the kernel, progress ends as one output, expectations pass", async () => {
  const s = setup({ "01_ok": { score: { min: 0.85, max: 0.95 } } });
  writeNb(s.nbDir, "01_ok", [
    ["markdown", "# fixture"],
    PARAMS,
    [
      "code",
      'console.log("params " + JSON.stringify({ steps: steps, profile: profile, tags: tags }));\nconsole.log("env " + process.env.EMBEDLAB_NOTEBOOK + " " + process.env.EMBEDLAB_OUTPUT_DIR);\nconsole.log("root " + process.cwd() + " " + process.cwd() + "/data");',
    ],
    [
      "code",
      "import * as tslab from 'tslab';\nconst d = tslab.newDisplay();\nfor (const p of [0, 50, 100]) d.text(`bar ${p}%`);",
    ],
    [
      "code",
      'import { saveResults } from "@embedlab/lib";\nsaveResults("01_ok", { metrics: { score: steps / 10 }, params: { steps: steps, out: process.env.EMBEDLAB_OUTPUT_DIR + "/x", here: process.cwd() } });\n6 * 7',
    ],
  ]);
  const yaml = path.join(s.dir, "p.yaml");
  fs.writeFileSync(yaml, "tags: [x, y]\nsteps: 1\n");
  const r = await s.run(["01", "--params", yaml, "--param", "steps=9", "--param", "profile=full"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^ok\s+01_ok\s+\d+\.\d+s$/m);
  const nb = readNb(path.join(s.out, "01_ok.ipynb"));
  assert.deepEqual(nb.cells[2].metadata.tags, ["injected-parameters"]);
  const injected = [].concat(nb.cells[2].source).join("");
  assert.match(injected, /^steps = 9;$/m);
  assert.match(injected, /^tags = \["x","y"\];$/m);
  assert.deepEqual(nb.cells[2].outputs, []);
  assert.equal(
    textOf(nb.cells[3].outputs[0]),
    // Committed outputs carry no machine paths: the output folder is named by its variable, the repo root is ".".
    `params {"steps":9,"profile":"full","tags":["x","y"]}\nenv 01_ok $EMBEDLAB_OUTPUT_DIR\nroot . data\n`,
  );
  assert.deepEqual(nb.cells[4].outputs.map(textOf), ["bar 100%"]);
  assert.deepEqual(
    nb.cells[5].outputs.map((o) => [o.output_type, textOf(o)]),
    [["execute_result", "42"]],
  );
  assert.ok(nb.cells[5].execution_count > 0);
  assert.equal(nb.cells[5].outputs[0].execution_count, nb.cells[5].execution_count);
  assert.equal(nb.metadata.embedlab.status, "ok");
  assert.deepEqual(nb.metadata.embedlab.parameters, { tags: ["x", "y"], steps: 9, profile: "full" });
  const results = JSON.parse(fs.readFileSync(path.join(s.out, "01_ok.results.json"), "utf8"));
  assert.equal(results.metrics.score, 0.9);
  assert.deepEqual(results.params, { steps: 9, out: "$EMBEDLAB_OUTPUT_DIR/x", here: "." });
});

test("bursts of display messages (thousands in one synchronous loop) do not kill the kernel (zeromq EBUSY)", async () => {
  const s = setup();
  writeNb(s.nbDir, "01_burst", [
    ["code", "let n = 2000;", ["parameters"]],
    [
      "code",
      "import * as tslab from 'tslab';\nconst d = tslab.newDisplay();\nfor (let i = 0; i < n; i++) d.text(`update ${i}`);",
    ],
    ["code", "for (let i = 0; i < n; i++) tslab.display.text(`out ${i}`);\nconsole.log('printed');"],
  ]);
  const r = await s.run(["01"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const nb = readNb(path.join(s.out, "01_burst.ipynb"));
  assert.deepEqual(nb.cells[1].outputs.map(textOf), ["update 1999"]);
  const outs = nb.cells[2].outputs.map(textOf);
  assert.equal(outs.length, 2001);
  assert.deepEqual([outs[0], outs[1999], outs[2000]], ["out 0", "out 1999", "printed\n"]);
});

test("bad input is rejected before any kernel starts (exit 2, nothing written)", async () => {
  const s = setup();
  writeNb(s.nbDir, "01_ok", [PARAMS, ["code", "console.log(steps)"]]);
  writeNb(s.nbDir, "05_other", [["code", "let seed = 1;", ["parameters"]]]);
  const cases = [
    [["nope"], /unknown notebook "nope"[\s\S]*available: 01_ok, 05_other/],
    [
      ["--param", "stpes=4"],
      /unknown parameter "stpes"[\s\S]*01_ok: steps \(number\), profile \("quick" \| "full"\), tags \(string\[\]\); 05_other: seed \(number\)/,
    ],
    [["01", "--param", "steps=abc"], /parameter "steps" of 01_ok expects number, got "abc"/],
    [["--param", "profile=medium"], /parameter "profile" of 01_ok expects "quick" \| "full", got "medium"/],
    [["--param", "tags=[1,2]"], /parameter "tags" of 01_ok expects string\[\], got \[1,2\]/],
    [["--timeout", "soon"], /--timeout must be a positive number/],
  ];
  for (const [args, re] of cases) {
    const r = await s.run(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(fs.existsSync(s.out), false, `${args.join(" ")} wrote outputs`);
  }
  writeNb(s.nbDir, "07_none", [["code", "let x = 1;"]]);
  let r = await s.run(["07"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /07_none: expected exactly one code cell tagged "parameters", found 0/);
  writeNb(s.nbDir, "07_none", [
    ["code", "let x = 1;", ["parameters"]],
    ["code", "let y = 1;", ["parameters"]],
  ]);
  r = await s.run([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /found 2 \(cells 1, 2\)/);
  assert.equal(fs.existsSync(s.out), false);
});

test("a failing cell stops its notebook (partial file kept, cell number reported), a type error is reported, the next notebook still runs", async () => {
  const s = setup();
  writeNb(s.nbDir, "02_fail", [
    ["code", "let x = 1;", ["parameters"]],
    ["markdown", "text"],
    ["code", 'console.log("before");\nthrow new RangeError("kaboom " + x);'],
    ["code", 'console.log("never");'],
  ]);
  writeNb(s.nbDir, "03_types", [
    ["code", "let x = 1;", ["parameters"]],
    ["code", 'const n: number = "str";'],
  ]);
  writeNb(s.nbDir, "04_after", [
    ["code", "let x = 1;", ["parameters"]],
    ["code", 'console.log("after ran");'],
  ]);
  const r = await s.run([]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(
    r.stderr,
    /FAILED: notebook 02_fail, cell 3\n  \| console\.log\("before"\);\n  \| throw new RangeError\("kaboom " \+ x\);\n  RangeError: kaboom 1/,
  );
  assert.match(
    r.stderr,
    /FAILED: notebook 03_types, cell 2[\s\S]*TypeScriptError: 1:7 - Type 'string' is not assignable to type 'number'/,
  );
  assert.match(r.stdout, /^FAILED\s+02_fail\s/m);
  assert.match(r.stdout, /^FAILED\s+03_types\s/m);
  assert.match(r.stdout, /^ok\s+04_after\s/m);
  const nb = readNb(path.join(s.out, "02_fail.ipynb"));
  assert.deepEqual(
    nb.cells[2].outputs.map((o) => o.output_type),
    ["stream", "error"],
  );
  assert.equal(nb.cells[2].outputs[1].ename, "RangeError");
  assert.deepEqual(nb.cells[3].outputs, []);
  assert.equal(nb.metadata.embedlab.status, "FAILED");
  assert.equal(readNb(path.join(s.out, "04_after.ipynb")).cells[1].outputs[0].text, "after ran\n");
  assert.equal(fs.existsSync(path.join(s.out, ".embedlab-run.lock")), false, "lock not released after failures");
});

test("missing data: a loader throwing lib's DataNotFoundError gives a clear message and a non-zero exit", async () => {
  const s = setup();
  const empty = tempDir("embedlab-empty-data-");
  writeNb(s.nbDir, "05_data", [
    ["code", 'let dataset = "glove-tiny";', ["parameters"]],
    [
      "code",
      'import * as fs from "node:fs";\nimport * as path from "node:path";\nimport { DataNotFoundError, dataDir } from "@embedlab/lib";\nfunction load(name: string): string {\n  const f = path.join(dataDir(), name, "vectors.txt");\n  if (!fs.existsSync(f)) throw new DataNotFoundError(name, [f], "npm run data -- fetch " + name);\n  return fs.readFileSync(f, "utf8");\n}\nload(dataset);',
    ],
  ]);
  const r = await s.run([], { env: { EMBEDLAB_DATA_DIR: empty } });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^FAILED\s+05_data\s/m);
  assert.ok(
    r.stderr.includes(
      `DataNotFoundError: dataset "glove-tiny" not found; searched: ${path.join(empty, "glove-tiny", "vectors.txt")}`,
    ),
    r.stderr,
  );
  assert.match(r.stderr, /→ set EMBEDLAB_DATA_DIR to a folder that has it, or run: npm run data -- fetch glove-tiny/);
});

test("kernel death (process.exit in a cell) and a cell timeout are reported as such, and no kernel is left behind", async () => {
  const s = setup();
  writeNb(s.nbDir, "06_dies", [
    ["code", "let code = 1;", ["parameters"]],
    ["code", 'console.log("PID " + process.pid);'],
    ["code", "process.exit(code);"],
    ["code", "1"],
  ]);
  writeNb(s.nbDir, "07_sleeps", [
    ["code", "let ms = 60000;", ["parameters"]],
    ["code", 'console.log("PID " + process.pid);'],
    ["code", "await new Promise((r) => setTimeout(r, ms));"],
  ]);
  writeNb(s.nbDir, "08_busy", [
    ["code", "let ms = 60000;", ["parameters"]],
    ["code", 'console.log("PID " + process.pid);'],
    ["code", "const end = Date.now() + ms;\nwhile (Date.now() < end) {}"],
  ]);
  const r = await s.run(["--timeout", "3"]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^DIED\s+06_dies\s/m);
  assert.match(r.stderr, /DIED: notebook 06_dies, cell 3[\s\S]*KernelDied: kernel process exited \(code 1\)/);
  assert.match(r.stdout, /^TIMEOUT\s+07_sleeps\s/m);
  assert.match(r.stdout, /^TIMEOUT\s+08_busy\s/m);
  assert.match(r.stderr, /TIMEOUT: notebook 07_sleeps, cell 3[\s\S]*CellTimeout: cell did not finish within 3 s/);
  for (const name of ["06_dies", "07_sleeps", "08_busy"]) {
    const nb = readNb(path.join(s.out, `${name}.ipynb`));
    const pid = Number(/PID (\d+)/.exec(nb.cells[1].outputs[0].text)[1]);
    assert.equal(isAlive(pid), false, `${name}: kernel ${pid} still running`);
    assert.equal(nb.cells[2].outputs.at(-1).output_type, "error");
  }
  assert.ok(r.ms < 120_000, `took ${r.ms} ms`);
});

test("heartbeat loss: a stopped kernel (SIGSTOP mid-cell) is reported dead long before the cell timeout", async () => {
  const s = setup();
  writeNb(s.nbDir, "06_stops", [
    ["code", 'let sig = "SIGSTOP";', ["parameters"]],
    ["code", 'console.log("PID " + process.pid);'],
    ["code", "process.kill(process.pid, sig as NodeJS.Signals);"],
  ]);
  const r = await s.run(["--timeout", "300", "--heartbeat", "3"]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^DIED\s+06_stops\s/m);
  assert.match(r.stderr, /KernelDied: kernel stopped answering heartbeats for 3 s \(process state T: stopped\)/);
  assert.ok(r.ms < 60_000, `took ${r.ms} ms`);
  const pid = Number(/PID (\d+)/.exec(readNb(path.join(s.out, "06_stops.ipynb")).cells[1].outputs[0].text)[1]);
  assert.equal(await waitFor(() => !isAlive(pid), 5000), true, `stopped kernel ${pid} was not killed`);
});

test("expectations: a violated bound, a missing metric and a missing results file fail the run", async () => {
  const s = setup({ "01_low": { score: { min: 0.95 }, other: { max: 1 } }, "02_nores": { score: { min: 0 } } });
  writeNb(s.nbDir, "01_low", [
    ["code", "let v = 0.5;", ["parameters"]],
    [
      "code",
      'import { saveResults } from "@embedlab/lib";\nsaveResults("01_low", { metrics: { score: v }, params: {} });',
    ],
  ]);
  writeNb(s.nbDir, "02_nores", [
    ["code", "let v = 1;", ["parameters"]],
    ["code", "console.log(v);"],
  ]);
  const r = await s.run([]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /expectation failed: 01_low: metric "score" = 0\.5 is below min 0\.95/);
  assert.match(r.stderr, /expectation failed: 01_low: metric "other" missing/);
  assert.match(r.stderr, /expectation failed: 02_nores: results file .*02_nores\.results\.json is missing/);
  assert.match(r.stdout, /^FAILED\s+01_low\s/m);
  assert.match(r.stdout, /^FAILED\s+02_nores\s/m);
  const meta = readNb(path.join(s.out, "01_low.ipynb")).metadata.embedlab;
  assert.equal(meta.status, "FAILED");
  assert.equal(meta.expectation_failures.length, 2);
  const ok = await s.run(["01", "--param", "v=0.97"]);
  assert.equal(ok.code, 1, "other is still missing");
  fs.writeFileSync(s.ex, JSON.stringify({ quick: { "01_low": { score: { min: 0.95 } } } }));
  assert.equal((await s.run(["01", "--param", "v=0.97"])).code, 0);
});

test("the executed notebook is written atomically: every read parses, no temp files stay, a killed runner leaves no kernel", async () => {
  const s = setup();
  const cells = [
    ["code", "let n = 4;", ["parameters"]],
    ["code", 'console.log("PID " + process.pid);'],
  ];
  for (let i = 0; i < 6; i++) cells.push(["code", `console.log("${"x".repeat(99)}\\n".repeat(20000));`]);
  cells.push(["code", "await new Promise((r) => setTimeout(r, 60000));"]);
  writeNb(s.nbDir, "09_big", cells);
  const file = path.join(s.out, "09_big.ipynb");
  let reads = 0;
  let bad = 0;
  let child;
  const poll = setInterval(() => {
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      return; // not there yet
    }
    reads++;
    try {
      JSON.parse(text);
    } catch {
      bad++;
    }
  }, 2);
  const done = runRunner(["--notebooks", s.nbDir, "--out", s.out, "--expectations", s.ex], {
    onSpawn: (c) => (child = c),
  });
  // Wait until the sleeping cell is reached (all big outputs written), then kill the runner outright.
  const reached = await waitFor(() => {
    try {
      return readNb(file).cells[7].outputs.length > 0;
    } catch {
      return false;
    }
  }, 120_000);
  assert.ok(reached, "big cells did not finish");
  child.kill("SIGKILL");
  await done;
  clearInterval(poll);
  assert.ok(reads > 5, `only ${reads} reads`);
  assert.equal(bad, 0, `${bad} of ${reads} reads saw a half-written notebook`);
  const nb = readNb(file);
  assert.equal(nb.cells[7].outputs[0].text.length, 100 * 20000 + 1);
  assert.deepEqual(
    fs.readdirSync(s.out).filter((f) => f.endsWith(".tmp")),
    [],
  );
  const pid = Number(/PID (\d+)/.exec(nb.cells[1].outputs[0].text)[1]);
  assert.equal(await waitFor(() => !isAlive(pid), 10_000), true, `kernel ${pid} outlived its killed runner`);
});

/** A notebook whose cell 5 (id c4) sleeps `ms`, after writing its results in cell 4. */
function sleeper(s, name) {
  writeNb(s.nbDir, name, [
    ["code", "let ms = 60000;", ["parameters"]],
    ["markdown", "# sleeps"],
    ["code", 'console.log("PID " + process.pid);'],
    [
      "code",
      `import { saveResults } from "@embedlab/lib";\nsaveResults("${name}", { metrics: { score: 1 }, params: {} });`,
    ],
    ["code", "// the slow one\nawait new Promise((r) => setTimeout(r, ms));"],
    ["code", 'console.log("never");'],
  ]);
  return path.join(s.out, `${name}.ipynb`);
}

/** Resolves the kernel's pid once the runner of `file` is inside its slow cell. */
async function untilSleeping(file) {
  const ok = await waitFor(() => {
    try {
      return readNb(file).cells[3].execution_count > 0;
    } catch {
      return false;
    }
  }, 120_000);
  assert.ok(ok, "the slow cell was never reached");
  assert.equal(readNb(file).metadata.embedlab.status, "running", "the run ended before its slow cell");
  await new Promise((r) => setTimeout(r, 300)); // the slow cell has been sent
  return Number(/PID (\d+)/.exec(readNb(file).cells[2].outputs[0].text)[1]);
}

test("Ctrl-C (SIGINT): kernel stopped, partial notebook marked interrupted at its cell, results marked, exit 130; a second run into the same --out is refused meanwhile", async () => {
  const s = setup();
  const file = sleeper(s, "01_sleep");
  let child;
  const done = s.run([], { onSpawn: (c) => (child = c) });
  const pid = await untilSleeping(file);
  const lockFile = path.join(s.out, ".embedlab-run.lock");
  assert.equal(JSON.parse(fs.readFileSync(lockFile, "utf8")).pid, child.pid);
  const second = await s.run([]);
  assert.equal(second.code, 2, second.stdout + second.stderr);
  assert.match(second.stderr, new RegExp(`is in use by run pid ${child.pid} \\(started [^)]*, notebooks 01_sleep\\)`));
  assert.match(second.stderr, /wait for it to finish, or choose another --out/);
  assert.equal(second.stdout, "", "the refused run started something");
  child.kill("SIGINT");
  const r = await done;
  assert.equal(r.code, 130, r.stdout + r.stderr);
  assert.match(
    r.stderr,
    /^interrupted \(SIGINT\): 01_sleep stopped at cell 5 \(id c4\) after \d+\.\d s; kernel stopped; partial notebook: .*01_sleep\.ipynb; .*01_sleep\.results\.json marked "interrupted"$/m,
  );
  assert.match(r.stdout, /^interrupted 01_sleep\s/m);
  assert.equal(await waitFor(() => !isAlive(pid), 5000), true, `kernel ${pid} survived Ctrl-C`);
  const nb = readNb(file);
  assert.equal(nb.metadata.embedlab.status, "interrupted");
  assert.equal(nb.metadata.embedlab.interrupted_cell, "5");
  assert.equal(nb.metadata.embedlab.interrupted_cell_id, "c4");
  assert.equal(nb.metadata.embedlab.failed_cell, null);
  assert.deepEqual(
    nb.cells[4].outputs.map((o) => [o.output_type, o.ename]),
    [["error", "Interrupted"]],
  );
  assert.deepEqual(nb.cells[5].outputs, []);
  const results = JSON.parse(fs.readFileSync(path.join(s.out, "01_sleep.results.json"), "utf8"));
  assert.equal(results.status, "interrupted");
  assert.equal(results.interrupted_cell, "5");
  assert.equal(results.metrics.score, 1);
  assert.deepEqual(
    fs.readdirSync(s.out).filter((f) => f.startsWith(".")),
    [],
    "lock or temp files left behind",
  );
});

test("SIGTERM: same as Ctrl-C with exit 143; a results file from an earlier run is left as it was", async () => {
  const s = setup();
  const file = sleeper(s, "02_term");
  writeNb(s.nbDir, "03_next", [
    ["code", "let x = 1;", ["parameters"]],
    ["code", 'console.log("next ran");'],
  ]);
  // Cell 4 writes results before the slow cell; have it write nothing this time.
  const nb0 = readNb(path.join(s.nbDir, "02_term.ipynb"));
  nb0.cells[3].source = "1";
  fs.writeFileSync(path.join(s.nbDir, "02_term.ipynb"), JSON.stringify(nb0));
  fs.mkdirSync(s.out);
  const earlier = path.join(s.out, "02_term.results.json");
  fs.writeFileSync(earlier, '{"metrics":{"score":0.5}}\n');
  fs.utimesSync(earlier, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  let child;
  const done = s.run([], { onSpawn: (c) => (child = c) });
  const pid = await untilSleeping(file);
  child.kill("SIGTERM");
  const r = await done;
  assert.equal(r.code, 143, r.stdout + r.stderr);
  assert.match(
    r.stderr,
    /^interrupted \(SIGTERM\): 02_term stopped at cell 5 \(id c4\) .*partial notebook: .*02_term\.ipynb$/m,
  );
  assert.match(r.stdout, /^0\/2 notebooks ok; not run: 03_next$/m);
  assert.equal(fs.existsSync(path.join(s.out, "03_next.ipynb")), false);
  assert.equal(await waitFor(() => !isAlive(pid), 5000), true, `kernel ${pid} survived SIGTERM`);
  assert.equal(readNb(file).metadata.embedlab.status, "interrupted");
  assert.equal(fs.readFileSync(earlier, "utf8"), '{"metrics":{"score":0.5}}\n');
  assert.equal(fs.existsSync(path.join(s.out, ".embedlab-run.lock")), false);
});

test("progress lines per cell when stdout is not a terminal; --log-output streams cell output prefixed; a stale lock is taken over", async () => {
  const s = setup();
  writeNb(s.nbDir, "04_log", [
    ["code", "let n = 2;", ["parameters"]],
    ["markdown", "# text"],
    [
      "code",
      '// says hello\n\nprocess.stdout.write("hel");\nprocess.stdout.write("lo\\nwor");\nconsole.error("oops");\nn * 21',
    ],
    ["code", `const long = "${"y".repeat(120)}";\nconsole.log("second");`],
  ]);
  // A lock left by a run that died without releasing it (its pid no longer exists).
  const dead = spawnSync(process.execPath, ["-e", ""]).pid;
  fs.mkdirSync(s.out);
  const lockFile = path.join(s.out, ".embedlab-run.lock");
  fs.writeFileSync(
    lockFile,
    JSON.stringify({ pid: dead, started_at: "2020-01-01T00:00:00.000Z", notebooks: ["04_log"] }),
  );
  const r = await s.run(["--log-output"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`note: took over the stale lock of run pid ${dead} \\(started 2020-01-01T00:00:00.000Z\\)`),
  );
  assert.equal(fs.existsSync(lockFile), false, "lock not released");
  const lines = r.stdout.split("\n");
  const progress = lines.filter((l) => / elapsed\)/.test(l));
  assert.equal(progress.length, 3, r.stdout);
  assert.match(progress[0], /^\[04_log\] cell 1\/4 \(\d+\.\d s elapsed\) let n = 2;$/);
  assert.match(progress[1], /^\[04_log\] cell 3\/4 \(\d+\.\d s elapsed\) process\.stdout\.write\("hel"\);$/);
  assert.match(progress[2], /^\[04_log\] cell 4\/4 \(\d+\.\d s elapsed\) const long = "y{60,}…$/);
  assert.ok(progress[2].length < 140, progress[2]);
  const logged = lines.filter((l) => l.startsWith("[04_log] ") && !/ elapsed\)/.test(l));
  assert.deepEqual(logged, ["[04_log] hello", "[04_log] wor", "[04_log] 42", "[04_log] second"]);
  assert.match(r.stderr, /^\[04_log\] oops$/m);
  // Without the flag: progress, but no cell output.
  const quiet = await s.run([]);
  assert.equal(quiet.code, 0);
  assert.match(quiet.stdout, /\[04_log\] cell 3\/4/);
  assert.doesNotMatch(quiet.stdout, /\[04_log\] (hello|42|second)/);
  assert.doesNotMatch(quiet.stderr, /oops/);
});

test("profiles: the run's profile picks its expectations and cell timeout; a cell's metadata.execution.timeout overrides it", async () => {
  const s = setup(
    {},
    {
      quick: { "10_scores": { score: { min: 0 } } },
      full: { "10_scores": { score: { min: 0.9 } }, "11_slow": { score: { min: 0 } } },
      "full-smoke": { "10_scores": ["score", "promised_but_missing"] },
    },
  );
  writeNb(s.nbDir, "10_scores", [
    PARAMS,
    [
      "code",
      'import { saveResults } from "@embedlab/lib";\nsaveResults("10_scores", { metrics: { score: 0.5 }, params: {} });',
    ],
  ]);
  writeNb(s.nbDir, "11_slow", [PARAMS, ["code", "await new Promise((r) => setTimeout(r, 60000));"]]);
  const file = path.join(s.nbDir, "11_slow.ipynb");
  const nb = JSON.parse(fs.readFileSync(file, "utf8"));
  nb.cells[1].metadata.execution = { timeout: 2 };
  fs.writeFileSync(file, JSON.stringify(nb));
  const quick = await s.run(["10_scores"]);
  assert.equal(quick.code, 0, quick.stdout + quick.stderr);
  assert.match(quick.stdout, /▶ 10_scores \(expectations: quick\)/);
  const full = await s.run(["--param", 'profile="full"']);
  assert.equal(full.code, 1);
  assert.match(full.stderr, /expectation failed: 10_scores: metric "score" = 0\.5 is below min 0\.9/);
  assert.match(full.stdout, /^TIMEOUT\s+11_slow\s/m);
  assert.match(full.stderr, /CellTimeout: cell did not finish within 2 s/); // the cell's own limit, not full's 12 h
  assert.ok(full.ms < 120_000, `took ${full.ms} ms`);
  const smoke = await s.run(["10_scores", "--expect", "full-smoke"]);
  assert.equal(smoke.code, 1);
  assert.match(
    smoke.stderr,
    /metric "promised_but_missing" missing from 10_scores\.results\.json \(promised: must exist and be finite\)/,
  );
  assert.doesNotMatch(smoke.stderr, /"score"/);
});
