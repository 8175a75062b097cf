import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../core";

/** SGD with (optionally Nesterov) momentum and coupled L2 weight decay (PyTorch `SGD` semantics). */
export interface SgdConfig {
  type: "sgd";
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

/** Adam (coupled L2 decay, as PyTorch `Adam`) or AdamW (decoupled decay, `p -= lr·wd·p`). */
export interface AdamConfig {
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
  /** Apply one update with learning rate `lr` (and `momentum` / beta1 override when given). */
  apply(grads: tf.Tensor[], lr: number, momentum?: number): void;
  /** Slot values in a fixed order (for checkpoints). */
  state(): Float32Array[];
  /** Restore slot values saved by `state` (same order and shapes). */
  setState(values: Float32Array[], step: number): void;
  dispose(): void;
}

/**
 * Make an optimizer for `vars`. `decay(v)` picks which variables get weight decay (default: all, as
 * PyTorch does when given one parameter group).
 */
export function makeOptimizer(vars: tf.Variable[], config: OptimizerConfig, decay: (v: tf.Variable) => boolean = () => true): Optimizer {
  const wdMask = vars.map(decay);
  // tf.variable keeps its initial tensor alive: dispose that tensor so no state leaks per optimizer.
  const zerosLike = () =>
    vars.map((v) => {
      const z = tf.zerosLike(v);
      const slot = tf.variable(z, false);
      z.dispose();
      return slot;
    });
  if (config.type === "sgd") {
    const mom0 = config.momentum ?? 0;
    const wd = config.weightDecay ?? 0;
    const buf = zerosLike();
    const opt: Optimizer = {
      config,
      step: 0,
      apply(grads, lr, momentum) {
        const mu = momentum ?? mom0;
        tf.tidy(() => {
          vars.forEach((p, i) => {
            let g: tf.Tensor = grads[i];
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
    throw new EmbedlabError(`unknown optimizer type "${(config as { type: string }).type}"`, 'use "sgd", "adam" or "adamw"');
  }
  const b1d = config.beta1 ?? 0.9, b2 = config.beta2 ?? 0.999, eps = config.epsilon ?? 1e-8;
  const wd = config.weightDecay ?? 0;
  const decoupled = config.type === "adamw";
  const m = zerosLike(), v = zerosLike();
  // Bias corrections for a possibly varying beta1 (momentum schedule): keep the running product.
  let b1Prod = 1;
  const opt: Optimizer = {
    config,
    step: 0,
    apply(grads, lr, momentum) {
      const b1 = momentum ?? b1d;
      const t = opt.step + 1;
      b1Prod *= b1;
      const c1 = 1 - b1Prod, c2 = 1 - Math.pow(b2, t);
      tf.tidy(() => {
        vars.forEach((p, i) => {
          let g: tf.Tensor = grads[i];
          if (wd > 0 && wdMask[i] && !decoupled) g = tf.add(g, tf.mul(p, wd));
          const mi = tf.add(tf.mul(m[i], b1), tf.mul(g, 1 - b1));
          const vi = tf.add(tf.mul(v[i], b2), tf.mul(tf.square(g), 1 - b2));
          m[i].assign(mi);
          v[i].assign(vi);
          let np = wd > 0 && wdMask[i] && decoupled ? tf.mul(p, 1 - lr * wd) : (p as tf.Tensor);
          np = tf.sub(np, tf.mul(tf.div(tf.div(mi, c1), tf.add(tf.sqrt(tf.div(vi, c2)), eps)), lr));
          p.assign(np);
        });
      });
      opt.step++;
    },
    state: () => [...m, ...v].map((x) => x.dataSync() as Float32Array).concat([Float32Array.of(b1Prod)]),
    setState(values, step) {
      restore(m, values.slice(0, m.length));
      restore(v, values.slice(m.length, 2 * m.length));
      b1Prod = values[2 * m.length]?.[0] ?? Math.pow(b1d, step);
      opt.step = step;
    },
    dispose: () => [...m, ...v].forEach((x) => x.dispose()),
  };
  return opt;
}

function restore(slots: tf.Variable[], values: Float32Array[]): void {
  if (values.length !== slots.length) throw new EmbedlabError(`optimizer state has ${values.length} tensors, expected ${slots.length}`, "the checkpoint was made for a different model or optimizer");
  slots.forEach((s, i) => {
    if (values[i].length !== s.size) throw new EmbedlabError(`optimizer slot ${i} has ${values[i].length} values, expected ${s.size}`, "the checkpoint was made for a different model");
    s.assign(tf.tensor(values[i], s.shape));
  });
}

/** Scale `grads` so their global L2 norm is at most `maxNorm`; returns new tensors and the norm before clipping. */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: number } {
  const norm = Math.sqrt(grads.reduce((s, g) => s + tf.tidy(() => tf.sum(tf.square(g)).dataSync()[0]), 0));
  const scale = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
  return { grads: grads.map((g) => (scale === 1 ? tf.clone(g) : tf.mul(g, scale))), norm };
}
