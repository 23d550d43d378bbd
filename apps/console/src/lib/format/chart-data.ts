// Histogram buckets → the columns a time chart draws: every bucket of the range (empty ones as
// zero), one series per command (the busiest, the rest as "other"), stacked.

export interface CountBucket {
  /** Bucket start, epoch ms. */
  start: number;
  byKey: Record<string, number>;
}

export interface ChartSeries {
  name: string;
  /** Count per bucket (not stacked). */
  counts: number[];
}

export interface ChartData {
  intervalMs: number;
  /** The x range drawn, epoch ms: [from, to). */
  from: number;
  to: number;
  /** Bucket starts, every bucket of the range. */
  starts: number[];
  series: ChartSeries[];
  totals: number[];
  peak: number;
}

/** Buckets shown at least, so that one bucket or one event is a bar among empty ones, not the whole chart. */
const MIN_BUCKETS = 12;
/** Buckets drawn at most; wider ranges are cut at the end nearest to now. */
const MAX_BUCKETS = 2000;

/**
 * Lays the buckets on a grid of `intervalMs` over [from, to) (taken from the buckets when a bound
 * is missing), keeping the `maxSeries - 1` busiest keys and summing the rest as `other`.
 */
export function chartData(buckets: readonly CountBucket[], intervalMs: number, range: { from?: number; to?: number } = {}, maxSeries = 5): ChartData {
  const step = Math.max(1, intervalMs);
  const align = (ms: number) => Math.floor(ms / step) * step;
  const firstBucket = buckets.length > 0 ? Math.min(...buckets.map((b) => b.start)) : undefined;
  const lastBucket = buckets.length > 0 ? Math.max(...buckets.map((b) => b.start)) : undefined;
  let from = align(range.from ?? firstBucket ?? Date.now() - MIN_BUCKETS * step);
  let to = range.to ?? (lastBucket !== undefined ? lastBucket + step : from + MIN_BUCKETS * step);
  if (lastBucket !== undefined && lastBucket + step > to) to = lastBucket + step;
  if (firstBucket !== undefined && firstBucket < from) from = align(firstBucket);
  // Too few buckets to read: widen around the data, keeping what was asked for inside.
  if ((to - from) / step < MIN_BUCKETS) {
    const missing = MIN_BUCKETS - Math.ceil((to - from) / step);
    from -= Math.floor(missing / 2) * step;
    to = from + MIN_BUCKETS * step;
  }
  const count = Math.min(MAX_BUCKETS, Math.ceil((to - from) / step));
  if (count === MAX_BUCKETS) from = align(to - MAX_BUCKETS * step);
  const starts = Array.from({ length: count }, (_, i) => from + i * step);

  const totalsByKey = new Map<string, number>();
  for (const b of buckets) for (const [key, n] of Object.entries(b.byKey)) totalsByKey.set(key, (totalsByKey.get(key) ?? 0) + n);
  const ranked = [...totalsByKey].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([key]) => key);
  const kept = ranked.length <= maxSeries ? ranked : ranked.slice(0, maxSeries - 1);
  const index = new Map(kept.map((key, i) => [key, i]));
  const series: ChartSeries[] = kept.map((name) => ({ name, counts: new Array<number>(count).fill(0) }));
  const other: ChartSeries = { name: 'other', counts: new Array<number>(count).fill(0) };
  const totals = new Array<number>(count).fill(0);
  for (const b of buckets) {
    const slot = Math.floor((b.start - from) / step);
    if (slot < 0 || slot >= count) continue;
    for (const [key, n] of Object.entries(b.byKey)) {
      const i = index.get(key);
      (i === undefined ? other : series[i]!).counts[slot]! += n;
      totals[slot]! += n;
    }
  }
  if (ranked.length > kept.length) series.push(other);
  return { intervalMs: step, from: starts[0] ?? from, to: (starts[0] ?? from) + count * step, starts, series, totals, peak: Math.max(0, ...totals) };
}

/**
 * The same data with its series in `names`' order, when it has exactly those series; else null.
 * A chart keeps the order it was built with, so a change of the busiest command is new data, not a
 * new chart (rebuilding one re-reads styles and recreates its legend).
 */
export function inSeriesOrder(data: ChartData, names: readonly string[]): ChartData | null {
  if (data.series.length !== names.length) return null;
  const byName = new Map(data.series.map((s) => [s.name, s]));
  const series = names.map((name) => byName.get(name));
  if (series.some((s) => s === undefined)) return null;
  return { ...data, series: series as ChartSeries[] };
}

/** `60000` → `1 min`, for "events per 1 min". */
export function intervalLabel(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}
