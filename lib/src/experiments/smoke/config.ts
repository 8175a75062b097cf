/** Notebook 00's parameters and their profile defaults. */
import { dataDir } from "../../core";

export interface SmokeParams {
  profile: "quick" | "full";
  /** Training steps; 0 = the profile's default. */
  steps: number;
  /** Seeds the synthetic data and the weight initialisation. */
  seed: number;
  /** Data root to report ("" = EMBEDLAB_DATA_DIR, else data/cache). */
  dataRoot: string;
}

/** Steps per profile when `steps` is 0. */
export const DEFAULT_STEPS = { quick: 100, full: 300 } as const;

export interface SmokeConfig {
  profile: "quick" | "full";
  steps: number;
  seed: number;
  dataRoot: string;
}

export function resolveConfig(p: SmokeParams): SmokeConfig {
  return {
    profile: p.profile,
    steps: p.steps > 0 ? p.steps : DEFAULT_STEPS[p.profile],
    seed: p.seed,
    dataRoot: p.dataRoot || dataDir(),
  };
}
