// PutRecords on the emulator → event on a live WebSocket of the worker (a child process), at
// steady rates. A record is known by shard + sequence number, so pre-encrypted records are reused.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { LiveServerFrame } from '@das/contracts';
import WebSocket from 'ws';
import { createBenchStream, fmt, percentile, TOKEN, workerEnv, type Emulated } from './bench-kit.js';
import { startWorkerProcess } from './worker-process.js';

export async function benchLatency(env: Emulated, dir: string, records: readonly Uint8Array[], eventsPerRecord: number, rates: number[], seconds: number): Promise<void> {
  console.log(`\n## End to end: PutRecords → event on a WebSocket (records of ${eventsPerRecord} events, 4 shards, default threads, worker in its own process, ${seconds} s per rate)`);
  await createBenchStream(env, 'bench-live', 4);
  const worker = await startWorkerProcess(workerEnv(env, join(dir, 'latency'), 'bench-live', { DAS_START_POSITION: 'LATEST' }));
  const rows: string[] = [];
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const status = await worker.status();
      if (status.state === 'consuming' && status.shards.length === 4 && status.shards.every((s) => s.state === 'reading')) break;
      if (Date.now() > deadline) throw new Error('worker did not start consuming');
      await sleep(50);
    }
    await sleep(500);
    const socket = new WebSocket(`${worker.url.replace('http', 'ws')}/events/live`, { headers: { authorization: `Bearer ${TOKEN}` } });
    /** First arrival per record (`shard/sequence`). */
    const received = new Map<string, number>();
    socket.on('message', (data: Buffer) => {
      const now = performance.now();
      const frame = JSON.parse(data.toString('utf8')) as LiveServerFrame;
      if (frame.type !== 'events') return;
      for (const event of frame.events) {
        const key = `${event.shardId}/${event.sequenceNumber}`;
        if (!received.has(key)) received.set(key, now);
      }
    });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    let p50At5k = Number.NaN;
    for (const rate of rates) {
      const perTick = Math.max(1, Math.round(rate / 10 / eventsPerRecord)); // 10 ticks per second
      const putAt = new Map<string, number>();
      const start = performance.now();
      let next = 0;
      for (let tick = 0; tick < seconds * 10; tick += 1) {
        const wait = start + tick * 100 - performance.now();
        if (wait > 0) await sleep(wait);
        const chunk = Array.from({ length: perTick }, () => records[next++ % records.length] as Uint8Array);
        const sentAt = performance.now();
        const out = await env.clients.kinesis.send(
          new PutRecordsCommand({ StreamName: 'bench-live', Records: chunk.map((data, i) => ({ Data: data, PartitionKey: `pk-${tick}-${i}` })) }),
        );
        for (const r of out.Records ?? []) putAt.set(`${r.ShardId}/${r.SequenceNumber}`, sentAt);
      }
      const waitUntil = Date.now() + 20_000;
      while ([...putAt.keys()].some((k) => !received.has(k)) && Date.now() < waitUntil) await sleep(100);
      const latencies = [...putAt.entries()].filter(([k]) => received.has(k)).map(([k, t]) => (received.get(k) as number) - t).sort((a, b) => a - b);
      const p50 = percentile(latencies, 50);
      if (Number.isNaN(p50At5k)) p50At5k = p50;
      rows.push(
        `| ${fmt(rate)} | ${fmt(latencies.length * eventsPerRecord)}/${fmt(putAt.size * eventsPerRecord)} | ${fmt(p50)} | ${fmt(percentile(latencies, 99))} | ${fmt(p50 / p50At5k, 2)}× |`,
      );
    }
    socket.close();
  } finally {
    await worker.stop();
  }
  console.log(`| events/s | received | p50 ms | p99 ms | p50 vs ${fmt(rates[0] ?? 0)}/s |\n|---|---|---|---|---|`);
  for (const row of rows) console.log(row);
}
