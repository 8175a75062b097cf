/** A table a step hands the notebook: rows and display options, spread into `show.table(...view)`. */
export type TableView = [rows: Array<Record<string, unknown>>, options: { caption?: string; digits?: number }];

/** Seconds per notebook section, keyed like the saved `durations` ("setup_s", …; "total_s" at the end). */
export interface Stopwatch {
  readonly durations: Record<string, number>;
  /** Run `step`, recording its wall-clock seconds under `key`. */
  time<T>(key: string, step: () => T | Promise<T>): Promise<T>;
  /** Seconds since the stopwatch started, recorded as "total_s". */
  total(): number;
}

export function stopwatch(): Stopwatch {
  const t0 = Date.now();
  const durations: Record<string, number> = {};
  return {
    durations,
    async time(key, step) {
      const t = Date.now();
      const out = await step();
      durations[key] = (Date.now() - t) / 1000;
      return out;
    },
    total() {
      durations.total_s = (Date.now() - t0) / 1000;
      return durations.total_s;
    },
  };
}
