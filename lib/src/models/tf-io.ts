import * as fs from "node:fs";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { DataNotFoundError, CorruptDataError, EmbedlabError } from "../core";

interface ModelJson {
  modelTopology: object;
  weightsManifest?: Array<{ paths: string[]; weights: tfTypes.io.WeightsManifestEntry[] }>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: object;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: object;
}

/** The parsed tfjs model.json at `modelJsonPath` (named errors when it is missing or not JSON). */
function readModelJson(modelJsonPath: string, name: string): ModelJson {
  if (!fs.existsSync(modelJsonPath)) throw new DataNotFoundError(name, [modelJsonPath], "npm ci");
  try {
    return JSON.parse(fs.readFileSync(modelJsonPath, "utf8")) as ModelJson;
  } catch (err) {
    throw new CorruptDataError(modelJsonPath, (err as Error).message);
  }
}

/** Number of weight values listed in a tfjs model.json's weightsManifest. */
export function tfjsModelParamCount(modelJsonPath: string): number {
  const json = readModelJson(modelJsonPath, "tfjs model.json");
  if (!Array.isArray(json.weightsManifest))
    throw new EmbedlabError(`${modelJsonPath} has no weightsManifest`, "pass a tfjs graph/layers model.json");
  let n = 0;
  for (const g of json.weightsManifest) for (const w of g.weights) n += w.shape.reduce((a, b) => a * b, 1);
  return n;
}

/** Build in-memory model artefacts from a model.json + binary shards on disk (no fetch, no network). */
export function artifactsFromDisk(modelJsonPath: string, name: string): tfTypes.io.ModelArtifacts {
  const json = readModelJson(modelJsonPath, name);
  const dir = path.dirname(modelJsonPath);
  const specs: tfTypes.io.WeightsManifestEntry[] = [];
  const parts: Buffer[] = [];
  for (const group of json.weightsManifest ?? []) {
    specs.push(...group.weights);
    for (const p of group.paths) parts.push(fs.readFileSync(path.join(dir, p)));
  }
  return artifactsFromParts(json, specs, Buffer.concat(parts));
}

/** Model artefacts from a parsed model.json object and its concatenated weight bytes. */
export function artifactsFromParts(
  json: ModelJson,
  specs: tfTypes.io.WeightsManifestEntry[],
  weights: Uint8Array,
): tfTypes.io.ModelArtifacts {
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata as tfTypes.io.ModelArtifacts["userDefinedMetadata"],
    modelInitializer: json.modelInitializer,
    weightSpecs: specs,
    weightData,
  };
}

export type { ModelJson };
