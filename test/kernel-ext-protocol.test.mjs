// The Jupyter protocol of the embedlab kernel (kernel-ext/src/protocol.ts, tslab-protocol.ts): unit tests
// of the pure parts, Jupyter's own conformance suite (ci/kernel_conformance.py) and `jupyter nbconvert
// --execute` against the kernel. The Jupyter tests need Debian's python3-jupyter-kernel-test, jupyter-client,
// jupyter-nbconvert, python3-nbclient (or the pip packages) and skip with a message without them. Every
// kernel is registered in a temporary JUPYTER_PATH / JUPYTER_DATA_DIR, never in the user's.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const {
  thrownError,
  compileError,
  isCompleteReply,
  resultBundle,
  SessionHistory,
  globRegExp,
} = require("@embedlab/kernel-ext/dist/protocol");
const { isPatched } = require("@embedlab/kernel-ext/dist/tslab-protocol");
import { pythonWith, run, jupyterEnv, nbconvert, codeNotebook, NO_NBCONVERT } from "./jupyter-helpers.mjs";

// ---- pure parts -------------------------------------------------------------------------------------

test("thrownError: name, message, the cell's frames (kernel machinery cut); non-Error values", () => {
  const e = new RangeError("too big");
  e.stack =
    "RangeError: too big\n    at explode (evalmachine.<anonymous>:3:9)\n    at evalmachine.<anonymous>:5:1\n    at Script.runInThisContext (node:vm:137:12)\n    at Object.execute (/x/node_modules/tslab/dist/executor.js:160:29)";
  assert.deepEqual(thrownError(e), {
    ename: "RangeError",
    evalue: "too big",
    traceback: [
      "RangeError: too big",
      "    at explode (evalmachine.<anonymous>:3:9)",
      "    at evalmachine.<anonymous>:5:1",
    ],
  });
  class DataMissing extends Error {
    constructor() {
      super("no data\n  → fetch it");
      this.name = "DataMissing";
    }
  }
  const d = thrownError(new DataMissing());
  assert.equal(d.ename, "DataMissing");
  assert.equal(d.evalue, "no data\n  → fetch it");
  assert.equal(d.traceback[0], "DataMissing: no data\n  → fetch it");
  assert.deepEqual(thrownError("plain string"), {
    ename: "Uncaught string",
    evalue: "plain string",
    traceback: ["Uncaught string: plain string"],
  });
  assert.equal(thrownError({ code: 1 }).evalue, "{ code: 1 }");
});

test("compileError: TypeScriptError, one 'line:col - message' per diagnostic in cell coordinates, source line and caret", () => {
  const code = 'let a = 1;\nconst n: number = "str";';
  const err = compileError(
    [{ line: 1, character: 6, messageText: "Type 'string' is not assignable to type 'number'." }],
    code,
  );
  assert.equal(err.ename, "TypeScriptError");
  assert.equal(err.evalue, "2:7 - Type 'string' is not assignable to type 'number'.");
  assert.deepEqual(err.traceback, [
    "TypeScriptError: 1 error in this cell",
    "2:7 - Type 'string' is not assignable to type 'number'.",
    '  2 | const n: number = "str";',
    "    |       ^",
  ]);
});

test("isCompleteReply: tslab's incomplete kept, code that does not parse is invalid", () => {
  const ts = require(
    require.resolve("@tslab/typescript-for-tslab", { paths: [path.dirname(require.resolve("tslab/package.json"))] }),
  );
  const parse = (code) =>
    ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS).parseDiagnostics;
  assert.deepEqual(isCompleteReply("if (a) {", { status: "incomplete", indent: "  " }, parse), {
    status: "incomplete",
    indent: "  ",
  });
  for (const bad of ["}}}", "const c = 1;)", "]", "const x = ;"])
    assert.deepEqual(isCompleteReply(bad, { status: "complete" }, parse), { status: "invalid" }, bad);
  for (const ok of [
    "1",
    "await Promise.resolve(1)",
    "for await (const x of y) {}",
    "let x = <number>y;",
    "`a${1}b`",
    '/}/.test("}")',
  ])
    assert.deepEqual(isCompleteReply(ok, { status: "complete" }, parse), { status: "complete" }, ok);
});

test("resultBundle: text/plain as Node's REPL shows the value", () => {
  assert.deepEqual(resultBundle(42), { "text/plain": "42" });
  assert.deepEqual(resultBundle("ab"), { "text/plain": "'ab'" });
  assert.deepEqual(resultBundle([2, 4]), { "text/plain": "[ 2, 4 ]" });
});

test("SessionHistory: tail, range, search (glob, unique, n), with and without output", () => {
  const h = new SessionHistory();
  h.add({ line: 1, input: "6*7", output: "42" });
  h.add({ line: 2, input: "let a = 1;", output: null });
  h.add({ line: 3, input: "6*7", output: "42" });
  h.add({ line: 4, input: "6*8", output: "48" });
  const S = SessionHistory.SESSION;
  assert.deepEqual(h.query({ hist_access_type: "tail", n: 2 }), [
    [S, 3, "6*7"],
    [S, 4, "6*8"],
  ]);
  assert.deepEqual(h.query({ hist_access_type: "tail", n: 1, output: true }), [[S, 4, ["6*8", "48"]]]);
  assert.deepEqual(h.query({ hist_access_type: "range", session: S, start: 2, stop: 3 }), [[S, 2, "let a = 1;"]]);
  assert.deepEqual(
    h.query({ hist_access_type: "range", session: 0, start: 3 }).map((e) => e[1]),
    [3, 4],
  );
  assert.deepEqual(h.query({ hist_access_type: "range", session: -1, start: 1 }), []);
  assert.deepEqual(
    h.query({ hist_access_type: "search", pattern: "6*7" }).map((e) => e[1]),
    [1, 3],
  );
  assert.deepEqual(
    h.query({ hist_access_type: "search", pattern: "6*", unique: true }).map((e) => e[1]),
    [3, 4],
  );
  assert.deepEqual(
    h.query({ hist_access_type: "search", pattern: "6*", n: 1 }).map((e) => e[1]),
    [4],
  );
  assert.ok(globRegExp("a?[bc]*").test("axc123"));
  assert.ok(!globRegExp("a.b").test("axb"));
});

test("the kernel preload patches tslab's executor and shell handler when tslab loads", () => {
  const check = `const j = require("tslab/dist/jupyter.js"); const e = require("tslab/dist/executor.js");
    const { isPatched } = require(${JSON.stringify(path.join(root, "kernel-ext", "dist", "tslab-protocol.js"))});
    process.stdout.write(JSON.stringify([isPatched(j.ZmqServer.prototype.handleShellMessage), isPatched(e.createExecutor)]));`;
  const preload = path.join(root, "kernel-ext", "dist", "kernel-preload.js");
  const r = spawnSync(process.execPath, ["--require", preload, "-e", check], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [true, true]);
  const plain = spawnSync(process.execPath, ["-e", check], { cwd: root, encoding: "utf8" });
  assert.deepEqual(JSON.parse(plain.stdout), [false, false], "without the preload tslab is untouched");
  assert.equal(
    isPatched(() => 0),
    false,
  );
});

// ---- against Jupyter's own tools ---------------------------------------------------------------------

const kernelTestPython = pythonWith(["jupyter_kernel_test", "jupyter_client"]);
const nbconvertPython = pythonWith(["nbconvert", "nbclient", "jupyter_client"]);
const NO_KERNEL_TEST =
  "jupyter_kernel_test not importable: apt-get install python3-jupyter-kernel-test jupyter-client (or pip install jupyter_kernel_test)";

test(
  "Jupyter's conformance suite (jupyter_kernel_test) passes against the embedlab kernel",
  { skip: kernelTestPython ? false : NO_KERNEL_TEST, timeout: 600_000 },
  async () => {
    const r = await run(kernelTestPython, [path.join(root, "ci", "kernel_conformance.py"), "-v"], {
      cwd: root,
      env: { ...process.env, EMBEDLAB_CONFORMANCE_KERNEL: "embedlab", NODE: process.execPath },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^OK \(skipped=2\)$/m, r.stderr);
    for (const t of [
      "kernel_info",
      "execute_result",
      "error",
      "is_complete",
      "history",
      "completion",
      "inspect",
      "display_data",
      "execute_stdout",
      "execute_stderr",
    ])
      assert.match(r.stderr, new RegExp(`^test_${t} \\(.*\\) \\.\\.\\. ok$`, "m"), t);
  },
);

/** A kernel registered in a temporary Jupyter path, a tiny notebook, and `jupyter nbconvert --execute` on it. */
function nbconvertSetup() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-nbconvert-"));
  const name = "embedlab-nbconvert-test";
  const env = jupyterEnv(tmp, name);
  const cells = [
    "let x = 20;",
    'console.log("before");\nx + 1',
    "function explode(n: number): never {\n  throw new RangeError(`kaboom ${n}`);\n}\nexplode(x);",
    'const n: number = "str";',
    'console.log("after " + x);',
  ];
  const nb = codeNotebook(cells, name);
  const file = path.join(tmp, "tiny.ipynb");
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
  const convert = (args) =>
    nbconvert(
      nbconvertPython,
      [
        "--to",
        "notebook",
        "--execute",
        "--ExecutePreprocessor.timeout=180",
        "--ExecutePreprocessor.startup_timeout=180",
        "--output-dir",
        path.join(tmp, "out"),
        ...args,
        file,
      ],
      {
        cwd: root,
        env: { ...env, EMBEDLAB_PARTIAL_NOTEBOOK: path.join(tmp, "partial.ipynb") },
      },
    );
  const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
  return {
    tmp,
    nbconvert: convert,
    cleanup,
    out: path.join(tmp, "out", "tiny.ipynb"),
    partial: path.join(tmp, "partial.ipynb"),
  };
}
const textOf = (o) =>
  o.output_type === "stream"
    ? [].concat(o.text).join("")
    : o.output_type === "error"
      ? `${o.ename}: ${o.evalue}`
      : [].concat(o.data?.["text/plain"] ?? "").join("");

test(
  "nbconvert --execute: a failing cell reports its error name, message and stack; the partial notebook is written (ci/nbconvert_partial.py)",
  { skip: nbconvertPython ? false : NO_NBCONVERT, timeout: 600_000 },
  async () => {
    const s = nbconvertSetup();
    try {
      const r = await s.nbconvert(["--config", path.join(root, "ci", "nbconvert_partial.py")]);
      assert.notEqual(r.code, 0, "a failing cell fails the conversion");
      assert.match(r.stderr, /CellExecutionError/);
      assert.match(r.stderr, /RangeError: kaboom 20/);
      assert.match(r.stderr, /at explode \(/);
      assert.equal(fs.existsSync(s.out), false, "nbconvert itself writes nothing on an error");
      const nb = JSON.parse(fs.readFileSync(s.partial, "utf8"));
      assert.deepEqual(
        nb.cells.map((c) => c.execution_count),
        [1, 2, 3, null, null],
      );
      assert.deepEqual(
        nb.cells[1].outputs.map((o) => [o.output_type, textOf(o)]),
        [
          ["stream", "before\n"],
          ["execute_result", "21"],
        ],
      );
      const err = nb.cells[2].outputs;
      assert.deepEqual(
        err.map((o) => o.output_type),
        ["error"],
      );
      assert.equal(err[0].ename, "RangeError");
      assert.equal(err[0].evalue, "kaboom 20");
      assert.match(err[0].traceback.join("\n"), /^RangeError: kaboom 20\n {4}at explode \(/);
      assert.deepEqual(nb.cells[3].outputs, []);
    } finally {
      s.cleanup();
    }
  },
);

test(
  "nbconvert --execute --allow-errors: every cell after an error runs (TypeScript errors with cell line numbers), with execution counts",
  { skip: nbconvertPython ? false : NO_NBCONVERT, timeout: 600_000 },
  async () => {
    const s = nbconvertSetup();
    try {
      const r = await s.nbconvert(["--allow-errors"]);
      assert.equal(r.code, 0, r.stderr);
      const nb = JSON.parse(fs.readFileSync(s.out, "utf8"));
      assert.deepEqual(
        nb.cells.map((c) => c.execution_count),
        [1, 2, 3, 4, 5],
      );
      assert.deepEqual(
        nb.cells.map((c) => c.outputs.map(textOf)),
        [
          [],
          ["before\n", "21"],
          ["RangeError: kaboom 20"],
          ["TypeScriptError: 1:7 - Type 'string' is not assignable to type 'number'."],
          ["after 20\n"],
        ],
      );
      assert.equal(nb.cells[1].outputs[1].execution_count, 2);
      assert.equal(nb.metadata.language_info.name, "typescript");
    } finally {
      s.cleanup();
    }
  },
);

test("markdownToHtml (markdown-it): paragraphs, lists, headings, bold, italic, code, links; raw HTML and script URLs escaped", () => {
  const { markdownToHtml } = require("@embedlab/kernel-ext");
  assert.equal(
    markdownToHtml(
      "**Teacher.** use-lite *zero-shot*, `a<b` & [docs](https://example.org).\nsecond line\n\n- **A.** one\n- two\n\n## Next\n1. x\n2. y",
    ),
    '<p><strong>Teacher.</strong> use-lite <em>zero-shot</em>, <code>a&lt;b</code> &amp; <a href="https://example.org">docs</a>.\nsecond line</p>\n' +
      "<ul>\n<li><strong>A.</strong> one</li>\n<li>two</li>\n</ul>\n<h2>Next</h2>\n<ol>\n<li>x</li>\n<li>y</li>\n</ol>",
  );
  assert.equal(markdownToHtml("2 * 3 * 4, snake_case, <script>"), "<p>2 * 3 * 4, snake_case, &lt;script&gt;</p>");
  assert.equal(markdownToHtml("[x](javascript:alert(1))"), "<p>[x](javascript:alert(1))</p>");
});

// ---- against a live kernel, without Python: the runner's client (ci/src/kernel.ts) -----------------------

test(
  "live kernel: execute_input and execute_result with execution counts, error messages, and only requests sent before an error's reply are aborted",
  { timeout: 300_000 },
  async () => {
    const { Kernel } = require(path.join(root, "ci", "dist", "kernel.js"));
    const k = await Kernel.start({ root, env: { ...process.env } });
    try {
      const run = (code) => {
        const msgs = [];
        return k
          .execute(code, (m) => msgs.push({ type: m.header.msg_type, content: m.content }), 120)
          .then((reply) => ({ reply, msgs }));
      };
      const a = await run("6*7");
      assert.deepEqual(a.reply, { status: "ok", executionCount: 1 });
      assert.deepEqual(a.msgs, [
        { type: "execute_input", content: { code: "6*7", execution_count: 1 } },
        { type: "execute_result", content: { execution_count: 1, data: { "text/plain": "42" }, metadata: {} } },
      ]);
      // Two requests sent together: the second was sent before the first's error reply, so it is aborted.
      const [fail, queued] = await Promise.all([
        run('console.log("x");\nthrow new TypeError("bad " + 1);'),
        run('console.log("queued");'),
      ]);
      assert.deepEqual(fail.reply, { status: "error", executionCount: 2 });
      assert.deepEqual(
        fail.msgs.map((m) => m.type),
        ["execute_input", "stream", "error"],
      );
      const err = fail.msgs[2].content;
      assert.equal(err.ename, "TypeError");
      assert.equal(err.evalue, "bad 1");
      assert.equal(err.traceback[0], "TypeError: bad 1");
      assert.equal(queued.reply.status, "abort");
      assert.deepEqual(queued.msgs, [], "an aborted request runs nothing");
      // Sent right after the error reply (tslab alone aborts everything for 200 ms): runs.
      const next = await run('console.log("after");');
      assert.deepEqual(next.reply, { status: "ok", executionCount: 3 });
      assert.deepEqual(
        next.msgs.map((m) => m.type),
        ["execute_input", "stream"],
      );
      const ts = await run('const n: number = "str";');
      assert.equal(ts.reply.status, "error");
      assert.equal(ts.msgs[1].content.ename, "TypeScriptError");
      assert.match(ts.msgs[1].content.evalue, /^1:7 - Type 'string' is not assignable to type 'number'/);
      const undef = await run("let u = undefined;\nu");
      assert.deepEqual(
        undef.msgs.map((m) => m.type),
        ["execute_input"],
        "no execute_result for undefined",
      );
    } finally {
      await k.shutdown();
    }
  },
);
