/** The committed offline checkpoint, ready to use (backend initialised). */
import { initBackend } from "../../backend";
import { loadCheckpoint, defaultCheckpointDir, LoadedCheckpoint } from "./checkpoint";
import type { TrainingRecord } from "./pretrain";

/** Load `data/models/tinygpt-brown/` (or `dir`) after initialising the tfjs backend. */
export async function loadTinyGpt(dir = defaultCheckpointDir()): Promise<LoadedCheckpoint<TrainingRecord>> {
  await initBackend();
  return loadCheckpoint<TrainingRecord>(dir);
}
