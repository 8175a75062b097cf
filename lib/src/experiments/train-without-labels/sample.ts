import { initBackend, type BackendInfo } from "../../backend";
import { loadSst2, sampleSeeded, type Sst2Row } from "../../data";
import type { Config } from "./config";
import type { TableView } from "./table";

/** The run's data: SST-2 train and dev, and one seeded draw split into the pool and the selection slice. */
export interface Sample {
  backend: BackendInfo;
  trainRows: Sst2Row[];
  evalRows: Sst2Row[];
  /** The scaling pool; its first `sampleSize` rows are the unlabelled sample. */
  pool: Sst2Row[];
  poolTexts: string[];
  sample: Sst2Row[];
  sampleTexts: string[];
  /** Labelled train sentences, disjoint from the pool, for choosing prompts and the student. */
  selection: Sst2Row[];
  selTexts: string[];
  selGold: number[];
  evalTexts: string[];
  evalGold: number[];
}

/**
 * Pick the tfjs backend (wasm), load SST-2 and draw once with the seeded sampler: the first `poolSize` rows
 * are the pool (every smaller pool is a prefix), the next `selectionSize` the selection slice.
 */
export async function loadSample(
  p: Pick<Config, "dataRoot" | "trainFile" | "evalFile" | "sampleSize" | "poolSize" | "selectionSize" | "seed">,
): Promise<Sample> {
  const info = await initBackend();
  const root = p.dataRoot || undefined;
  const trainRows = loadSst2("train", { root: root, file: p.trainFile || undefined });
  const evalRows = loadSst2("dev", { root: root, file: p.evalFile || undefined });
  const drawn = sampleSeeded(trainRows, p.poolSize + p.selectionSize, p.seed);
  const pool = drawn.slice(0, p.poolSize),
    selection = drawn.slice(p.poolSize);
  const sample = pool.slice(0, p.sampleSize);
  return {
    backend: info,
    trainRows,
    evalRows,
    pool,
    poolTexts: pool.map((r) => r.sentence),
    sample,
    sampleTexts: sample.map((r) => r.sentence),
    selection,
    selTexts: selection.map((r) => r.sentence),
    selGold: selection.map((r) => r.label),
    evalTexts: evalRows.map((r) => r.sentence),
    evalGold: evalRows.map((r) => r.label),
  };
}

export function sampleTable(p: Pick<Config, "profile" | "seed">, s: Sample): TableView {
  const row = {
    profile: p.profile,
    "SST-2 train rows": s.trainRows.length,
    "unlabelled sample": s.sample.length,
    "scaling pool": s.pool.length,
    "selection slice (labelled)": s.selection.length,
    "evaluation sentences": s.evalRows.length,
    seed: p.seed,
  };
  return [[row], { caption: "Data of this run" }];
}
