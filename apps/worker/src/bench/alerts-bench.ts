import { join } from 'node:path';
import { createBenchStream, fmt, median, putAll, type Emulated } from './bench-kit.js';
import { drain, type DrainResult } from './backlog-bench.js';

/**
 * What the alert rules cost the worker: the pre-loaded stream drained with `DAS_ALERTS=false` and
 * with every built-in rule on, alternately (off, on, off, on, …) so that a machine busy with other
 * work weighs on both alike; the goal is a drop under 10 %.
 */
export async function benchAlertOverhead(env: Emulated, dir: string, records: readonly Uint8Array[], eventsPerRecord: number, rounds = 3): Promise<void> {
  const total = records.length * eventsPerRecord;
  console.log(`\n## Alert rules on the stream (${fmt(total)} events drained, 1 decrypt thread, all built-in rules vs DAS_ALERTS=false, ${rounds} rounds alternated; goal: < 10 % fewer events/s)`);
  await createBenchStream(env, 'bench-alerts', 4);
  await putAll(env, 'bench-alerts', records);
  const runs: Record<'off' | 'on', DrainResult[]> = { off: [], on: [] };
  for (let round = 0; round < rounds; round += 1) {
    for (const mode of ['off', 'on'] as const) {
      runs[mode].push(await drain(env, join(dir, `alerts-${mode}-${round}`), 'bench-alerts', total, { DAS_DECRYPT_THREADS: '1', DAS_ALERTS: mode === 'on' ? 'true' : 'false' }));
    }
  }
  console.log('| rules | events/s (median) | each round | main thread cores (median) |\n|---|---|---|---|');
  const rate = (mode: 'off' | 'on') => median(runs[mode].map((r) => r.eventsPerSecond));
  for (const mode of ['off', 'on'] as const) {
    console.log(`| ${mode} | ${fmt(rate(mode))} | ${runs[mode].map((r) => fmt(r.eventsPerSecond)).join(', ')} | ${fmt(median(runs[mode].map((r) => r.mainThreadCores)), 2)} |`);
  }
  console.log(`with the rules: ${fmt((rate('on') / rate('off')) * 100, 1)} % of the events/s without them`);
}
