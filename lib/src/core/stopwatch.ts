/** Wall-clock seconds per notebook section, for results.json and a closing "time per section" table. */
export class Stopwatch {
  private readonly t0 = Date.now();
  private last = this.t0;
  /** Seconds per named section, in the order they were timed. */
  readonly durations: Record<string, number> = {};

  /** Start timing the next section now (what ran since the last lap is not counted). */
  restart(): void {
    this.last = Date.now();
  }

  /** Record the seconds since the last lap / restart (or since the stopwatch was made) as `name`. */
  lap(name: string): number {
    const now = Date.now();
    this.durations[name] = (now - this.last) / 1000;
    this.last = now;
    return this.durations[name];
  }

  /** Run `step`, recording its wall-clock seconds as `name`. */
  async time<T>(name: string, step: () => T | Promise<T>): Promise<T> {
    const t = Date.now();
    const out = await step();
    this.durations[name] = (Date.now() - t) / 1000;
    this.last = Date.now();
    return out;
  }

  /** Record the seconds since the stopwatch was made as `name` (default "total_s") and return every duration. */
  total(name = "total_s"): Record<string, number> {
    this.durations[name] = (Date.now() - this.t0) / 1000;
    return this.durations;
  }
}
