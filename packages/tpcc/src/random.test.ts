import { describe, expect, it } from 'vitest';
import { C_ID, aString, dataString, lastName, nuRand, permutation, zip } from './random.js';
import { MIX, pickTransaction, TRANSACTION_TYPES, type TransactionType } from './transactions.js';

describe('TPC-C random inputs', () => {
  it('builds last names from three syllables (Clause 4.3.2.3)', () => {
    expect(lastName(0)).toBe('BARBARBAR');
    expect(lastName(371)).toBe('PRICALLYOUGHT');
    expect(lastName(999)).toBe('EINGEINGEING');
  });

  it('keeps NURand within [x, y] and skews it', () => {
    const hits = new Map<number, number>();
    for (let i = 0; i < 30_000; i++) {
      const v = nuRand(1023, 1, 3000, C_ID);
      expect(v).toBeGreaterThanOrEqual(1);
      expect(v).toBeLessThanOrEqual(3000);
      hits.set(v, (hits.get(v) ?? 0) + 1);
    }
    // Uniform would give ~10 per value; NURand concentrates on some values.
    expect(Math.max(...hits.values())).toBeGreaterThan(30);
  });

  it('makes strings of the asked lengths; 10% of data strings say ORIGINAL', () => {
    for (let i = 0; i < 1000; i++) {
      const s = aString(14, 24);
      expect(s.length).toBeGreaterThanOrEqual(14);
      expect(s.length).toBeLessThanOrEqual(24);
    }
    expect(zip()).toMatch(/^\d{4}11111$/);
    const original = Array.from({ length: 10_000 }, dataString).filter((s) => s.includes('ORIGINAL')).length;
    expect(original).toBeGreaterThan(800);
    expect(original).toBeLessThan(1200);
  });

  it('permutes 1..n', () => {
    expect(permutation(3000).sort((a, b) => a - b)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
  });

  it('draws the standard mix', () => {
    const counts = Object.fromEntries(TRANSACTION_TYPES.map((t) => [t, 0])) as Record<TransactionType, number>;
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[pickTransaction()]++;
    for (const t of TRANSACTION_TYPES) expect(Math.abs((counts[t] / n) * 100 - MIX[t])).toBeLessThan(1);
  });
});
