import * as tf from "@tensorflow/tfjs";
import { EmbedlabError, progress, ProgressReporter, Rng, yieldToEventLoop } from "../core";
import { batches, deriveSeed } from "./batches";
import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from "./checkpoint";
import type { EpochRecord } from "./history";
import { restoreValues, snapshot, Trainable, trainableVariables } from "./model-vars";
import { makeOptimizer, Optimizer, OptimizerConfig } from "./optimizers";
import { constant, Schedule } from "./schedules";
import { BatchSource, tensorSource } from "./sources";

/** Custom loss: forward the batch through the model and return a scalar (runs under the gradient tape). */
export type LossFn<M extends Trainable = Trainable> = (model: M, x: tf.Tensor, y: tf.Tensor) => tf.Scalar;

export interface EarlyStopping {
  /** History key to watch (a metric from evaluate, or "loss"). */
  metric: string;
  mode: "max" | "min";
  /** Epochs without improvement before stopping. */
  patience: number;
  /** Put back the best epoch's weights at the end (default true). */
  restoreBest?: boolean;
  /** Minimum change that counts as an improvement (default 0). */
  minDelta?: number;
}

export interface FitOptions<M extends Trainable = Trainable> {
  loss: LossFn<M>;
  epochs: number;
  batchSize: number;
  /** Seeds shuffling and the per-batch rng (default 0). Same seed → same run. */
  seed?: number;
  /** Default { type: "adamw" } with β (0.9, 0.999), no decay. */
  optimizer?: OptimizerConfig;
  /** Learning rate: a number or a Schedule (oneCycle, warmupLinear, warmupCosine). Default 1e-3. */
  lr?: number | Schedule;
  /** Momentum (SGD) / beta1 (Adam) schedule, e.g. oneCycleMomentum(); overrides the optimizer's value. */
  momentum?: Schedule;
  /** Which variables get weight decay (default all). */
  decay?: (v: tf.Variable) => boolean;
  /** Clip gradients to this global L2 norm. */
  clipNorm?: number;
  /** Drop the last short batch of each epoch (default false). */
  dropLast?: boolean;
  /** Cap on steps per epoch (e.g. for a time-boxed run). */
  maxStepsPerEpoch?: number;
  /** Called after each epoch; returned numbers are added to that epoch's history record. */
  evaluate?: (model: M, epoch: number) => Record<string, number> | Promise<Record<string, number>>;
  earlyStopping?: EarlyStopping;
  /** Save a checkpoint here after every epoch; if one exists, training resumes from it. */
  checkpointDir?: string;
  /** Resume from checkpointDir when it has a checkpoint (default true). */
  resume?: boolean;
  /**
   * Variables that are not trained but change during training (e.g. batch-norm moving statistics): saved
   * with each checkpoint after the trained ones, and restored on resume.
   */
  state?: tf.Variable[];
  /** Show a progress bar per epoch (default true). */
  progress?: boolean;
  /** Progress label (default "train"). */
  label?: string;
  /** Called with each epoch's record. */
  onEpochEnd?: (record: EpochRecord) => void;
}

export interface FitResult {
  history: EpochRecord[];
  /** Optimizer steps taken in total (including resumed ones). */
  steps: number;
  stoppedEarly: boolean;
  /** Epoch whose weights the model holds at the end when early stopping restored the best. */
  bestEpoch?: number;
  /** Epoch this call started from (0 unless resumed). */
  resumedFromEpoch: number;
}

/** One optimizer step of a run: `step` counts the steps done (1 = the first), `lr` is the one it used. */
export interface StepRecord {
  step: number;
  loss: number;
  lr: number;
}

export interface FitStepsOptions<B, E = unknown> {
  /** The trained variables (everything else stays frozen); `optimizer` was made for them, in this order. */
  variables: tf.Variable[];
  optimizer: Optimizer;
  /** Steps this call takes. */
  steps: number;
  /** Length of the whole run, for the schedules (default: the optimizer's steps so far + `steps`). */
  totalSteps?: number;
  /** The batch of 0-based step `step` of the run; called once per step, in order (keep its random draws here). */
  nextBatch: (step: number) => B;
  /** The scalar loss of a batch (runs under the gradient tape; tensors it makes are freed). */
  loss: (batch: B) => tf.Scalar;
  /** Free what `nextBatch` made (e.g. its tensors) after the step. */
  disposeBatch?: (batch: B) => void;
  /** Learning rate: a number or a Schedule (oneCycle, warmupLinear, warmupCosine). Default 1e-3. */
  lr?: number | Schedule;
  /** Momentum (SGD) / beta1 (Adam) schedule; overrides the optimizer's value. */
  momentum?: Schedule;
  /**
   * Evaluation hook, called with the number of steps done at `evalSteps` (0: before the first step) and,
   * with `evalEvery`, after every `evalEvery` steps and after the last one. What it returns is kept in `evals`.
   */
  evaluate?: (step: number) => E | Promise<E>;
  evalSteps?: number[];
  evalEvery?: number;
  /** Called after every step with its record (before the evaluation hook). */
  onStep?: (record: StepRecord) => void;
  /** A progress bar to tick once per step (the caller finishes it). */
  bar?: ProgressReporter;
  /** The bar's text after a step (default `loss 1.234`). */
  tickInfo?: (record: StepRecord) => string;
  /** Name in error messages (default "training"). */
  label?: string;
  /** Advice when the loss becomes NaN or infinite (default: lower the learning rate or clip gradients). */
  nonFiniteHint?: string;
}

export interface FitStepsResult<E = unknown> {
  history: StepRecord[];
  /** What `evaluate` returned, with the step it was called at. */
  evals: { step: number; value: E }[];
}

/**
 * The training loop every trainer here runs (fit's epochs, the GPT pretraining and fine-tunings, the
 * contrastive fine-tuning): per step, the next batch, gradients of the loss w.r.t. `variables` only, one
 * optimizer update (with its clipping) at the scheduled learning rate, a record, the evaluation hook when
 * due, and a turn of the event loop (so a notebook kernel shows live progress and answers heartbeats).
 * Tensors are freed every step (tf.memory().numTensors stays flat).
 */
export async function fitSteps<B, E = unknown>(o: FitStepsOptions<B, E>): Promise<FitStepsResult<E>> {
  const { variables: vars, optimizer } = o;
  const label = o.label ?? "training";
  if (!(Number.isInteger(o.steps) && o.steps >= 0))
    throw new EmbedlabError(`${label}: steps must be a non-negative integer, got ${o.steps}`);
  if (vars.length === 0)
    throw new EmbedlabError(
      `${label}: no variables to train`,
      "pass the variables to update (e.g. model.variables() or adapter.variables())",
    );
  const start = optimizer.step;
  const end = start + o.steps;
  const total = o.totalSteps ?? end;
  const lrS: Schedule = typeof o.lr === "function" ? o.lr : constant(o.lr ?? 1e-3);
  const evalAt = new Set(o.evalSteps ?? []);
  const due = (done: number) =>
    evalAt.has(done) ||
    (o.evalEvery !== undefined && o.evalEvery > 0 && done > start && (done % o.evalEvery === 0 || done === end));
  const tickInfo = o.tickInfo ?? ((r: StepRecord) => `loss ${r.loss.toFixed(3)}`);
  const history: StepRecord[] = [];
  const evals: FitStepsResult<E>["evals"] = [];
  const evaluate = async (done: number) => {
    if (o.evaluate) evals.push({ step: done, value: await o.evaluate(done) });
  };
  if (due(start)) await evaluate(start);
  for (let step = start; step < end; step++) {
    const lr = lrS(step, total);
    const mom = o.momentum ? o.momentum(step, total) : undefined;
    const batch = o.nextBatch(step);
    let loss: number;
    try {
      const { value, grads } = tf.variableGrads(() => o.loss(batch), vars);
      try {
        loss = value.dataSync()[0];
        const gs = vars.map((v) => grads[v.name]);
        if (gs.some((g) => g === undefined)) {
          const missing = vars.filter((v) => !grads[v.name]).map((v) => v.name);
          throw new EmbedlabError(
            `${label}: no gradient for ${missing.join(", ")}`,
            "make the loss use every trainable variable, or list only the used ones",
          );
        }
        optimizer.apply(gs, lr, mom);
      } finally {
        value.dispose();
        tf.dispose(Object.values(grads));
      }
    } finally {
      o.disposeBatch?.(batch);
    }
    if (!Number.isFinite(loss)) {
      o.bar?.done(`loss ${loss}`);
      throw new EmbedlabError(
        `${label}: loss became ${loss} at step ${step + 1}`,
        o.nonFiniteHint ?? "lower the learning rate or clip gradients (clipNorm)",
      );
    }
    const record: StepRecord = { step: step + 1, loss, lr };
    history.push(record);
    o.onStep?.(record);
    o.bar?.tick(1, tickInfo(record));
    if (due(step + 1)) await evaluate(step + 1);
    await yieldToEventLoop();
  }
  return { history, evals };
}

function checkOptions(o: FitOptions<Trainable>, data: BatchSource): void {
  if (!(Number.isInteger(o.epochs) && o.epochs > 0))
    throw new EmbedlabError(`fit: epochs must be a positive integer, got ${o.epochs}`);
  if (!(Number.isInteger(o.batchSize) && o.batchSize > 0))
    throw new EmbedlabError(`fit: batchSize must be a positive integer, got ${o.batchSize}`);
  if (typeof o.loss !== "function")
    throw new EmbedlabError(
      "fit: opts.loss is required",
      "pass loss: (model, x, y) => scalar, e.g. (m, x, y) => losses.oneHotCrossEntropy(y, m.apply(x, {training: true}))",
    );
  if (!(data.size > 0)) throw new EmbedlabError("fit: the data source is empty");
  if (o.dropLast && data.size < o.batchSize)
    throw new EmbedlabError(`fit: ${data.size} examples < batchSize ${o.batchSize} with dropLast`, "lower batchSize");
}

/**
 * Train `model` on `data` (a BatchSource, or in-memory `{x, y}` tensors) with a custom loss. Per epoch: seeded shuffle, steps with the chosen
 * optimizer/schedule (clipping optional), optional evaluate(), history record, checkpoint,
 * early stopping. Tensors are freed every step (tf.memory().numTensors stays flat).
 */
export async function fit<M extends Trainable>(
  model: M,
  dataOrTensors: BatchSource | { x: tf.Tensor; y: tf.Tensor },
  opts: FitOptions<M>,
): Promise<FitResult> {
  const data: BatchSource =
    "batch" in dataOrTensors && typeof dataOrTensors.batch === "function"
      ? dataOrTensors
      : tensorSource((dataOrTensors as { x: tf.Tensor }).x, (dataOrTensors as { y: tf.Tensor }).y);
  checkOptions(opts as FitOptions<Trainable>, data);
  const vars = trainableVariables(model);
  if (vars.length === 0) throw new EmbedlabError("fit: the model has no trainable variables");
  const seed = opts.seed ?? 0;
  const lrS: Schedule = typeof opts.lr === "function" ? opts.lr : constant(opts.lr ?? 1e-3);
  const config = opts.optimizer ?? { type: "adamw" };
  const optimizer = makeOptimizer(
    vars,
    opts.clipNorm !== undefined ? { ...config, clipNorm: opts.clipNorm } : config,
    opts.decay,
  );
  const perEpoch = Math.min(
    opts.dropLast ? Math.floor(data.size / opts.batchSize) : Math.ceil(data.size / opts.batchSize),
    opts.maxStepsPerEpoch ?? Infinity,
  );
  const totalSteps = perEpoch * opts.epochs;
  const label = opts.label ?? "train";
  const es = opts.earlyStopping;
  let history: EpochRecord[] = [];
  let startEpoch = 0;
  let best: { value: number; epoch: number; weights?: Float32Array[] } | undefined;
  let bad = 0;

  try {
    if (opts.checkpointDir && (opts.resume ?? true) && hasCheckpoint(opts.checkpointDir)) {
      const ck = loadCheckpoint(opts.checkpointDir);
      restoreValues([...vars, ...(opts.state ?? [])], ck.weights, `checkpoint ${ck.path}`);
      optimizer.setState(ck.optimizer, ck.step);
      history = ck.history;
      startEpoch = ck.epoch;
      const e = ck.extra as { best?: { value: number; epoch: number }; bad?: number } | undefined;
      if (e?.best) best = { ...e.best };
      bad = e?.bad ?? 0;
    }

    let stoppedEarly = false;
    for (let epoch = startEpoch; epoch < opts.epochs; epoch++) {
      const t0 = Date.now();
      const order = batches(data.size, opts.batchSize, new Rng(deriveSeed(seed, epoch, 1)), opts.dropLast).slice(
        0,
        perEpoch,
      );
      const batchRng = new Rng(deriveSeed(seed, epoch, 2));
      const bar =
        opts.progress === false ? undefined : progress(order.length, `${label} epoch ${epoch + 1}/${opts.epochs}`);
      const first = optimizer.step;
      const run = await fitSteps({
        variables: vars,
        optimizer,
        steps: order.length,
        totalSteps,
        nextBatch: (step) => data.batch(order[step - first], batchRng),
        loss: (b) => opts.loss(model, b.x, b.y),
        disposeBatch: (b) => {
          b.x.dispose();
          b.y.dispose();
        },
        lr: lrS,
        momentum: opts.momentum,
        bar,
        tickInfo: (r) => `loss ${r.loss.toFixed(4)} lr ${r.lr.toPrecision(3)}`,
        label: `fit (epoch ${epoch + 1})`,
      });
      let lossSum = 0;
      for (const r of run.history) lossSum += r.loss;
      const lr = run.history.length ? run.history[run.history.length - 1].lr : 0;
      const trainSeconds = (Date.now() - t0) / 1000;
      const record: EpochRecord = {
        epoch: epoch + 1,
        step: optimizer.step,
        loss: lossSum / order.length,
        lr,
        seconds: trainSeconds,
      };
      if (opts.evaluate) {
        const te = Date.now();
        const m = await opts.evaluate(model, epoch + 1);
        for (const [k, v] of Object.entries(m)) {
          if (k in record)
            throw new EmbedlabError(
              `evaluate() returned "${k}", which clashes with a history field`,
              "rename the metric (e.g. test_loss)",
            );
          record[k] = v;
        }
        record.evalSeconds = (Date.now() - te) / 1000;
      }
      history.push(record);
      bar?.done(
        Object.entries(record)
          .filter(([k]) => k !== "epoch" && k !== "step")
          .map(([k, v]) => `${k} ${Number(v).toPrecision(4)}`)
          .join(" "),
      );

      if (es) {
        const v = record[es.metric];
        if (v === undefined)
          throw new EmbedlabError(
            `earlyStopping.metric "${es.metric}" is not in the history record`,
            `use one of: ${Object.keys(record).join(", ")}`,
          );
        const d = es.minDelta ?? 0;
        const better = !best || (es.mode === "max" ? v > best.value + d : v < best.value - d);
        if (better) {
          best = { value: v, epoch: epoch + 1, weights: es.restoreBest === false ? undefined : snapshot(vars) };
          bad = 0;
        } else {
          bad++;
        }
      }
      if (opts.checkpointDir) {
        saveCheckpoint(opts.checkpointDir, snapshot([...vars, ...(opts.state ?? [])]), optimizer.state(), {
          epoch: epoch + 1,
          step: optimizer.step,
          history,
          extra: best ? { best: { value: best.value, epoch: best.epoch }, bad } : { bad },
        });
      }
      opts.onEpochEnd?.(record);
      if (es && bad >= es.patience) {
        stoppedEarly = true;
        break;
      }
    }
    let bestEpoch: number | undefined;
    if (es && es.restoreBest !== false && best?.weights) {
      restoreValues(vars, best.weights, "best weights");
      bestEpoch = best.epoch;
    }
    return { history, steps: optimizer.step, stoppedEarly, bestEpoch, resumedFromEpoch: startEpoch };
  } finally {
    optimizer.dispose();
  }
}

export { yieldToEventLoop };
