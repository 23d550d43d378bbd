// Draining a pre-loaded stream with the built worker in a child process: sustained events/s by
// decrypt threads, and RSS sampled while a 1M-event backlog drains.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBenchStream, fmt, putAll, workerEnv, type Emulated } from './bench-kit.js';
import { startWorkerProcess } from './worker-process.js';

export interface DrainResult {
  eventsPerSecond: number;
  seconds: number;
  /** CPU cores the worker kept busy on average (process, main thread). */
  cores: number;
  mainThreadCores: number;
  idleRssMb: number;
  peakRssMb: number;
  /** [seconds since start, stored events, RSS MB] every `sampleMs`. */
  series: [number, number, number][];
}

/**
 * Runs a worker over `streamName` from TRIM_HORIZON until `total` events are stored. Rate from
 * the first stored batch to the last (threads started and first GetRecords answered before).
 */
export async function drain(env: Emulated, dir: string, streamName: string, total: number, extraEnv: Record<string, string>, sampleMs = 250, execArgv: string[] = []): Promise<DrainResult> {
  const worker = await startWorkerProcess(workerEnv(env, dir, streamName, extraEnv), execArgv);
  try {
    const idleRssMb = worker.memory().rssMb;
    const series: [number, number, number][] = [];
    const started = performance.now();
    const deadline = Date.now() + 240_000;
    let first: { at: number; events: number; cpu: number; main: number } | undefined;
    let stored = 0;
    while (stored < total) {
      if (Date.now() > deadline) throw new Error(`drain of ${streamName} stopped at ${stored} of ${total} events`);
      await sleep(sampleMs);
      stored = (await worker.status()).storedEvents;
      const now = performance.now();
      series.push([(now - started) / 1000, stored, worker.memory().rssMb]);
      if (first === undefined && stored > 0) {
        const cpu = worker.cpu();
        first = { at: now, events: stored, cpu: cpu.total, main: cpu.main };
      }
    }
    const end = performance.now();
    const cpu = worker.cpu();
    const from = first ?? { at: started, events: 0, cpu: 0, main: 0 };
    const seconds = (end - from.at) / 1000;
    return {
      eventsPerSecond: (total - from.events) / seconds,
      seconds,
      cores: (cpu.total - from.cpu) / seconds,
      mainThreadCores: (cpu.main - from.main) / seconds,
      idleRssMb,
      peakRssMb: worker.memory().peakMb,
      series,
    };
  } finally {
    await worker.stop();
  }
}

/** Sustained drain of `records` (already encrypted) on a 4-shard stream with 1 and 2 decrypt threads. */
export async function benchDrainByThreads(env: Emulated, dir: string, records: readonly Uint8Array[], eventsPerRecord: number): Promise<Map<number, DrainResult>> {
  const total = records.length * eventsPerRecord;
  console.log(`\n## Drain a pre-loaded 4-shard stream (${fmt(records.length)} SDK-signed records of ${eventsPerRecord} events, 4 data keys; worker in its own process, decrypt + store + checkpoint; goal ≥ 75,000 events/s)`);
  await createBenchStream(env, 'bench-drain', 4);
  await putAll(env, 'bench-drain', records);
  const results = new Map<number, DrainResult>();
  console.log('| decrypt threads | events/s | vs 1 thread | CPU cores busy (main thread) | peak RSS MB |\n|---|---|---|---|---|');
  for (const threads of [1, 2]) {
    const result = await drain(env, join(dir, `drain-${threads}`), 'bench-drain', total, { DAS_DECRYPT_THREADS: String(threads) });
    results.set(threads, result);
    const base = results.get(1) as DrainResult;
    console.log(
      `| ${threads} | ${fmt(result.eventsPerSecond)} | ${fmt(result.eventsPerSecond / base.eventsPerSecond, 2)}× | ${fmt(result.cores, 2)} (${fmt(result.mainThreadCores, 2)}) | ${fmt(result.peakRssMb)} |`,
    );
  }
  return results;
}

/** RSS while a backlog of `repeat` × `records` drains with the default decrypt threads (goal < 400 MB, flat). */
export async function benchBacklogMemory(env: Emulated, dir: string, records: readonly Uint8Array[], eventsPerRecord: number, repeat: number): Promise<DrainResult> {
  const total = records.length * eventsPerRecord * repeat;
  console.log(`\n## RSS while draining a ${fmt(total)}-event backlog (${fmt(records.length * repeat)} records on 4 shards, default threads and limits; goal < 400 MB and flat)`);
  await createBenchStream(env, 'bench-backlog', 4);
  for (let i = 0; i < repeat; i += 1) await putAll(env, 'bench-backlog', records);
  const result = await drain(env, join(dir, 'backlog'), 'bench-backlog', total, {}, 500);
  const every = Math.max(1, Math.ceil(result.series.length / 16));
  const shown = result.series.filter((_, i) => i % every === 0 || i === result.series.length - 1);
  console.log('| s | events stored | RSS MB |\n|---|---|---|');
  for (const [s, events, rss] of shown) console.log(`| ${fmt(s, 1)} | ${fmt(events)} | ${fmt(rss)} |`);
  const late = result.series.slice(Math.floor(result.series.length / 2)).map(([, , rss]) => rss);
  console.log(
    `idle before reading ${fmt(result.idleRssMb)} MB · peak ${fmt(result.peakRssMb)} MB (${fmt(result.peakRssMb / result.idleRssMb, 2)}× idle) · second half ${fmt(Math.min(...late))}–${fmt(Math.max(...late))} MB · ${fmt(result.eventsPerSecond)} events/s`,
  );
  return result;
}
