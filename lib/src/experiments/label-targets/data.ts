/** The images and label vectors sections 2 and 3 of notebook 01 train on. */
import { EmbedlabError } from "../../core";
import { loadCifar10, loadCifar100, type ImageDataset } from "../../data";
import type { Config } from "./config";
import { loadLabelSource, loadLabelSources, type LabelSource } from "./sources";
import { zeroShotData, type ZeroShotData } from "./zero-shot-experiment";

/** Everything the trainings of sections 2 and 3 read. */
export interface TrainingData {
  train: ImageDataset;
  test: ImageDataset;
  /** The label sources of section 2's runs, by id. */
  runSources: ReadonlyMap<string, LabelSource>;
  /** Section 3's seen / unseen split. */
  zeroShot: ZeroShotData;
  /** Section 3's end-to-end label source. */
  zeroShotSource: LabelSource;
}

/**
 * Load the profile's images (quick: CIFAR-10's first 10k train batch + the test batch; full: CIFAR-100
 * 50k/10k), the label sources of the section-2 runs, section 3's held-out split and its label source.
 */
export async function loadTrainingData(
  cfg: Pick<Config, "dataset" | "trainLimit" | "runs" | "heldOutEvery"> & Partial<Pick<Config, "profile">>,
  zeroShotSource: string,
  dataRoot = "",
): Promise<TrainingData> {
  const root = dataRoot || undefined;
  const limit = cfg.trainLimit || undefined;
  const train =
    cfg.dataset === "cifar10"
      ? loadCifar10("train", { root, batches: [1], limit })
      : loadCifar100("train", { root, limit });
  const test = cfg.dataset === "cifar10" ? loadCifar10("test", { root, limit }) : loadCifar100("test", { root, limit });
  const loaded = await loadLabelSources(
    [...new Set(cfg.runs.filter((r) => r.source).map((r) => r.source as string))],
    cfg.dataset,
    { root, profile: cfg.profile },
  );
  if (loaded.missing.length)
    throw new EmbedlabError(`label sources missing for section 2: ${JSON.stringify(loaded.missing)}`);
  const zeroShot = zeroShotData(train, test, cfg.heldOutEvery);
  return {
    train,
    test,
    runSources: new Map(loaded.sources.map((s) => [s.id, s])),
    zeroShot,
    zeroShotSource: await loadLabelSource(zeroShotSource, cfg.dataset, { root, profile: cfg.profile }),
  };
}
