import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../../core";
import { embeddingCrossEntropy, l2NormalizeRows, oneHotCrossEntropy, projectionHead } from "../../losses";
import { argTopK, bootstrapCI, confusionMatrix, type ConfidenceInterval } from "../../metrics";
import { fit, tensorSource, warmupLinear } from "../../train";

/** Zero-shot scores of unseen images, restricted to the unseen classes. */
export interface ZeroShotReport {
  /** Top-1 among the unseen classes only, with a bootstrap CI. */
  top1: ConfidenceInterval;
  /** Top-5 among the unseen classes (only when there are ≥ 10 unseen classes). */
  top5?: ConfidenceInterval;
  chanceTop1: number;
  chanceTop5?: number;
  n: number;
  /** confusion[t][p] over positions in `unseen` (true × predicted). */
  confusion: number[][];
}

/**
 * Classify unseen images by their nearest unseen label vector: `scores[i]` has one score per class
 * (all classes, dataset index order), `labels` are dataset class indices, `unseen` the held-out classes.
 */
export function zeroShotReport(
  scores: readonly Float32Array[],
  labels: ArrayLike<number>,
  unseen: readonly number[],
  opts: { seed?: number; n?: number } = {},
): ZeroShotReport {
  if (scores.length !== labels.length)
    throw new EmbedlabError(`${scores.length} score rows for ${labels.length} labels`);
  if (unseen.length < 2) throw new EmbedlabError("zero-shot needs at least 2 unseen classes");
  const pos = new Map(unseen.map((c, i) => [c, i]));
  const hit1 = new Float64Array(scores.length);
  const hit5 = new Float64Array(scores.length);
  const predPos: number[] = [];
  const truePos: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const t = pos.get(labels[i]);
    if (t === undefined)
      throw new EmbedlabError(
        `image ${i} has class ${labels[i]}, which is not unseen`,
        "pass only unseen-class images",
      );
    const top = argTopK(scores[i], Math.min(5, unseen.length), unseen);
    hit1[i] = top[0] === labels[i] ? 1 : 0;
    hit5[i] = top.includes(labels[i]) ? 1 : 0;
    predPos.push(pos.get(top[0])!);
    truePos.push(t);
  }
  const bo = { seed: opts.seed ?? 0, n: opts.n ?? 1000 };
  const rep: ZeroShotReport = {
    top1: bootstrapCI(hit1, bo),
    chanceTop1: 1 / unseen.length,
    n: scores.length,
    confusion: confusionMatrix(predPos, truePos, unseen.length),
  };
  if (unseen.length >= 10) {
    rep.top5 = bootstrapCI(hit5, bo);
    rep.chanceTop5 = 5 / unseen.length;
  }
  return rep;
}

export interface FeatureHeadOptions {
  /** "emb_ce": learned linear map to label space + softmax over cosines; "onehot": linear softmax classifier. */
  kind: "emb_ce" | "onehot";
  epochs?: number;
  batchSize?: number;
  lr?: number;
  temperature?: number;
  seed?: number;
}

/** A linear head trained on frozen features: `scores(features)` gives cosines to label vectors (emb_ce) or logits (onehot). */
export interface FeatureHead {
  kind: "emb_ce" | "onehot";
  scores(features: readonly Float32Array[], labelVectors?: readonly Float32Array[]): Float32Array[];
  dispose(): void;
}

/**
 * Fit a linear head on frozen image features of the training classes (labels = positions 0..k−1).
 * emb_ce: `targets` are the training classes' unit targets (k × D). Cheap: it never touches the CNN.
 */
export async function fitFeatureHead(
  features: readonly Float32Array[],
  labels: Int32Array,
  targets: readonly Float32Array[] | undefined,
  o: FeatureHeadOptions,
): Promise<FeatureHead> {
  if (features.length !== labels.length || features.length === 0)
    throw new EmbedlabError(`fitFeatureHead: ${features.length} feature rows for ${labels.length} labels`);
  const k = Math.max(...labels) + 1;
  const inDim = features[0].length;
  if (o.kind === "emb_ce" && (!targets || targets.length !== k))
    throw new EmbedlabError(`fitFeatureHead: emb_ce needs ${k} targets (one per training class)`);
  const outDim = o.kind === "emb_ce" ? targets![0].length : k;
  const head = projectionHead(inDim, outDim, { seed: o.seed ?? 0, bias: o.kind === "onehot", name: `probe_${o.kind}` });
  const X = tf.tensor2d(features.map((f) => Array.from(f)));
  const Y = tf.tensor1d(labels, "int32");
  const T = o.kind === "emb_ce" ? tf.tensor2d(targets!.map((t) => Array.from(t))) : undefined;
  const temperature = o.temperature ?? 0.1;
  try {
    await fit(head, tensorSource(X, Y), {
      epochs: o.epochs ?? 10,
      batchSize: o.batchSize ?? 128,
      seed: o.seed ?? 0,
      optimizer: { type: "adam" },
      lr: warmupLinear({ peakLr: o.lr ?? 3e-3, warmup: 0.1 }),
      progress: false,
      loss: (_m, x, y) =>
        o.kind === "emb_ce"
          ? embeddingCrossEntropy(head.apply(x as tf.Tensor2D), y as tf.Tensor1D, T!, temperature)
          : oneHotCrossEntropy(y as tf.Tensor1D, head.apply(x as tf.Tensor2D)),
    });
  } finally {
    tf.dispose([X, Y]);
    T?.dispose();
  }
  return {
    kind: o.kind,
    scores(feats, labelVectors) {
      return tf.tidy(() => {
        const out = head.apply(tf.tensor2d(feats.map((f) => Array.from(f))));
        let s: tf.Tensor2D;
        if (o.kind === "onehot") s = out;
        else {
          if (!labelVectors) throw new EmbedlabError("emb_ce head: scores needs labelVectors");
          s = tf.matMul(
            l2NormalizeRows(out),
            l2NormalizeRows(tf.tensor2d(labelVectors.map((v) => Array.from(v)))),
            false,
            true,
          ) as tf.Tensor2D;
        }
        const flat = s.dataSync() as Float32Array;
        const w = s.shape[1];
        return feats.map((_, i) => flat.slice(i * w, (i + 1) * w));
      });
    },
    dispose: () => head.dispose(),
  };
}
