/**
 * LoRA: rank-r adapters W + (α/r)·A·B on the attention q/v projections (optionally k, the attention
 * output projection and the MLP), base weights frozen: only `adapters.variables()` are trained.
 * Adapters save/load on their own (`adapter.json` + `adapter.bin`) and can be merged into the base.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { CorruptDataError, DataNotFoundError, EmbedlabError, Rng, writeFileAtomic, writeJsonAtomic } from "../../core";
import { GPT, LinearHook } from "./model";
import { mm } from "./ops";

export type LoraTarget = "q" | "k" | "v" | "attn_out" | "mlp";

export interface LoraConfig {
  rank: number;
  alpha: number;
  dropout: number;
  targets: LoraTarget[];
}

export const DEFAULT_LORA: LoraConfig = { rank: 8, alpha: 16, dropout: 0.05, targets: ["q", "v"] };

/** Which slice of which base linear layer an adapter modifies. */
interface Site {
  key: string; // e.g. "h.0.q"
  layer: string; // e.g. "h.0.attn.c_attn"
  /** Output column offset inside the layer (q: 0, k: C, v: 2C; whole layer: 0). */
  col: number;
  inDim: number;
  outDim: number;
}

function sites(model: GPT, targets: LoraTarget[]): Site[] {
  const C = model.config.n_embd;
  const out: Site[] = [];
  for (let l = 0; l < model.config.n_layer; l++) {
    const h = `h.${l}.`;
    for (const t of targets) {
      if (t === "q" || t === "k" || t === "v")
        out.push({ key: `${h}${t}`, layer: `${h}attn.c_attn`, col: { q: 0, k: C, v: 2 * C }[t], inDim: C, outDim: C });
      else if (t === "attn_out")
        out.push({ key: `${h}attn_out`, layer: `${h}attn.c_proj`, col: 0, inDim: C, outDim: C });
      else if (t === "mlp") {
        out.push({ key: `${h}mlp_fc`, layer: `${h}mlp.c_fc`, col: 0, inDim: C, outDim: 4 * C });
        out.push({ key: `${h}mlp_proj`, layer: `${h}mlp.c_proj`, col: 0, inDim: 4 * C, outDim: C });
      } else throw new EmbedlabError(`unknown LoRA target "${t as string}"`, "use q, k, v, attn_out or mlp");
    }
  }
  return out;
}

export class LoraAdapters implements LinearHook {
  readonly config: LoraConfig;
  readonly A = new Map<string, tf.Variable>();
  readonly B = new Map<string, tf.Variable>();
  private readonly sites: Site[];
  private readonly byLayer = new Map<string, Site[]>();
  private seed: number;

  /** New adapters (A random, B zero, so the model starts unchanged), attached to `model`. */
  constructor(
    readonly model: GPT,
    config: Partial<LoraConfig> = {},
    seed = 0,
  ) {
    this.config = { ...DEFAULT_LORA, ...config };
    const { rank } = this.config;
    if (!Number.isInteger(rank) || rank < 1)
      throw new EmbedlabError(`LoRA rank must be a positive integer, got ${rank}`);
    this.sites = sites(model, this.config.targets);
    const rng = new Rng(seed);
    this.seed = seed + 1;
    for (const s of this.sites) {
      const bound = 1 / Math.sqrt(s.inDim);
      const a = new Float32Array(s.inDim * rank).map(() => (2 * rng.next() - 1) * bound);
      this.A.set(
        s.key,
        tf.variable(tf.tensor2d(a, [s.inDim, rank]), true, `lora/${s.key}/A/${Math.random().toString(36).slice(2)}`),
      );
      this.B.set(
        s.key,
        tf.variable(tf.zeros([rank, s.outDim]), true, `lora/${s.key}/B/${Math.random().toString(36).slice(2)}`),
      );
      const list = this.byLayer.get(s.layer) ?? [];
      list.push(s);
      this.byLayer.set(s.layer, list);
    }
    this.attach();
  }

  get scale(): number {
    return this.config.alpha / this.config.rank;
  }

  /** The trainable variables (A and B of every site); the base model's variables are not among them. */
  variables(): tf.Variable[] {
    return [...this.A.values(), ...this.B.values()];
  }

  get numParams(): number {
    return this.variables().reduce((s, v) => s + v.size, 0);
  }

  attach(): void {
    if (this.model.linearHook && this.model.linearHook !== this)
      throw new EmbedlabError("the model already has other adapters attached", "detach() or merge() them first");
    this.model.linearHook = this;
  }

  detach(): void {
    if (this.model.linearHook === this) this.model.linearHook = null;
  }

  private siteDelta(s: Site, x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const p = this.config.dropout;
    const xin = training && p > 0 ? (tf.dropout(x, p, undefined, this.seed++) as tf.Tensor2D) : x;
    return tf.mul(mm(mm(xin, this.A.get(s.key) as tf.Tensor2D), this.B.get(s.key) as tf.Tensor2D), this.scale);
  }

  delta(name: string, x: tf.Tensor2D, training: boolean): tf.Tensor2D | null {
    const list = this.byLayer.get(name);
    if (!list) return null;
    if (!name.endsWith("attn.c_attn")) return this.siteDelta(list[0], x, training);
    const C = this.model.config.n_embd;
    const n = x.shape[0];
    const parts = [0, C, 2 * C].map((col) => {
      const s = list.find((q) => q.col === col);
      return s ? this.siteDelta(s, x, training) : tf.zeros([n, C]);
    });
    return tf.concat(parts, 1) as tf.Tensor2D;
  }

  /**
   * The dense weight deltas (α/r)·A·B per base linear layer, as evaluation uses them (no dropout):
   * `delta` is [inDim, outDim] row-major and adds to the layer's columns col … col + outDim − 1.
   * For decoders that fold the adapters into their own copy of the weights.
   */
  weightDeltas(): { layer: string; col: number; inDim: number; outDim: number; delta: Float32Array }[] {
    return this.sites.map((s) => {
      const d = tf.tidy(() => this.siteWeightDelta(s));
      const delta = d.dataSync() as Float32Array;
      d.dispose();
      return { layer: s.layer, col: s.col, inDim: s.inDim, outDim: s.outDim, delta };
    });
  }

  /** (α/r)·A·B of one site, [inDim, outDim]. */
  private siteWeightDelta(s: Site): tf.Tensor2D {
    return tf.mul(tf.matMul(this.A.get(s.key) as tf.Tensor2D, this.B.get(s.key) as tf.Tensor2D), this.scale);
  }

  /** Add (α/r)·A·B into the base weights and detach: the model then runs without adapter cost. */
  merge(): void {
    tf.tidy(() => {
      for (const s of this.sites) {
        const w = this.model.params[`${s.layer}.weight`];
        const d = this.siteWeightDelta(s);
        const [rows, cols] = w.shape;
        const padded = tf.pad(d, [
          [0, 0],
          [s.col, cols - s.col - s.outDim],
        ]);
        void rows;
        w.assign(tf.add(w, padded));
      }
    });
    this.detach();
  }

  /** Write `adapter.json` and `adapter.bin` into `dir` (the base model is not saved). */
  save(dir: string): void {
    const entries: { key: string; shapeA: number[]; shapeB: number[]; offset: number }[] = [];
    const chunks: Float32Array[] = [];
    let offset = 0;
    for (const s of this.sites) {
      const a = this.A.get(s.key) as tf.Variable;
      const b = this.B.get(s.key) as tf.Variable;
      entries.push({ key: s.key, shapeA: a.shape, shapeB: b.shape, offset });
      chunks.push(a.dataSync() as Float32Array, b.dataSync() as Float32Array);
      offset += a.size + b.size;
    }
    const buf = new Float32Array(offset);
    let o = 0;
    for (const c of chunks) {
      buf.set(c, o);
      o += c.length;
    }
    writeFileAtomic(path.join(dir, "adapter.bin"), new Uint8Array(buf.buffer));
    writeJsonAtomic(path.join(dir, "adapter.json"), {
      format: "embedlab-lora/1",
      config: this.config,
      base: baseFingerprint(this.model),
      tensors: entries,
    });
  }

  /** Load adapters saved by `save` onto `model` (which must have the same architecture) and attach them. */
  static load(model: GPT, dir: string): LoraAdapters {
    const jfile = path.join(dir, "adapter.json");
    const bfile = path.join(dir, "adapter.bin");
    for (const f of [jfile, bfile]) if (!fs.existsSync(f)) throw new DataNotFoundError(path.basename(f), [f]);
    let meta: {
      format?: string;
      config?: LoraConfig;
      base?: string;
      tensors?: { key: string; shapeA: number[]; shapeB: number[]; offset: number }[];
    };
    try {
      meta = JSON.parse(fs.readFileSync(jfile, "utf8"));
    } catch (err) {
      throw new CorruptDataError(jfile, (err as Error).message);
    }
    if (meta.format !== "embedlab-lora/1" || !meta.config || !meta.tensors)
      throw new CorruptDataError(jfile, 'expected {"format":"embedlab-lora/1",…}');
    if (meta.base !== baseFingerprint(model))
      throw new EmbedlabError(
        `adapters in ${dir} were trained for a model with config ${meta.base}, not ${baseFingerprint(model)}`,
      );
    const ad = new LoraAdapters(model, meta.config);
    const bytes = fs.readFileSync(bfile);
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    for (const t of meta.tensors) {
      const a = ad.A.get(t.key);
      const b = ad.B.get(t.key);
      if (!a || !b) throw new CorruptDataError(jfile, `unknown adapter site ${t.key}`);
      const na = t.shapeA[0] * t.shapeA[1];
      const nb = t.shapeB[0] * t.shapeB[1];
      if (a.shape.join() !== t.shapeA.join() || b.shape.join() !== t.shapeB.join()) {
        throw new CorruptDataError(
          jfile,
          `adapter ${t.key} has shapes [${t.shapeA}]/[${t.shapeB}], expected [${a.shape}]/[${b.shape}]`,
        );
      }
      if (t.offset + na + nb > all.length)
        throw new CorruptDataError(
          bfile,
          `too short for adapter ${t.key} (expected A [${a.shape}] and B [${b.shape}] at float ${t.offset})`,
        );
      a.assign(tf.tensor2d(all.slice(t.offset, t.offset + na), a.shape as [number, number]));
      b.assign(tf.tensor2d(all.slice(t.offset + na, t.offset + na + nb), b.shape as [number, number]));
    }
    return ad;
  }

  dispose(): void {
    this.detach();
    for (const v of this.variables()) v.dispose();
  }
}

function baseFingerprint(m: GPT): string {
  const c = m.config;
  return `n_layer=${c.n_layer},n_head=${c.n_head},n_embd=${c.n_embd},vocab_size=${c.vocab_size},block_size=${c.block_size}`;
}
