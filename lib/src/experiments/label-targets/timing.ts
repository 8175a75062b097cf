/** Wall time per notebook section, for results.json and the closing table. */
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

  /** Record the seconds since the stopwatch was made as `name`. */
  total(name = "total_s"): number {
    this.durations[name] = (Date.now() - this.t0) / 1000;
    return this.durations[name];
  }
}
