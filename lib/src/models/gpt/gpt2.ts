/**
 * GPT-2 (124M) into this implementation: `model.safetensors` + `config.json` + `tokenizer.json` from a
 * folder, the project's transformers.js cache, or the Hugging Face hub cache; downloaded from the hub
 * only when remote access is allowed. The tokenizer is GPT-2's, through transformers.js.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { DataNotFoundError, CorruptDataError, EmbedlabError, noteModel } from "../../core";
import { hfLocalModelPath, hfModelRoot, transformersFor } from "../hf-env";
import { pythonHubSnapshots, readCommitNote } from "../hub";
import { HUB_IDS } from "../hub-models";
import { downloadHubFiles } from "../hub-download";
import { remoteAllowed } from "../remote";
import type { LoadOptions } from "../types";
import { GptTokenizer } from "./bpe";
import { GPT, GptConfig, paramShapes } from "./model";
import { readSafetensors } from "./safetensors";

export const GPT2_FILES = ["config.json", "model.safetensors", "tokenizer.json"] as const;

export interface Gpt2Options extends LoadOptions {
  /** A folder holding config.json, model.safetensors and tokenizer.json. */
  path?: string;
  /** Hub id (default `HUB_IDS.gpt2`, "openai-community/gpt2"). */
  modelId?: string;
}

/** Hugging Face GPT-2 config.json → GptConfig. */
export function configFromHf(hf: Record<string, unknown>, file = "config.json"): GptConfig {
  const num = (k: string, fallback?: number): number => {
    const v = hf[k] ?? fallback;
    if (typeof v !== "number") throw new CorruptDataError(file, `missing number "${k}"`);
    return v;
  };
  const act = String(hf.activation_function ?? "gelu_new");
  if (!["gelu_new", "gelu_pytorch_tanh", "gelu"].includes(act))
    throw new EmbedlabError(
      `${file}: activation_function "${act}" is not supported`,
      "use a GPT-2 checkpoint (gelu_new)",
    );
  return {
    n_layer: num("n_layer"),
    n_head: num("n_head"),
    n_embd: num("n_embd"),
    block_size: num("n_positions", hf.n_ctx as number),
    vocab_size: num("vocab_size"),
    dropout: 0,
    activation: "tanh",
    layer_norm_epsilon: num("layer_norm_epsilon", 1e-5),
  };
}

/** safetensors tensor names (with or without "transformer.") → this model's parameters, checked. */
export function mapGpt2Weights(file: string, config: GptConfig): Record<string, tf.Tensor> {
  const shapes = paramShapes(config);
  const raw = readSafetensors(file, (n) => !/\.attn\.(masked_)?bias$/.test(n) && n !== "lm_head.weight");
  const out: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(raw)) {
    const key = name.replace(/^transformer\./, "");
    const want = shapes[key];
    if (!want) continue;
    if (t.shape.join() !== want.join())
      throw new CorruptDataError(
        file,
        `tensor "${name}" has shape [${t.shape}], expected [${want}] for config n_embd=${config.n_embd}`,
      );
    out[key] = tf.tensor(t.data, t.shape);
  }
  for (const [key, shape] of Object.entries(shapes)) {
    if (!out[key]) {
      tf.dispose(Object.values(out));
      throw new CorruptDataError(
        file,
        `tensor "${key}" (or "transformer.${key}") is missing; expected shape [${shape}]`,
      );
    }
  }
  return out;
}

/** GPT-2's byte-level BPE through transformers.js, behind the GptTokenizer interface. */
export class HfGptTokenizer implements GptTokenizer {
  readonly vocabSize: number;
  readonly eotId: number;
  constructor(
    private readonly tok: {
      encode(t: string, o?: object): number[];
      decode(ids: number[], o?: object): string;
      model: { vocab: unknown[] | Map<string, number> };
    },
    vocabSize: number,
  ) {
    this.vocabSize = vocabSize;
    const eot = tok.encode("<|endoftext|>", { add_special_tokens: false });
    this.eotId = eot.length === 1 ? eot[0] : vocabSize - 1;
  }
  encode(text: string): number[] {
    return this.tok.encode(text, { add_special_tokens: false });
  }
  decode(ids: readonly number[]): string {
    return this.tok.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }
}

/**
 * Folders searched for GPT-2 files, in order: GPT-2's own names (`HUB_IDS.gpt2`, "gpt2", "Xenova/gpt2") by
 * default; only the named model's folders for another `modelId` (never a different model in its place).
 */
export function gpt2Candidates(opts: Gpt2Options = {}): string[] {
  if (opts.path) return [path.resolve(opts.path)];
  const aliases: string[] = [HUB_IDS.gpt2, "gpt2", "Xenova/gpt2"];
  const ids = !opts.modelId || aliases.includes(opts.modelId) ? aliases : [opts.modelId];
  return [...ids.map((id) => hfLocalModelPath(id)), ...ids.flatMap((i) => pythonHubSnapshots(i))];
}

/** Load GPT-2 weights and tokenizer into a GPT (throws DataNotFoundError offline when absent). */
export async function loadGpt2(
  opts: Gpt2Options = {},
): Promise<{ model: GPT; tokenizer: HfGptTokenizer; dir: string }> {
  const candidates = gpt2Candidates(opts);
  let dir = candidates.find((d) => GPT2_FILES.every((f) => fs.existsSync(path.join(d, f))));
  if (!dir) {
    const id = opts.modelId ?? HUB_IDS.gpt2;
    if (opts.path || !remoteAllowed(opts)) {
      throw new DataNotFoundError(
        `GPT-2 weights (${GPT2_FILES.join(", ")})`,
        candidates,
        `EMBEDLAB_ALLOW_REMOTE=1 (downloads ${id} into ${hfLocalModelPath(id)})`,
      );
    }
    dir = hfLocalModelPath(id);
    await downloadHubFiles(id, GPT2_FILES, dir, { partialDir: path.join(hfModelRoot(), ".partial") });
  } else {
    // a Python hub snapshot folder is named by its commit; our own downloads leave a commit note
    const snapshot = /[\\/]snapshots[\\/]([0-9a-f]{40})$/.exec(dir)?.[1];
    noteModel({
      id: opts.modelId ?? HUB_IDS.gpt2,
      revision: "main",
      commit: readCommitNote(dir) ?? snapshot,
      source: dir,
    });
  }
  const cfile = path.join(dir, "config.json");
  let hf: Record<string, unknown>;
  try {
    hf = JSON.parse(fs.readFileSync(cfile, "utf8"));
  } catch (err) {
    throw new CorruptDataError(cfile, (err as Error).message);
  }
  const config = configFromHf(hf, cfile);
  const weights = mapGpt2Weights(path.join(dir, "model.safetensors"), config);
  let model: GPT;
  try {
    model = new GPT(config, weights);
  } finally {
    tf.dispose(Object.values(weights));
  }
  const t = transformersFor(opts);
  const tjson = JSON.parse(fs.readFileSync(path.join(dir, "tokenizer.json"), "utf8"));
  const tcfgFile = path.join(dir, "tokenizer_config.json");
  const tcfg = fs.existsSync(tcfgFile) ? JSON.parse(fs.readFileSync(tcfgFile, "utf8")) : {};
  const tok = new t.GPT2Tokenizer(tjson, tcfg) as unknown as ConstructorParameters<typeof HfGptTokenizer>[0];
  return { model, tokenizer: new HfGptTokenizer(tok, config.vocab_size), dir };
}
