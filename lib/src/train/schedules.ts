import { EmbedlabError } from "../core";

/** A per-step value (learning rate or momentum): `step` is 0-based, `totalSteps` the run's length. */
export type Schedule = (step: number, totalSteps: number) => number;

export function constant(value: number): Schedule {
  return () => value;
}

function frac(step: number, total: number): number {
  return total > 0 ? Math.min(1, Math.max(0, step / total)) : 1;
}

export interface OneCycleOptions {
  maxLr: number;
  /** Fraction of steps spent rising (default 0.3, as PyTorch OneCycleLR). */
  pctStart?: number;
  /** Start lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** End lr = start lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Annealing shape (default "cos"). */
  anneal?: "cos" | "linear";
}

function interp(a: number, b: number, t: number, how: "cos" | "linear"): number {
  return how === "cos" ? b + ((a - b) * (1 + Math.cos(Math.PI * t))) / 2 : a + (b - a) * t;
}

/** One-cycle learning rate (Smith; PyTorch OneCycleLR semantics): up from maxLr/div to maxLr, then down to maxLr/div/finalDiv. */
export function oneCycle(o: OneCycleOptions): Schedule {
  if (!(o.maxLr > 0)) throw new EmbedlabError(`oneCycle: maxLr must be > 0, got ${o.maxLr}`);
  const pct = o.pctStart ?? 0.3;
  const start = o.maxLr / (o.divFactor ?? 25);
  const end = start / (o.finalDivFactor ?? 1e4);
  const how = o.anneal ?? "cos";
  return (step, total) => {
    const up = Math.max(1, Math.floor(pct * total) - 1);
    if (step <= up) return interp(start, o.maxLr, step / up, how);
    return interp(o.maxLr, end, frac(step - up, total - 1 - up), how);
  };
}

/** Momentum cycled inversely to one-cycle's lr: max → base while lr rises, back to max as it falls. */
export function oneCycleMomentum(
  o: { base?: number; max?: number; pctStart?: number; anneal?: "cos" | "linear" } = {},
): Schedule {
  const base = o.base ?? 0.85,
    max = o.max ?? 0.95,
    pct = o.pctStart ?? 0.3,
    how = o.anneal ?? "cos";
  return (step, total) => {
    const up = Math.max(1, Math.floor(pct * total) - 1);
    if (step <= up) return interp(max, base, step / up, how);
    return interp(base, max, frac(step - up, total - 1 - up), how);
  };
}

export interface WarmupDecayOptions {
  peakLr: number;
  /** Warm-up steps (linear from 0: step s gets peak·(s+1)/warmup), or a fraction of the run when < 1 (default 0). */
  warmup?: number;
  /** Final lr as a fraction of peak (default 0). */
  finalFrac?: number;
  /**
   * Where the decay reaches `finalFrac`·peak: at the run's last step (`"last-step"`, default: decay over
   * total − warmup − 1 steps, evaluated as a lerp peak → final), or one step past it (`"end"`, the GPT
   * trainings' convention: decay over total − warmup steps, evaluated as peak·(final + (1 − final)·shape)).
   */
  decayTo?: "last-step" | "end";
}

/** The one warm-up-then-decay schedule; `shape` is the decay's curve. */
export function warmupDecay(o: WarmupDecayOptions, shape: "cos" | "linear"): Schedule {
  if (!(o.peakLr > 0)) throw new EmbedlabError(`peakLr must be > 0, got ${o.peakLr}`);
  const f = o.finalFrac ?? 0;
  const endLr = o.peakLr * f;
  const toEnd = (o.decayTo ?? "last-step") === "end";
  return (step, total) => {
    const w = (o.warmup ?? 0) < 1 ? Math.round((o.warmup ?? 0) * total) : (o.warmup as number);
    if (step < w) return (o.peakLr * (step + 1)) / w;
    if (!toEnd) return interp(o.peakLr, endLr, frac(step - w, Math.max(1, total - w - 1)), shape);
    const t = Math.min(1, Math.max(0, (step - w) / Math.max(1, total - w)));
    return o.peakLr * (f + (shape === "cos" ? (1 - f) * 0.5 * (1 + Math.cos(Math.PI * t)) : (1 - f) * (1 - t)));
  };
}

/** Linear warm-up, then linear decay to `finalFrac`·peak (at the last step, or one past it with decayTo "end"). */
export function warmupLinear(o: WarmupDecayOptions): Schedule {
  return warmupDecay(o, "linear");
}

/** Linear warm-up, then cosine decay to `finalFrac`·peak (at the last step, or one past it with decayTo "end"). */
export function warmupCosine(o: WarmupDecayOptions): Schedule {
  return warmupDecay(o, "cos");
}

export interface WarmupStableDecayOptions {
  peakLr: number;
  /** Warm-up steps (linear from 0: step s gets peak·(s+1)/warmup). */
  warmup: number;
  /** Share of the run, at its end, spent decaying linearly (default 0.2). */
  decayFrac?: number;
  /** Final lr as a fraction of peak, reached one step past the end (default 0). */
  finalFrac?: number;
}

/**
 * Warm-up, a constant peak, then a linear decay over the last `decayFrac` of the run ("WSD"). Until the
 * decay starts the lr does not depend on the run's length, so a run can be lengthened or shortened then
 * (e.g. on resume) without a jump in its learning rate.
 */
export function warmupStableDecay(o: WarmupStableDecayOptions): Schedule {
  if (!(o.peakLr > 0)) throw new EmbedlabError(`peakLr must be > 0, got ${o.peakLr}`);
  const d = o.decayFrac ?? 0.2;
  if (!(d > 0 && d <= 1)) throw new EmbedlabError(`decayFrac must be in (0, 1], got ${d}`);
  const f = o.finalFrac ?? 0;
  return (step, total) => {
    if (step < o.warmup) return (o.peakLr * (step + 1)) / o.warmup;
    const decay = Math.max(1, Math.round(d * total));
    const start = Math.max(o.warmup, total - decay);
    if (step < start) return o.peakLr;
    const t = Math.min(1, (step - start) / Math.max(1, total - start));
    return o.peakLr * (f + (1 - f) * (1 - t));
  };
}
