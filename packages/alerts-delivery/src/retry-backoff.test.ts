import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './retry-backoff.js';

describe('retryDelayMs', () => {
  it('doubles per attempt, keeps between half and all of it, and stops at the cap', () => {
    const options = { baseMs: 1000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, options, () => 0))).toEqual([500, 1000, 2000, 4000, 5000]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, options, () => 1))).toEqual([1000, 2000, 4000, 8000, 10_000]);
    expect(retryDelayMs(40, options, () => 0.5)).toBe(7500);
  });
});
