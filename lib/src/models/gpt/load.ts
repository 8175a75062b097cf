/** The committed offline checkpoint, ready to use (backend initialised); and loading a GPT by id. */
import { initBackend } from "../../backend";
import { EmbedlabError } from "../../core/errors";
import { noteModel } from "../../core/runtime";
import type { GptTokenizer } from "./bpe";
import { loadGptCheckpoint, defaultCheckpointDir, LoadedGptCheckpoint } from "./checkpoint";
import { loadGpt2 } from "./gpt2";
import type { GPT } from "./model";
import type { TrainingRecord } from "./checkpoint";

/** Load `data/models/tinygpt-brown/` (or `dir`) after initialising the tfjs backend. */
export async function loadTinyGpt(dir = defaultCheckpointDir()): Promise<LoadedGptCheckpoint<TrainingRecord>> {
  await initBackend();
  const loaded = loadGptCheckpoint<TrainingRecord>(dir);
  noteModel({ id: "tinygpt-brown", source: dir });
  return loaded;
}

/** Which GPT to load, as plain data (it can be sent to a worker thread): the project's checkpoint or hub GPT-2. */
export type GptSpec = { id: "tinygpt-brown"; dir?: string } | { id: "gpt2"; profile?: string; path?: string };

/** A fresh copy of the GPT `spec` names, with its tokenizer and (checkpoints) training record. */
export async function loadGptSpec(
  spec: GptSpec,
): Promise<{ model: GPT; tokenizer: GptTokenizer; training?: TrainingRecord }> {
  if (spec.id === "gpt2") return loadGpt2({ profile: spec.profile, path: spec.path });
  if (spec.id === "tinygpt-brown") return loadTinyGpt(spec.dir || defaultCheckpointDir());
  throw new EmbedlabError(
    `unknown GPT "${(spec as { id: string }).id}"`,
    'use "tinygpt-brown" (offline checkpoint) or "gpt2" (hub)',
  );
}
