// The GPT on tfjs-wasm (1 thread) side by side with the same model in PyTorch (bench/torch_gpt.py, 1 thread),
// steps alternating: the train step (AdamW, clip 1) in tokens/s and generation at batch 1 in tokens/s, for the
// offline tiny checkpoint's config (2 layers × 128, 4 heads, ctx 128, vocab 4,096) and for a ~4M-parameter
// config the next models will use (4 layers × 256, 8 heads, ctx 256). Generation: ours with the typed-array
// KV-cache decoder (and the tfjs-forward cache path it replaced), PyTorch with and without a KV-cache.
// Also the tensor count over 50 training steps (must stay flat).
import { createRequire } from "node:module";
import { alternate, startTorch, peakRssMb, timed, median, NO_TORCH } from "./torch-child.mjs";
const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const lib = require("@embedlab/lib");
const gpt = lib.models.gpt;

// 9 rounds: with 5, one slow round on this shared machine moved the medians by several percent
const STEPS = Number(process.env.EMBEDLAB_BENCH_STEPS ?? 9);
const GEN_TOKENS = 64;
const PROMPT = "The jury said";
const BIG = { n_layer: 4, n_head: 8, n_embd: 256, block_size: 256, vocab_size: 4096 };

export const title = `GPT train step and generation vs PyTorch (medians of ${STEPS} alternating rounds; wall and CPU time)`;

function trainStep(model, batch) {
  const cfg = model.config;
  const T = cfg.block_size;
  const stream = Int32Array.from({ length: 20000 }, (_, i) => (i * 7919) % cfg.vocab_size);
  const rng = new lib.Rng(1);
  const vars = model.variables();
  const opt = lib.train.makeOptimizer(
    vars,
    { type: "adamw", beta1: 0.9, beta2: 0.95, weightDecay: 0.1, clipNorm: 1 },
    (v) => v.rank >= 2,
  );
  const step = (b = batch) =>
    lib.train.fitSteps({
      variables: vars,
      optimizer: opt,
      steps: 1,
      lr: 1e-5,
      nextBatch: () => gpt.randomBatch(stream, b, T, rng),
      loss: ({ x, y }) =>
        gpt.crossEntropy(
          tf.reshape(model.forward(tf.tensor2d(x, [b, T], "int32"), { training: true }).logits, [
            b * T,
            cfg.vocab_size,
          ]),
          tf.tensor1d(y, "int32"),
        ),
    });
  return { step, dispose: () => opt.dispose() };
}

const torchArgs = (c, batch) => [c.n_layer, c.n_head, c.n_embd, c.block_size, c.vocab_size, batch];
const describe = (c) =>
  `${c.n_layer} layers × ${c.n_embd}, ${c.n_head} heads, ctx ${c.block_size}, vocab ${c.vocab_size}`;

/** Train and generation rows for one config; `name` prefixes the summary rows. */
async function configRows(model, tokenizer, { batch, trainName, genName, label, withTfjsCache, growth }) {
  const cfg = model.config;
  const rows = [];
  const torch = await startTorch("torch_gpt.py", torchArgs(cfg, batch));
  const via = torch
    ? `torch ${torch.version} (${torch.params} params), ${torch.threads} thread, BLAS ${torch.blas ?? "unknown"}`
    : NO_TORCH;
  try {
    const tokens = batch * cfg.block_size;
    const { step, dispose } = trainStep(model, batch);
    const tr = await alternate(() => step(), torch, "step", { warmup: 2, steps: STEPS });
    rows.push({
      name: trainName,
      what: `${label} train step, batch ${batch}×${cfg.block_size}, AdamW`,
      value: tokens / (tr.ours.ms / 1000),
      unit: "tok/s",
      cpu: tokens / (tr.ours.cpuMs / 1000),
      torch: torch && tokens / (tr.torch.ms / 1000),
      torchCpu: torch && tokens / (tr.torch.cpuMs / 1000),
      ratio: 1 / tr.ratio,
      cpuRatio: 1 / tr.cpuRatio,
      rssMb: peakRssMb(),
      torchRssMb: torch && tr.torch.replies.at(-1).rssMb,
      note: `${tr.ours.ms.toFixed(0)} ms/step ours; ${model.numParams} params; ${via}`,
    });
    if (growth) {
      await step(1);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 50; i++) await step(1);
      rows.push({
        what: "tensor growth over 50 train steps",
        value: tf.memory().numTensors - before,
        unit: "tensors",
        note: `${before} before`,
      });
    }
    dispose();

    const promptLen = tokenizer.encode(PROMPT).length;
    const gen = (opts) => () => {
      const r = gpt.generate(model, tokenizer, PROMPT, {
        maxNewTokens: GEN_TOKENS,
        temperature: 0.8,
        topK: 40,
        seed: 1,
        stopAtEot: false,
        ...opts,
      });
      if (r.ids.length !== GEN_TOKENS) throw new Error(`generated ${r.ids.length} tokens, expected ${GEN_TOKENS}`);
    };
    const perS = (ms) => GEN_TOKENS / (ms / 1000);
    const req = (mode) => `gen ${GEN_TOKENS} ${mode} ${promptLen}`;
    const rounds = { warmup: 1, steps: STEPS };
    const vsNoCache = await alternate(gen({}), torch, req("nocache"), rounds);
    const vsCache = await alternate(gen({}), torch, req("cache"), rounds);
    const genRow = (r, torchMode) => ({
      value: perS(r.ours.ms),
      unit: "tok/s",
      cpu: perS(r.ours.cpuMs),
      torch: torch && perS(r.torch.ms),
      torchCpu: torch && perS(r.torch.cpuMs),
      ratio: 1 / r.ratio,
      cpuRatio: 1 / r.cpuRatio,
      rssMb: peakRssMb(),
      torchRssMb: torch && r.torch.replies.at(-1).rssMb,
      note: `${GEN_TOKENS} tokens after a ${promptLen}-token prompt, top-k 40, T 0.8; ours: typed KV-cache decoder; PyTorch ${torchMode}`,
    });
    rows.push({
      name: genName,
      what: `${label} generation batch 1, ours (KV-cache) vs PyTorch without cache`,
      ...genRow(vsNoCache, "without a cache (re-reads the context each token)"),
    });
    rows.push({
      what: `${label} generation batch 1, ours (KV-cache) vs PyTorch with a KV-cache`,
      ...genRow(vsCache, "with a KV-cache"),
    });
    const others = withTfjsCache
      ? [
          ["tfjs forward + KVCache (the path the typed decoder replaced)", { decoder: "tfjs" }],
          ["tfjs forward, no cache", { useCache: false }],
        ]
      : [];
    for (const [what, opts] of others) {
      const xs = [];
      for (let i = 0; i < 3; i++) xs.push(await timed(gen(opts)));
      rows.push({
        what: `${label} generation, ${what}`,
        value: perS(median(xs.map((x) => x.ms))),
        unit: "tok/s",
        cpu: perS(median(xs.map((x) => x.cpuMs))),
        note: "median of 3, not alternated",
      });
    }
  } finally {
    torch?.close();
  }
  return rows;
}

export async function run() {
  await lib.backend.initBackend();
  const { model, tokenizer, training } = await gpt.loadTinyGpt();
  const rows = [];
  try {
    rows.push(
      ...(await configRows(model, tokenizer, {
        batch: 8,
        trainName: "gpt-tiny-train",
        genName: "gpt-tiny-generate",
        label: `tiny GPT (${describe(model.config)})`,
        withTfjsCache: true,
        growth: true,
      })),
    );
    void training;
  } finally {
    model.dispose();
  }
  const big = new gpt.GPT({ ...model.config, ...BIG }, undefined, 0);
  try {
    rows.push(
      ...(await configRows(big, tokenizer, {
        batch: 8,
        trainName: "gpt-train",
        genName: "gpt-generate",
        label: `GPT ${(big.numParams / 1e6).toFixed(1)}M (${describe(big.config)})`,
        withTfjsCache: false,
        growth: false,
      })),
    );
  } finally {
    big.dispose();
  }
  return rows;
}
