// The GPU workflow (.github/workflows/notebooks.yml) cannot run here: check that what it runs exists —
// npm scripts, runner and data-CLI options, the notebooks of its matrix — so it cannot rot unnoticed.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const YAML = require("yaml");
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const workflow = YAML.parse(fs.readFileSync(path.join(root, ".github/workflows/notebooks.yml"), "utf8"));
const scripts = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts;
const runnerUsage = require(path.join(root, "ci/dist/cli-args.js")).USAGE;
const dataCli = fs.readFileSync(path.join(root, "lib/src/data/cli.ts"), "utf8");

/** Every shell command line of every `run:` step, with the job it belongs to. */
function commands() {
  const out = [];
  for (const [job, spec] of Object.entries(workflow.jobs)) {
    for (const step of spec.steps ?? []) {
      if (typeof step.run !== "string") continue;
      for (const line of step.run.split("\n")) {
        for (const cmd of line.split(/&&|;/)) if (cmd.trim()) out.push({ job, cmd: cmd.trim() });
      }
    }
  }
  return out;
}

/** Long options (`--x`) in a command's argument list, after `--` for npm scripts. */
function optionsOf(cmd) {
  const args = cmd.includes(" -- ") ? cmd.slice(cmd.indexOf(" -- ") + 4) : cmd;
  return [...args.matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)].map((m) => m[1]);
}

test("every npm script the GPU workflow runs exists in package.json", () => {
  const npmRuns = commands().filter((c) => /^npm run /.test(c.cmd));
  assert.ok(npmRuns.length >= 3, "the workflow runs doctor, data, notebooks");
  for (const { cmd } of npmRuns) {
    const name = cmd.split(/\s+/)[2];
    assert.ok(scripts[name], `workflow runs "npm run ${name}", which package.json does not define`);
  }
});

test("the runner and data options the workflow passes are ones those CLIs accept", () => {
  for (const { cmd } of commands()) {
    if (cmd.startsWith("npm run notebooks")) {
      for (const opt of optionsOf(cmd)) assert.match(runnerUsage, new RegExp(`${opt}\\b`), `runner has no ${opt}`);
    }
    if (cmd.startsWith("npm run data")) {
      for (const opt of optionsOf(cmd)) assert.ok(dataCli.includes(`"${opt}"`), `data CLI has no ${opt}`);
    }
    if (cmd.startsWith("npm run doctor")) {
      const doctor = fs.readFileSync(
        path.join(
          root,
          scripts.doctor
            .split(/\s+/)
            .find((w) => w.endsWith(".js"))
            .replace(/^(lib|ci)\/dist\//, "$1/src/")
            .replace(/\.js$/, ".ts"),
        ),
        "utf8",
      );
      for (const opt of optionsOf(cmd)) assert.ok(doctor.includes(opt), `doctor has no ${opt}`);
    }
  }
});

test("the notebook matrix names every numbered notebook but the smoke test, and each exists", () => {
  const matrix = workflow.jobs.notebook.strategy.matrix.notebook;
  const numbered = fs
    .readdirSync(path.join(root, "notebooks"))
    .filter((f) => /^\d\d_.*\.ipynb$/.test(f) && !f.startsWith("00_"))
    .map((f) => f.slice(0, 2));
  assert.deepEqual([...matrix].sort(), numbered.sort());
});

test("a gather job collects every notebook job's artifact, even after a failure", () => {
  const gather = workflow.jobs.gather;
  assert.equal(gather.needs, "notebook");
  assert.equal(gather.if, "always()");
  const nbUpload = workflow.jobs.notebook.steps.find((s) => String(s.uses).startsWith("actions/upload-artifact"));
  const download = gather.steps.find((s) => String(s.uses).startsWith("actions/download-artifact"));
  assert.equal(nbUpload.if, "always()");
  assert.equal(download.with.pattern, nbUpload.with.name.replace("${{ matrix.notebook }}", "*"));
});

test("the CUDA setup is explicit for both native runtimes", () => {
  const job = workflow.jobs.notebook;
  assert.match(job.container.image, /cuda:11\.\d.*cudnn8/, "tfjs-node-gpu (libtensorflow 2.9) needs CUDA 11 + cuDNN 8");
  const all = commands()
    .map((c) => c.cmd)
    .join("\n");
  assert.match(all, /nvidia-cudnn-cu12==9/, "onnxruntime-node's CUDA provider needs cuDNN 9");
  assert.match(all, /nvidia-cuda-runtime-cu12==12/, "… and CUDA 12");
  assert.equal(workflow.env.ONNXRUNTIME_NODE_INSTALL_CUDA, "v12");
  const steps = job.steps.map((s) => s.run ?? s.uses);
  const at = (re) => steps.findIndex((s) => re.test(String(s)));
  assert.ok(at(/npm run doctor/) > at(/tfjs-node-gpu/), "doctor runs after the native packages are installed");
  assert.ok(at(/npm run doctor/) < at(/npm run notebooks/), "doctor runs before the notebooks");
});
