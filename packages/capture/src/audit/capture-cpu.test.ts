import { describe, expect, it } from 'vitest';
import { createCaptureCpu } from './capture-cpu.js';

/** Burns CPU for about `ms` of wall time (on a busy machine, less CPU than that). */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** Burns a fixed amount of CPU (the same work whatever else the machine does). */
function burn(): number {
  let x = 0;
  for (let i = 0; i < 30_000_000; i++) x = (x + i * 7) % 1_000_003;
  return x;
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

  it('counts time under overlapping spans once (a record sealed across awaits while a read is handled)', () => {
    const alone = createCaptureCpu(() => 0);
    alone.measure(burn);
    const overlapping = createCaptureCpu(() => 0);
    const sealing = overlapping.begin();
    const reading = overlapping.begin();
    burn();
    overlapping.end(sealing);
    overlapping.end(reading);
    const once = alone.snapshot(1).cpuMicros;
    expect(overlapping.snapshot(1).cpuMicros).toBeGreaterThan(0);
    // The same work: twice its CPU if both spans counted it.
    expect(overlapping.snapshot(1).cpuMicros).toBeLessThan(once * 1.5);
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

  it('sample() keeps the rates as snapshot() does, at most one sample a second', () => {
    let now = 0;
    const cpu = createCaptureCpu(() => now);
    // A batch of lines every 100 ms: 1 event/ms for 20 s, then 4 events/ms.
    for (let ms = 0; ms <= 30_000; ms += 100) {
      now = ms;
      cpu.sample(ms <= 20_000 ? ms : 20_000 + (ms - 20_000) * 4);
    }
    const { eventsPerSecond } = cpu.snapshot(60_000);
    expect(eventsPerSecond).toBeGreaterThan(3_600);
    expect(eventsPerSecond).toBeLessThanOrEqual(4_000);
  });
});
