import * as fs from "node:fs";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { DataNotFoundError, CorruptDataError } from "../core";

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

/** Build in-memory model artefacts from a model.json + binary shards on disk (no fetch, no network). */
export function artifactsFromDisk(modelJsonPath: string, name: string): tfTypes.io.ModelArtifacts {
  if (!fs.existsSync(modelJsonPath)) throw new DataNotFoundError(name, [modelJsonPath], "npm ci");
  let json: ModelJson;
  try {
    json = JSON.parse(fs.readFileSync(modelJsonPath, "utf8")) as ModelJson;
  } catch (err) {
    throw new CorruptDataError(modelJsonPath, (err as Error).message);
  }
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
