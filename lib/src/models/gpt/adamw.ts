/**
 * AdamW (decoupled weight decay) with global-norm gradient clipping, and `trainStep`: one optimisation
 * step of any scalar loss over chosen variables. Used for pretraining, LoRA and full fine-tuning.
 */
import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../../core";

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay, applied to variables for which `decay(v)` is true (default: rank ≥ 2). */
  weightDecay?: number;
  decay?: (v: tf.Variable) => boolean;
  /** Clip gradients to this global L2 norm (0 or undefined: no clipping). */
  clipNorm?: number;
}

export class AdamW {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  step = 0;
  readonly opts: Required<Omit<AdamWOptions, "clipNorm">> & { clipNorm: number };

  constructor(opts: AdamWOptions = {}) {
    this.opts = {
      beta1: opts.beta1 ?? 0.9,
      beta2: opts.beta2 ?? 0.95,
      eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? 0.1,
      decay: opts.decay ?? ((v) => v.rank >= 2),
      clipNorm: opts.clipNorm ?? 0,
    };
  }

  /** Apply one update with learning rate `lr`; returns the gradient norm before clipping. */
  apply(vars: tf.Variable[], grads: Record<string, tf.Tensor>, lr: number): number {
    const { beta1, beta2, eps, weightDecay, decay, clipNorm } = this.opts;
    this.step++;
    const gnormT = tf.tidy(() => tf.sqrt(tf.addN(vars.map((v) => tf.sum(tf.square(grads[v.name]))))));
    const gnorm = gnormT.dataSync()[0];
    gnormT.dispose();
    const clip = clipNorm > 0 && gnorm > clipNorm ? clipNorm / (gnorm + 1e-6) : 1;
    const bc1 = 1 - beta1 ** this.step;
    const bc2 = 1 - beta2 ** this.step;
    tf.tidy(() => {
      for (const v of vars) {
        const g0 = grads[v.name];
        if (!g0) throw new EmbedlabError(`no gradient for variable ${v.name}`, "make sure the loss depends on every trainable variable");
        const g = clip !== 1 ? tf.mul(g0, clip) : g0;
        let m = this.m.get(v.name);
        let s = this.v.get(v.name);
        if (!m || !s) {
          m = tf.variable(tf.zerosLike(v), false);
          s = tf.variable(tf.zerosLike(v), false);
          this.m.set(v.name, m);
          this.v.set(v.name, s);
        }
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        s.assign(tf.add(tf.mul(s, beta2), tf.mul(tf.square(g), 1 - beta2)));
        let upd = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(s, bc2)), eps));
        if (weightDecay > 0 && decay(v)) upd = tf.add(upd, tf.mul(v, weightDecay));
        v.assign(tf.sub(v, tf.mul(upd, lr)));
      }
    });
    return gnorm;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}

/**
 * One step: gradients of `lossFn()` w.r.t. `vars` only (everything else stays frozen), AdamW update.
 * `lossFn` builds the loss from model outputs (any tf ops); returns the loss value and gradient norm.
 */
export function trainStep(lossFn: () => tf.Scalar, vars: tf.Variable[], optimizer: AdamW, lr: number): { loss: number; gradNorm: number } {
  if (vars.length === 0) throw new EmbedlabError("trainStep got no variables to train", "pass the variables to update (e.g. model.variables() or adapter.variables())");
  const { value, grads } = tf.variableGrads(lossFn, vars);
  try {
    const loss = value.dataSync()[0];
    const gradNorm = optimizer.apply(vars, grads, lr);
    return { loss, gradNorm };
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads));
  }
}

/** Linear warm-up then cosine decay to `minFrac`·peak at `total` steps. */
export function cosineLr(step: number, total: number, peak: number, warmup: number, minFrac = 0.1): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const t = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  return peak * (minFrac + (1 - minFrac) * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/** Linear decay from peak to 0 at `total` steps (optional linear warm-up). */
export function linearLr(step: number, total: number, peak: number, warmup = 0): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  return peak * Math.max(0, 1 - (step - warmup) / Math.max(1, total - warmup));
}
