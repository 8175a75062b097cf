import * as tf from "@tensorflow/tfjs";
import { EmbedlabError } from "../core";

/** Anything with trainable variables: a tf.LayersModel, or an object listing its variables. */
export type Trainable = tf.LayersModel | { trainableVariables: tf.Variable[] };

/** The trainable tf.Variables of a model, in a stable order. */
export function trainableVariables(model: Trainable): tf.Variable[] {
  if (model instanceof tf.LayersModel) {
    // LayerVariable.read() returns the backing tf.Variable.
    return model.trainableWeights.map((w) => w.read() as tf.Variable);
  }
  if (!model || !Array.isArray(model.trainableVariables)) {
    throw new EmbedlabError(
      "fit: model has no trainable variables",
      "pass a tf.LayersModel or an object { trainableVariables: tf.Variable[] }",
    );
  }
  return model.trainableVariables;
}

/** Copies of the variables' current values. */
export function snapshot(vars: tf.Variable[]): Float32Array[] {
  return vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
}

/** Assign saved values back (same order and sizes). */
export function restoreValues(vars: tf.Variable[], values: Float32Array[], what = "weights"): void {
  if (values.length !== vars.length)
    throw new EmbedlabError(
      `${what}: ${values.length} tensors saved, model has ${vars.length}`,
      "load a checkpoint made for this model",
    );
  vars.forEach((v, i) => {
    if (values[i].length !== v.size)
      throw new EmbedlabError(
        `${what}: tensor ${i} (${v.name}) has ${values[i].length} values, expected ${v.size} [${v.shape.join(", ")}]`,
        "load a checkpoint made for this model",
      );
    tf.tidy(() => v.assign(tf.tensor(values[i], v.shape, v.dtype)));
  });
}
