import { describe, expect, it } from 'vitest';
import { formatRunProgress } from './format.js';
import { RunStats } from './stats.js';

/** How a caller parses a text line: kind, then key=value pairs. */
function parse(line: string): { kind: string; fields: Record<string, string> } {
  const [kind, ...pairs] = line.split(' ');
  return { kind: kind!, fields: Object.fromEntries(pairs.map((p) => p.split('=') as [string, string])) };
}

describe('progress lines', () => {
  it('are key=value pairs a caller can split', () => {
    const stats = new RunStats();
    for (let i = 1; i <= 100; i++) stats.record(i % 2 ? 'newOrder' : 'payment', i, false);
    const { kind, fields } = parse(formatRunProgress(stats.takeInterval(12, 60)));
    expect(kind).toBe('progress');
    expect(fields.elapsed).toBe('12s/60s');
    expect(fields.pct).toBe('20');
    expect(fields.tpmC).toBe('250');
    expect(fields.p50).toBe('50ms');
    expect(fields.p95).toBe('95ms');
    expect(fields.p99).toBe('99ms');
    expect(Number(fields.newOrder)).toBeGreaterThan(0);
  });
});
