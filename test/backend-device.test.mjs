// The backend and transformers.js device choice for every combination of installed packages, visible GPU
// and env setting, on stand-in package layouts (package.json files and an empty CUDA provider library).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";

const require = createRequire(import.meta.url);
const { backend } = require("@embedlab/lib");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "embedlab-device-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A project folder whose node_modules holds stand-ins: `{ "<dir name>": "<package.json name>" }` plus files. */
function layout(pkgs, files = []) {
  const root = path.join(tmp, `p${n++}`);
  for (const [dir, name] of Object.entries(pkgs)) {
    const d = path.join(root, "node_modules", dir);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, "package.json"), JSON.stringify({ name, version: "1.21.0", main: "index.js" }));
  }
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), "");
  }
  return root;
}
/** `exists` that sees the real files plus (when `gpu`) the NVIDIA device files. */
const withGpu = (gpu) => (f) => (f.startsWith("/dev/nvidia") ? gpu : fs.existsSync(f));

const GPU = "@tensorflow/tfjs-node-gpu";
const NODE = "@tensorflow/tfjs-node";
const cases = [
  // installed packages, GPU visible, expected first native try (or none)
  [{}, false, undefined],
  [{}, true, undefined],
  [{ [NODE]: NODE }, false, NODE],
  [{ [NODE]: NODE }, true, NODE],
  [{ [NODE]: "@tensorflow/tfjs" }, true, undefined], // the repo's npm alias: no native binding
  [{ [GPU]: GPU }, false, undefined],
  [{ [GPU]: GPU }, true, GPU],
  [{ [GPU]: GPU, [NODE]: NODE }, false, NODE],
  [{ [GPU]: GPU, [NODE]: NODE }, true, GPU],
];
for (const [pkgs, gpu, first] of cases) {
  test(`tfjs auto with ${
    Object.entries(pkgs)
      .map(([d, nm]) => (d === nm ? d : `${d}→${nm}`))
      .join(" + ") || "no native package"
  }, GPU ${gpu ? "visible" : "absent"}: ${first ?? "wasm"}`, () => {
    const plan = backend.planBackend("auto", { resolveFrom: layout(pkgs), exists: withGpu(gpu), env: {} });
    const native = plan.tries.filter((t) => t.name === "tensorflow").map((t) => t.pkg);
    assert.equal(native[0], first);
    assert.deepEqual(
      plan.tries.slice(native.length).map((t) => t.name),
      ["wasm", "cpu"],
    );
    assert.equal(plan.skipped.length, 2 - native.length); // every native package left out says why
    if (pkgs[NODE] === "@tensorflow/tfjs") assert.match(plan.skipped.join(), /npm alias/);
    if (pkgs[GPU] && !gpu) assert.match(plan.skipped.join(), /tfjs-node-gpu installed but no GPU visible/);
  });
}

test("tfjs: CUDA_VISIBLE_DEVICES=-1 hides the GPU from tfjs-node-gpu; prefer wasm/cpu skip native packages", () => {
  const root = layout({ [GPU]: GPU });
  const hidden = backend.planBackend("auto", {
    resolveFrom: root,
    exists: withGpu(true),
    env: { CUDA_VISIBLE_DEVICES: "-1" },
  });
  assert.equal(hidden.tries[0].name, "wasm");
  assert.match(hidden.skipped[0], /CUDA_VISIBLE_DEVICES="-1"/);
  assert.deepEqual(backend.planBackend("wasm", { resolveFrom: root, exists: withGpu(true) }).tries, [{ name: "wasm" }]);
  assert.deepEqual(backend.planBackend("cpu", { resolveFrom: root, exists: withGpu(true) }).tries, [{ name: "cpu" }]);
});

test("tfjs on this machine: the tfjs-node alias is recognised, so auto plans wasm first (notebook results unchanged)", () => {
  const plan = backend.planBackend("auto");
  assert.equal(plan.tries[0].name, "wasm");
  assert.match(plan.skipped.join("; "), /@tensorflow\/tfjs-node resolves to @tensorflow\/tfjs \(an npm alias/);
});

// transformers.js device: onnxruntime-node (with or without its CUDA provider) × GPU × EMBEDLAB_DEVICE
const PROVIDER = "node_modules/onnxruntime-node/bin/napi-v3/linux/x64/libonnxruntime_providers_cuda.so";
const ORT = { "@huggingface/transformers": "@huggingface/transformers", "onnxruntime-node": "onnxruntime-node" };
const probes = (provider, gpu, env) => ({
  resolveFrom: layout(ORT, provider ? [PROVIDER] : []),
  exists: withGpu(gpu),
  env,
  platform: "linux",
  arch: "x64",
});
for (const provider of [false, true])
  for (const gpu of [false, true]) {
    const want = provider && gpu ? "cuda" : "cpu";
    test(`device auto, CUDA provider ${provider ? "installed" : "absent"}, GPU ${gpu ? "visible" : "absent"}: ${want}`, () => {
      for (const env of [{}, { EMBEDLAB_DEVICE: "auto" }]) {
        const c = backend.resolveDevice(probes(provider, gpu, env));
        assert.equal(c.device, want);
        if (!provider) assert.match(c.reason, /libonnxruntime_providers_cuda\.so missing/);
        if (!gpu) assert.match(c.reason, /no GPU visible/);
      }
      assert.equal(backend.resolveDevice(probes(provider, gpu, { EMBEDLAB_DEVICE: "cpu" })).device, "cpu");
      const cuda = () => backend.resolveDevice(probes(provider, gpu, { EMBEDLAB_DEVICE: "cuda" }));
      if (want === "cuda") assert.equal(cuda().device, "cuda");
      else
        assert.throws(
          cuda,
          (e) =>
            e.name === "EmbedlabError" &&
            /EMBEDLAB_DEVICE=cuda but/.test(e.message) &&
            (provider || /ONNXRUNTIME_NODE_INSTALL_CUDA=v12 npm rebuild onnxruntime-node/.test(e.message)),
        );
      assert.throws(
        () => backend.resolveDevice(probes(provider, gpu, { EMBEDLAB_DEVICE: "webgpu" })),
        /webgpu is for browsers/,
      );
    });
  }

test("device: a provider on another platform does not count; onnxruntime-node missing is said", () => {
  const p = { ...probes(true, true, {}), platform: "darwin", arch: "arm64" };
  assert.match(backend.resolveDevice(p).reason, /no CUDA provider on darwin\/arm64/);
  const none = backend.resolveDevice({
    resolveFrom: layout({}),
    exists: withGpu(true),
    env: {},
    platform: "linux",
    arch: "x64",
  });
  assert.equal(none.device, "cpu");
});

test("EMBEDLAB_DEVICE / EMBEDLAB_DTYPE: invalid values are EmbedlabErrors listing the valid ones; a valid dtype is passed", () => {
  assert.throws(
    () => backend.resolveDevice(probes(false, false, { EMBEDLAB_DEVICE: "tpu" })),
    (e) =>
      e.name === "EmbedlabError" &&
      /EMBEDLAB_DEVICE="tpu"/.test(e.message) &&
      /auto, cpu, cuda, webgpu/.test(e.message),
  );
  assert.throws(
    () => backend.resolveDevice(probes(false, false, { EMBEDLAB_DTYPE: "fp64" })),
    /EMBEDLAB_DTYPE="fp64".*\n.*fp32, fp16, q8/,
  );
  assert.equal(backend.resolveDevice(probes(false, false, { EMBEDLAB_DTYPE: "q8" })).dtype, "q8");
  assert.equal(backend.resolveDevice(probes(false, false, {})).dtype, undefined);
});

test("this machine: transformers.js runs on cpu (no CUDA provider), and initBackend fails early on a bad EMBEDLAB_DEVICE", () => {
  assert.equal(backend.resolveDevice().device, "cpu");
  const libPath = require.resolve("@embedlab/lib");
  const r = spawnSync(
    process.execPath,
    [
      "-e",
      `require(${JSON.stringify(libPath)}).backend.initBackend().then(() => console.log("ok"), (e) => console.log(e.name, e.message))`,
    ],
    { env: { ...process.env, EMBEDLAB_DEVICE: "gpu" }, encoding: "utf8", timeout: 60_000 },
  );
  assert.match(r.stdout, /EmbedlabError EMBEDLAB_DEVICE="gpu"/);
});

test("saveResults writes a runtime block: backend, device, dtype and the models loaded", () => {
  const libPath = require.resolve("@embedlab/lib");
  const out = path.join(tmp, "out");
  const code = `const lib = require(${JSON.stringify(libPath)});
    lib.backend.initBackend().then(() => {
      lib.noteModel({ id: "use-lite", source: "npm package" });
      const f = lib.saveResults("x", { metrics: { a: 1 }, params: {} });
      console.log(require("fs").readFileSync(f, "utf8"));
    });`;
  const r = spawnSync(process.execPath, ["-e", code], {
    env: { ...process.env, EMBEDLAB_OUTPUT_DIR: out, EMBEDLAB_DTYPE: "fp16", EMBEDLAB_BACKEND: "cpu" },
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.runtime.backend, "cpu");
  assert.match(doc.runtime.backend_reason, /EMBEDLAB_BACKEND/);
  assert.equal(doc.runtime.device, "cpu");
  assert.equal(doc.runtime.dtype, "fp16");
  assert.deepEqual(doc.runtime.models, [{ id: "use-lite", source: "npm package" }]);
});

test("a model that onnxruntime cannot start on cuda gets an EmbedlabError with the fix; on cpu such errors pass through", () => {
  const { models } = require("@embedlab/lib");
  const ort = new Error(
    "Failed to load shared library libonnxruntime_providers_cuda.so: libcudnn.so.9: cannot open shared object file",
  );
  const e = models.cudaStartError("Xenova/bert-base-uncased", "cuda", ort);
  assert.equal(e.name, "EmbedlabError");
  assert.match(e.message, /"Xenova\/bert-base-uncased" could not start on the GPU \(device cuda\): Failed to load/);
  assert.match(e.message, /CUDA 12 and cuDNN 9[\s\S]*EMBEDLAB_DEVICE=cpu/);
  assert.equal(models.cudaStartError("m", "cpu", ort), undefined);
  assert.equal(models.cudaStartError("m", "cuda", new Error("Could not locate file")), undefined);
});
