/** The committed offline checkpoint, ready to use (backend initialised); and loading a GPT by id. */
import { initBackend } from "../../backend";
import { EmbedlabError } from "../../core/errors";
import { noteModel } from "../../core/runtime";
import type { GptTokenizer } from "./bpe";
import { loadGptCheckpoint, checkpointDir, DEFAULT_TINY_GPT, LoadedGptCheckpoint, type TinyGptId } from "./checkpoint";
import { loadGpt2 } from "./gpt2";
import type { GPT } from "./model";
import type { TrainingRecord } from "./checkpoint";

/**
 * Load a committed checkpoint after initialising the tfjs backend: `dir`, else `data/models/<id>/`
 * (default `tinygpt-mix`, the Brown + Gutenberg + Factbook GPT).
 */
export async function loadTinyGpt(
  dir?: string,
  id: TinyGptId = DEFAULT_TINY_GPT,
): Promise<LoadedGptCheckpoint<TrainingRecord>> {
  await initBackend();
  const source = dir || checkpointDir(id);
  const loaded = loadGptCheckpoint<TrainingRecord>(source);
  noteModel({ id, source });
  return loaded;
}

/** The committed checkpoints' ids (`data/models/<id>/`). */
export const TINY_GPT_IDS: readonly TinyGptId[] = ["tinygpt-mix", "tinygpt-brown"];

/** Is `id` one of the committed checkpoints? */
export function isTinyGptId(id: string): id is TinyGptId {
  return (TINY_GPT_IDS as readonly string[]).includes(id);
}

/** Which GPT to load, as plain data (it can be sent to a worker thread): a project checkpoint or hub GPT-2. */
export type GptSpec = { id: TinyGptId; dir?: string } | { id: "gpt2"; profile?: string; path?: string };

/** A fresh copy of the GPT `spec` names, with its tokenizer and (checkpoints) training record. */
export async function loadGptSpec(
  spec: GptSpec,
): Promise<{ model: GPT; tokenizer: GptTokenizer; training?: TrainingRecord }> {
  if (spec.id === "gpt2") return loadGpt2({ profile: spec.profile, path: spec.path });
  if (isTinyGptId(spec.id)) return loadTinyGpt(spec.dir, spec.id);
  throw new EmbedlabError(
    `unknown GPT "${(spec as { id: string }).id}"`,
    `use one of ${TINY_GPT_IDS.map((i) => `"${i}"`).join(", ")} (offline checkpoints) or "gpt2" (hub)`,
  );
}
