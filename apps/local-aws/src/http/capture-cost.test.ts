import { describe, expect, it } from 'vitest';
import { captureCostOf } from './capture-cost.js';

describe('captureCostOf', () => {
  it("keeps each cluster's state and cost figures, rounded, and nothing else", () => {
    const stats = {
      'my-cluster': { state: 'running', eventsAccepted: 10, eventsPerSecond: 1234.567, cpuPercent: 12.345, cpuMicrosPerEvent: 4.26, cpuMicros: 42.6, recordsPut: 1 },
    };
    expect(captureCostOf(stats)).toEqual({ 'my-cluster': { state: 'running', eventsPerSecond: 1234.6, cpuPercent: 12.3, cpuMicrosPerEvent: 4.3, cpuMicros: 43 } });
  });

  it('gives nothing for sources without cost figures (synthetic, none)', () => {
    expect(captureCostOf(undefined)).toBeUndefined();
    expect(captureCostOf({ 'my-cluster': { eventsAccepted: 3 } })).toBeUndefined();
  });
});
