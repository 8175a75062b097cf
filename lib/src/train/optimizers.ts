import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../core";
import { adamUpdate, globalNormOf } from "./adam-update";
import { AdamArena } from "../backend/wasm-kernels/adam-module";
import { valuesNoCopy } from "../backend/wasm-kernels/heap";

/** Settings every optimizer has. */
interface CommonConfig {
  /**
   * Clip gradients to this global L2 norm before the update (0 or undefined: no clipping). The norm is
   * computed in tf (`sqrt(Σ sum(g²))`), and gradients are scaled by `clipNorm / (norm + 1e-6)` when it is larger.
   */
  clipNorm?: number;
}

/** SGD with (optionally Nesterov) momentum and coupled L2 weight decay (PyTorch `SGD` semantics). */
export interface SgdConfig extends CommonConfig {
  type: "sgd";
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

/**
 * Adam (coupled L2 decay, as PyTorch `Adam`) or AdamW (decoupled decay: `p -= lr·(m̂/(√v̂+ε) + wd·p)`).
 * Bias corrections are `1 − β^t` (a running product of β1 when a momentum schedule varies it).
 */
export interface AdamConfig extends CommonConfig {
  type: "adam" | "adamw";
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
}

export type OptimizerConfig = SgdConfig | AdamConfig;

/** An optimizer over a fixed list of variables, with its state readable for checkpoints. */
export interface Optimizer {
  readonly config: OptimizerConfig;
  /** Number of updates applied so far. */
  step: number;
  /**
   * Apply one update with learning rate `lr` (and `momentum` / beta1 override when given), clipping first
   * when the config has `clipNorm`. Returns the global gradient norm before clipping (undefined when not clipping).
   */
  apply(grads: tf.Tensor[], lr: number, momentum?: number): number | undefined;
  /** Slot values in a fixed order (for checkpoints). */
  state(): Float32Array[];
  /** Restore slot values saved by `state` (same order and shapes). */
  setState(values: Float32Array[], step: number): void;
  dispose(): void;
}

/** The global L2 norm of `grads`, computed in tf (`sqrt(addN(sum(g²)))`). */
export function globalNorm(grads: tf.Tensor[]): number {
  const t = tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))));
  const n = t.dataSync()[0];
  t.dispose();
  return n;
}

/** The factor that brings a gradient of global norm `norm` down to `maxNorm` (1 when it is not larger). */
function clipScale(norm: number, maxNorm: number | undefined): number {
  return maxNorm !== undefined && maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
}

/** Scale `grads` so their global L2 norm is at most `maxNorm`; returns new tensors and the norm before clipping. */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: number } {
  const norm = globalNorm(grads);
  const scale = clipScale(norm, maxNorm);
  return { grads: grads.map((g) => (scale === 1 ? tf.clone(g) : tf.mul(g, scale))), norm };
}

/**
 * Make an optimizer for `vars`. `decay(v)` picks which variables get weight decay (default: all, as
 * PyTorch does when given one parameter group; the GPT trainings decay only matrices, `v.rank >= 2`).
 */
export function makeOptimizer(
  vars: tf.Variable[],
  config: OptimizerConfig,
  decay: (v: tf.Variable) => boolean = () => true,
): Optimizer {
  if (vars.length === 0)
    throw new EmbedlabError(
      "makeOptimizer got no variables to train",
      "pass the variables to update (e.g. model.variables() or adapter.variables())",
    );
  const wdMask = vars.map(decay);
  // tf.variable keeps its initial tensor alive: dispose that tensor so no state leaks per optimizer.
  const zerosLike = () =>
    vars.map((v) => {
      const z = tf.zerosLike(v);
      const slot = tf.variable(z, false);
      z.dispose();
      return slot;
    });
  const checkGrads = (grads: tf.Tensor[]) => {
    if (grads.length !== vars.length || grads.some((g) => g === undefined)) {
      const missing = vars.filter((_, i) => !grads[i]).map((v) => v.name);
      throw new EmbedlabError(
        `no gradient for ${missing.join(", ") || `${vars.length - grads.length} variables`}`,
        "make the loss use every trainable variable, or list only the used ones",
      );
    }
  };
  /** The norm (when clipping) and the scale to apply to the gradients. */
  const clipping = (grads: tf.Tensor[]): { norm?: number; scale: number } => {
    if (!(config.clipNorm !== undefined && config.clipNorm > 0)) return { scale: 1 };
    const norm = globalNorm(grads);
    return { norm, scale: clipScale(norm, config.clipNorm) };
  };
  if (config.type === "sgd") {
    const mom0 = config.momentum ?? 0;
    const wd = config.weightDecay ?? 0;
    const buf = zerosLike();
    const opt: Optimizer = {
      config,
      step: 0,
      apply(grads, lr, momentum) {
        checkGrads(grads);
        const mu = momentum ?? mom0;
        const { norm, scale } = clipping(grads);
        tf.tidy(() => {
          vars.forEach((p, i) => {
            let g: tf.Tensor = scale !== 1 ? tf.mul(grads[i], scale) : grads[i];
            if (wd > 0 && wdMask[i]) g = tf.add(g, tf.mul(p, wd));
            let upd = g;
            if (mu > 0) {
              const b = opt.step === 0 ? g : tf.add(tf.mul(buf[i], mu), g);
              buf[i].assign(b);
              upd = config.nesterov ? tf.add(g, tf.mul(b, mu)) : b;
            }
            p.assign(tf.sub(p, tf.mul(upd, lr)));
          });
        });
        opt.step++;
        return norm;
      },
      state: () => buf.map((b) => b.dataSync() as Float32Array),
      setState(values, step) {
        restore(buf, values);
        opt.step = step;
      },
      dispose: () => buf.forEach((b) => b.dispose()),
    };
    return opt;
  }
  if (config.type !== "adam" && config.type !== "adamw") {
    throw new EmbedlabError(
      `unknown optimizer type "${(config as { type: string }).type}"`,
      'use "sgd", "adam" or "adamw"',
    );
  }
  const b1d = config.beta1 ?? 0.9,
    b2 = config.beta2 ?? 0.999,
    eps = config.epsilon ?? 1e-8;
  const wd = config.weightDecay ?? 0;
  const decoupled = config.type === "adamw";
  // moments on typed arrays (adam-update.ts): one fused pass per variable instead of ~12 tf kernels;
  // kept in a wasm arena (the update in wasm SIMD, same results) where wasm SIMD is available
  const arena = AdamArena.create(vars.map((x) => x.size));
  const m = arena?.m ?? vars.map((x) => new Float32Array(x.size)),
    v = arena?.v ?? vars.map((x) => new Float32Array(x.size));
  // β1^t as a running product, so a momentum schedule (varying β1) gets the right bias correction;
  // while β1 has stayed constant the power itself is used (the same float32 value, see the tests).
  let b1Prod = 1;
  let b1Varied = false;
  const opt: Optimizer = {
    config,
    step: 0,
    apply(grads, lr, momentum) {
      checkGrads(grads);
      const b1 = momentum ?? b1d;
      const t = opt.step + 1;
      b1Prod *= b1;
      if (b1 !== b1d) b1Varied = true;
      const c1 = b1Varied ? 1 - b1Prod : 1 - b1d ** t,
        c2 = 1 - b2 ** t;
      // gradients read in place on wasm (views: each taken right before its use, as updates allocate)
      const clip = config.clipNorm !== undefined && config.clipNorm > 0;
      const norm = clip ? globalNormOf(grads.map(valuesNoCopy)) : undefined;
      const scale = norm === undefined ? 1 : clipScale(norm, config.clipNorm);
      vars.forEach((p, i) =>
        adamUpdate(
          p,
          valuesNoCopy(grads[i]),
          m[i],
          v[i],
          {
            lr,
            b1,
            b2,
            eps,
            c1,
            c2,
            scale,
            wd: wdMask[i] ? wd : 0,
            decoupled,
          },
          arena && { arena, index: i },
        ),
      );
      opt.step++;
      return norm;
    },
    state: () => [...m, ...v].map((x) => x.slice()).concat([Float32Array.of(b1Prod)]),
    setState(values, step) {
      restoreArrays(m, values.slice(0, m.length));
      restoreArrays(v, values.slice(m.length, 2 * m.length));
      const saved = values[2 * m.length]?.[0];
      b1Prod = saved ?? Math.pow(b1d, step);
      // the product is stored in float32: only a schedule's product differs from the power by more than that rounding
      b1Varied = saved !== undefined && saved !== Math.fround(Math.pow(b1d, step));
      opt.step = step;
    },
    dispose: () => undefined,
  };
  return opt;
}

/** Copy saved slot values into `slots` (same count and sizes, else a clear error). */
function restoreArrays(slots: Float32Array[], values: Float32Array[]): void {
  checkSlots(
    slots.map((s) => s.length),
    values,
  );
  slots.forEach((s, i) => s.set(values[i]));
}

function checkSlots(sizes: number[], values: Float32Array[]): void {
  if (values.length !== sizes.length)
    throw new EmbedlabError(
      `optimizer state has ${values.length} tensors, expected ${sizes.length}`,
      "the checkpoint was made for a different model or optimizer",
    );
  sizes.forEach((n, i) => {
    if (values[i].length !== n)
      throw new EmbedlabError(
        `optimizer slot ${i} has ${values[i].length} values, expected ${n}`,
        "the checkpoint was made for a different model",
      );
  });
}

function restore(slots: tf.Variable[], values: Float32Array[]): void {
  checkSlots(
    slots.map((s) => s.size),
    values,
  );
  slots.forEach((s, i) => {
    const t = tf.tensor(values[i], s.shape);
    s.assign(t);
    t.dispose();
  });
}
