import { describe, expect, it } from 'vitest';
import { createCaptureCpu } from './capture-cpu.js';

/** Burns CPU for about `ms` of wall time (on a busy machine, less CPU than that). */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('createCaptureCpu', () => {
  it('adds up the CPU of its spans only, and divides it by the events', () => {
    const cpu = createCaptureCpu(() => 0);
    cpu.measure(() => spin(20));
    spin(40); // outside any span
    const started = cpu.begin();
    spin(20);
    cpu.end(started);
    const { cpuMicros, cpuMicrosPerEvent } = cpu.snapshot(100);
    expect(cpuMicros).toBeGreaterThan(1_000);
    expect(cpuMicros).toBeLessThan(55_000);
    expect(cpuMicrosPerEvent).toBeCloseTo(cpuMicros / 100);
  });

  it('reports events/s and CPU % over the last ten seconds, forgetting older samples', () => {
    let now = 0;
    const cpu = createCaptureCpu(() => now);
    expect(cpu.snapshot(0)).toMatchObject({ eventsPerSecond: 0, cpuPercent: 0, cpuMicrosPerEvent: 0 });
    for (let second = 1; second <= 30; second++) {
      now = second * 1000;
      // 1,000 events/s for the first 20 s, then 4,000 events/s.
      cpu.snapshot(second <= 20 ? second * 1000 : 20_000 + (second - 20) * 4000);
    }
    expect(cpu.snapshot(60_000).eventsPerSecond).toBeGreaterThan(3_600);
    expect(cpu.snapshot(60_000).eventsPerSecond).toBeLessThanOrEqual(4_000);
  });
});
