import { describe, expect, it } from 'vitest';
import { chartData, inSeriesOrder, intervalLabel } from './chart-data.js';

const MIN = 60_000;

describe('chartData', () => {
  it('fills the whole range with buckets, empty ones as zero, so a gap stays a gap', () => {
    const t0 = Date.parse('2026-11-25T10:00:00Z');
    const data = chartData(
      [
        { start: t0, byKey: { QUERY: 5 } },
        { start: t0 + 4 * MIN, byKey: { QUERY: 2, CONNECT: 1 } },
      ],
      MIN,
      { from: t0 - 10 * MIN, to: t0 + 10 * MIN },
    );
    expect(data.starts).toHaveLength(20);
    expect(data.from).toBe(t0 - 10 * MIN);
    expect(data.totals.slice(10, 15)).toEqual([5, 0, 0, 0, 3]);
    expect(data.series.map((s) => s.name)).toEqual(['QUERY', 'CONNECT']);
    expect(data.peak).toBe(5);
  });

  it('draws one bucket as one bar among empty ones, not as the whole chart', () => {
    const t0 = Date.parse('2026-11-25T10:05:00Z');
    const data = chartData([{ start: t0, byKey: { QUERY: 140_923 } }], 5 * MIN);
    expect(data.starts.length).toBeGreaterThanOrEqual(12);
    expect(data.totals.filter((n) => n > 0)).toEqual([140_923]);
    expect(data.starts).toContain(t0);
  });

  it('keeps the busiest series and sums the rest as other', () => {
    const byKey = { A: 10, B: 9, C: 8, D: 7, E: 6, F: 5 };
    const data = chartData([{ start: 0, byKey }], 1000, {}, 5);
    expect(data.series.map((s) => s.name)).toEqual(['A', 'B', 'C', 'D', 'other']);
    expect(data.series.at(-1)!.counts.reduce((a, b) => a + b)).toBe(11);
  });

  it('labels intervals', () => {
    expect([intervalLabel(1000), intervalLabel(5 * MIN), intervalLabel(3_600_000), intervalLabel(86_400_000)]).toEqual(['1 s', '5 min', '1 h', '1 d']);
  });
});

describe('inSeriesOrder', () => {
  const t0 = Date.parse('2026-11-25T10:00:00Z');
  const data = chartData([{ start: t0, byKey: { QUERY: 5, READ: 2, WRITE: 1 } }], MIN, { from: t0, to: t0 + 12 * MIN });

  it('puts the series in the order a chart was built with, counts unchanged', () => {
    const ordered = inSeriesOrder(data, ['WRITE', 'QUERY', 'READ'])!;
    expect(ordered.series.map((s) => [s.name, s.counts[0]])).toEqual([
      ['WRITE', 1],
      ['QUERY', 5],
      ['READ', 2],
    ]);
    expect(ordered.totals).toBe(data.totals);
  });

  it('says null when the series are not the same ones', () => {
    expect(inSeriesOrder(data, ['QUERY', 'READ'])).toBeNull();
    expect(inSeriesOrder(data, ['QUERY', 'READ', 'CONNECT'])).toBeNull();
  });
});
