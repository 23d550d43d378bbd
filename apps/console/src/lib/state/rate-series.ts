/** Events per second by command, over a sliding window of whole seconds (client clock). */
export class RateSeries {
  readonly windowSeconds: number;
  #seconds = new Map<number, Map<string, number>>();

  constructor(windowSeconds = 120) {
    this.windowSeconds = windowSeconds;
  }

  /** Counts one event of `command` arriving at `nowMs`; `weight` > 1 when it stands for events the worker sampled out. */
  add(command: string | null, nowMs: number, weight = 1): void {
    const second = Math.floor(nowMs / 1000);
    let bucket = this.#seconds.get(second);
    if (bucket === undefined) {
      bucket = new Map();
      this.#seconds.set(second, bucket);
      this.#prune(second);
    }
    const key = command ?? '(none)';
    bucket.set(key, (bucket.get(key) ?? 0) + weight);
  }

  /** Events per second over the last `seconds` whole seconds before `nowMs` (the current one left out: it is still filling). */
  perSecond(nowMs: number, seconds = 5): number {
    const current = Math.floor(nowMs / 1000);
    let sum = 0;
    for (const [second, bucket] of this.#seconds) {
      if (second < current - seconds || second >= current) continue;
      for (const n of bucket.values()) sum += n;
    }
    return sum / seconds;
  }

  #prune(current: number): void {
    for (const second of this.#seconds.keys()) if (second <= current - this.windowSeconds) this.#seconds.delete(second);
  }

  /**
   * One series per command (the `maxSeries - 1` busiest, the rest as "other"), each an array of
   * per-second counts for the window ending at `nowMs`.
   */
  series(nowMs: number, maxSeries = 5): { command: string; counts: number[] }[] {
    const last = Math.floor(nowMs / 1000);
    const first = last - this.windowSeconds + 1;
    const totals = new Map<string, number>();
    for (const [second, bucket] of this.#seconds) {
      if (second < first || second > last) continue;
      for (const [command, count] of bucket) totals.set(command, (totals.get(command) ?? 0) + count);
    }
    const ranked = [...totals].sort((a, b) => b[1] - a[1]).map(([command]) => command);
    const kept = ranked.length <= maxSeries ? ranked : ranked.slice(0, maxSeries - 1);
    const index = new Map(kept.map((c, i) => [c, i]));
    const hasOther = ranked.length > kept.length;
    const out = kept.map((command) => ({ command, counts: new Array<number>(this.windowSeconds).fill(0) }));
    const other = { command: 'other', counts: new Array<number>(this.windowSeconds).fill(0) };
    for (const [second, bucket] of this.#seconds) {
      if (second < first || second > last) continue;
      for (const [command, count] of bucket) {
        const i = index.get(command);
        const target = i === undefined ? other : out[i]!;
        target.counts[second - first]! += count;
      }
    }
    if (hasOther) out.push(other);
    return out;
  }

  /** The window's seconds that saw events, as chart buckets (start in ms, count per command). */
  buckets(nowMs: number): { start: number; byKey: Record<string, number> }[] {
    const last = Math.floor(nowMs / 1000);
    const out: { start: number; byKey: Record<string, number> }[] = [];
    for (const [second, bucket] of this.#seconds) {
      if (second <= last - this.windowSeconds || second > last) continue;
      // Weighted counts are whole per second only in sum: each series is rounded for display.
      out.push({ start: second * 1000, byKey: Object.fromEntries([...bucket].map(([key, n]) => [key, Math.round(n)])) });
    }
    return out;
  }

  clear(): void {
    this.#seconds.clear();
  }
}
