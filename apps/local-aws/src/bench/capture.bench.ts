// The capture's section of `npm run bench -w @das/local-aws`: an emulator with the private
// MariaDB (source 'mariadb'), driven by mysql2 and read back with the real Kinesis client.
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, RDSClient, StartActivityStreamCommand, StopActivityStreamCommand, type DBCluster } from '@aws-sdk/client-rds';
import { decryptRecord, kmsPortFromClient } from '@das/core';
import { aesGcmBackend } from '@das/aes-gcm';
import { gzipBackend } from '@das/deflate';
import { p384Backend } from '@das/p384';
import mysql, { type Connection } from 'mysql2/promise';
import type { BenchContext, BenchSection } from './bench-kit.js';
import { fetchLocal } from '../http/sign-request.js';
import { startLocalAws, type LocalAws } from '../local-aws.js';
import { formatAuditLine, type AuditCaptureStats } from '@das/capture';
import { measureTpccCost, prepareTpcc, tpccPhase } from './tpcc-cost.js';

const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const BACKLOG_STATEMENTS = 30_000;
const LATENCY_STATEMENTS = 150;
const COST_THREADS = 4;
const COST_PHASE_SECONDS = 10;
const COST_ROUNDS = 2;

interface Bench {
  aws: LocalAws;
  rds: RDSClient;
  kms: KMSClient;
  kinesis: KinesisClient;
  cluster: DBCluster;
  auditLogPath: string;
  keyArn: string;
}

async function describe(rds: RDSClient): Promise<DBCluster> {
  return (await rds.send(new DescribeDBClustersCommand({}))).DBClusters?.[0] as DBCluster;
}

async function waitForStatus(rds: RDSClient, status: string): Promise<DBCluster> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const cluster = await describe(rds);
    if (cluster.ActivityStreamStatus === status) return cluster;
    if (Date.now() > deadline) throw new Error(`activity stream did not become ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function startStream(bench: Bench, mode: 'sync' | 'async'): Promise<void> {
  await bench.rds.send(new StartActivityStreamCommand({ ResourceArn: bench.cluster.DBClusterArn, KmsKeyId: bench.keyArn, Mode: mode, ApplyImmediately: true }));
  bench.cluster = await waitForStatus(bench.rds, 'started');
}

async function stopStream(bench: Bench): Promise<void> {
  await bench.rds.send(new StopActivityStreamCommand({ ResourceArn: bench.cluster.DBClusterArn, ApplyImmediately: true }));
  bench.cluster = await waitForStatus(bench.rds, 'stopped');
}

type CaptureStats = Pick<AuditCaptureStats, 'eventsAccepted' | 'bufferedEvents' | 'eventsDropped' | 'recordsPut' | 'cpuMicros'>;

async function captureStats(bench: Bench): Promise<CaptureStats> {
  const body = (await (await fetchLocal(bench.aws.endpoint, '/_local/stats')).json()) as { sources: Record<string, CaptureStats> };
  return body.sources[bench.cluster.DBClusterIdentifier as string] ?? { eventsAccepted: 0, bufferedEvents: 0, eventsDropped: 0, recordsPut: 0, cpuMicros: 0 };
}

function connect(bench: Bench): Promise<Connection> {
  return mysql.createConnection({ host: bench.cluster.Endpoint, port: bench.cluster.Port, user: 'root', password: '' });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Statement executed (client has its result) → the record holding it is readable on Kinesis. */
async function measureLatency(bench: Bench, context: BenchContext, batching: string): Promise<void> {
  const streamName = bench.cluster.ActivityStreamKinesisStreamName as string;
  const shardId = (await bench.kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards?.[0]?.ShardId;
  let iterator = (await bench.kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: 'LATEST' }))).ShardIterator;
  const kmsPort = kmsPortFromClient(bench.kms);
  const arrived = new Map<number, number>();
  let reading = true;
  const reader = (async () => {
    while (reading && iterator !== undefined) {
      const page = await bench.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
      const at = performance.now();
      for (const record of page.Records ?? []) {
        const { payload } = await decryptRecord(record.Data as Uint8Array, { kms: kmsPort, resourceId: bench.cluster.DbClusterResourceId as string });
        for (const event of payload.databaseActivityEventList) {
          const match = /lat_marker_(\d+)/.exec(String(event['commandText'] ?? ''));
          if (match !== null && !arrived.has(Number(match[1]))) arrived.set(Number(match[1]), at);
        }
      }
      iterator = page.NextShardIterator;
      if ((page.Records ?? []).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const db = await connect(bench);
  const executed = new Map<number, number>();
  for (let i = 0; i < LATENCY_STATEMENTS; i++) {
    await db.query(`SELECT ${i} AS lat_marker_${i}`);
    executed.set(i, performance.now());
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await db.end();
  const deadline = Date.now() + 15_000;
  while (arrived.size < LATENCY_STATEMENTS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  reading = false;
  await reader;
  const latencies = [...executed].flatMap(([i, t]) => (arrived.has(i) ? [(arrived.get(i) as number) - t] : [])).sort((a, b) => a - b);
  context.report(`capture latency p50 (statement → readable on Kinesis), ${batching}`, percentile(latencies, 50), 'ms', `${latencies.length}/${LATENCY_STATEMENTS} seen`);
  context.report(`capture latency p99, ${batching}`, percentile(latencies, 99), 'ms');
}

/** A backlog of audit lines (write + query per statement) read, encrypted and put. */
async function measureThroughput(bench: Bench, context: BenchContext): Promise<void> {
  const before = await captureStats(bench);
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  const timestamp = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())} ${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}`;
  const lines: string[] = [];
  for (let i = 0; i < BACKLOG_STATEMENTS; i++) {
    const base = { timestamp, serverHost: 'bench', username: 'app', host: '127.0.0.1', connectionId: 900_000 + (i % 8), queryId: 5_000_000 + i, database: 'shop' };
    lines.push(formatAuditLine({ ...base, operation: 'WRITE', object: 'orders', retcode: null }));
    lines.push(formatAuditLine({ ...base, operation: 'QUERY', object: `INSERT INTO orders (id, customer, note) VALUES (${i}, 'customer ${i}', 'bench row')`, retcode: 0 }));
  }
  const expected = lines.length;
  const started = performance.now();
  // Whole lines per write: the server appends its own lines (the capture's lookups) meanwhile.
  const file = await open(bench.auditLogPath, 'a');
  try {
    for (let i = 0; i < lines.length; i += 400) await file.write(`${lines.slice(i, i + 400).join('\n')}\n`);
  } finally {
    await file.close();
  }
  // Until the burst's events are on the stream: events put = accepted − still buffered − dropped.
  // Not until nothing is buffered: the capture's own statements (its client-port lookups) may
  // arrive after the burst and wait in an open record for the 1 s seal timer.
  const putSoFar = (s: CaptureStats): number => s.eventsAccepted - s.bufferedEvents - s.eventsDropped - (before.eventsAccepted - before.bufferedEvents - before.eventsDropped);
  const deadline = Date.now() + 60_000;
  let stats = await captureStats(bench);
  while (putSoFar(stats) < expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    stats = await captureStats(bench);
  }
  const seconds = (performance.now() - started) / 1000;
  const put = putSoFar(stats);
  context.report('capture throughput (audit events, file → encrypted records on Kinesis)', put / seconds, 'events/s', `${put.toLocaleString('en-US')} events, ${stats.recordsPut - before.recordsPut} records, async mode`);
}

/** tpmC at 4 threads, stream stopped vs started (async), interleaved; the capture's CPU per event. */
async function measureCost(bench: Bench, context: BenchContext): Promise<void> {
  const target = { host: String(bench.cluster.Endpoint), port: Number(bench.cluster.Port) };
  await prepareTpcc(target);
  const cost = await measureTpccCost({
    target,
    threads: COST_THREADS,
    phaseSeconds: COST_PHASE_SECONDS,
    rounds: roundsArg(context.args) ?? COST_ROUNDS,
    startStream: () => startStream(bench, 'async'), // Aurora MySQL streams are async
    async stopStream() {
      await stopStream(bench);
      const stats = await captureStats(bench);
      return { eventsAccepted: stats.eventsAccepted, eventsDropped: stats.eventsDropped, cpuMicros: stats.cpuMicros };
    },
  });
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const runs = (values: number[]) => values.map((v) => Math.round(v)).join(', ');
  const stopped = mean(cost.tpmCStopped);
  const started = mean(cost.tpmCStarted);
  context.report('tpmC, activity stream stopped (audit plugin still logging)', stopped, 'tpmC', `${COST_THREADS} threads, runs ${runs(cost.tpmCStopped)}`);
  context.report('tpmC, activity stream started (async, capture running)', started, 'tpmC', `runs ${runs(cost.tpmCStarted)}`);
  context.report('tpmC started / stopped', (started / stopped) * 100, '%', `cost ${(100 - (started / stopped) * 100).toFixed(1)} %`);
  context.report('capture events while started', cost.eventsPerSecond, 'events/s', `${cost.events.toLocaleString('en-US')} events, ${cost.dropped} dropped`);
  context.report('capture CPU per event (its own meter, /_local/stats)', cost.captureMicrosPerEvent, 'µs');
  context.report('emulator process CPU per event (on − off rate; + Kinesis, RDS)', cost.processMicrosPerEvent, 'µs');
  context.report('emulator process page faults per 1,000 events (on − off rate)', cost.processFaultsPerEvent * 1000, 'faults');
}

/** `--rounds <n>` after the section name: phases of each kind in the cost figure (default 2; more, less spread). */
function roundsArg(args: readonly string[]): number | undefined {
  const at = args.indexOf('--rounds');
  if (at < 0) return undefined;
  const rounds = Number(args[at + 1]);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new Error(`--rounds takes 1…20, got '${String(args[at + 1])}'`);
  return rounds;
}

/** `--capture-priority <0-19|inline>` after the section name: where the capture runs (default das-local's). */
function capturePriorityArg(args: readonly string[]): number | 'inline' | undefined {
  const at = args.indexOf('--capture-priority');
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === 'inline') return value;
  const nice = Number(value);
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) throw new Error(`--capture-priority takes 0…19 or inline, got '${String(value)}'`);
  return nice;
}

/** Statement → readable record while TPC-C keeps the machine's cores busy (the stream started, async). */
async function measureLatencyUnderLoad(bench: Bench, context: BenchContext): Promise<void> {
  const target = { host: String(bench.cluster.Endpoint), port: Number(bench.cluster.Port) };
  const load = tpccPhase(target, COST_THREADS, COST_PHASE_SECONDS);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await measureLatency(bench, context, `under TPC-C load (${COST_THREADS} threads)`);
  await load;
}

export const captureSection: BenchSection = {
  name: 'capture (private MariaDB audit → DAS activity stream)',
  async run(context) {
    const dataDir = await mkdtemp(join(tmpdir(), 'das-capture-bench-'));
    const capturePriority = capturePriorityArg(context.args);
    const signer = p384Backend();
    const gzip = gzipBackend();
    process.stdout.write(
      `  (capture priority: ${capturePriority ?? 'default'}; records signed by ${signer.backend}, gzipped by ${gzip.backend}, framed by ${aesGcmBackend().backend})\n`,
    );
    const start = (maxDelayMs?: number) =>
      startLocalAws({
        port: 0,
        dataDir,
        source: 'mariadb',
        ...(capturePriority === undefined ? {} : { capturePriority }),
        activityStreamDelayMs: 0,
        kinesisDelayMs: 20,
        ...(maxDelayMs === undefined ? {} : { capture: { batch: { maxDelayMs } } }),
      });
    let aws = await start();
    try {
      const clients = (endpoint: string) => {
        const config = { endpoint, region: aws.region, credentials: CREDENTIALS };
        return { rds: new RDSClient(config), kms: new KMSClient(config), kinesis: new KinesisClient(config) };
      };
      let { rds, kms, kinesis } = clients(aws.endpoint);
      const key = await kms.send(new CreateKeyCommand({ Description: 'capture bench' }));
      const bench: Bench = {
        aws,
        rds,
        kms,
        kinesis,
        cluster: await describe(rds),
        auditLogPath: join(dataDir, 'mariadb', 'audit', 'server_audit.log'),
        keyArn: key.KeyMetadata?.Arn as string,
      };
      await startStream(bench, 'async'); // Aurora MySQL streams are async only
      await measureLatency(bench, context, 'default batching (≤ 500 events / 1 s)');
      await measureThroughput(bench, context);
      await stopStream(bench);
      await measureCost(bench, context);
      await startStream(bench, 'async'); // Aurora MySQL streams are async only
      await measureLatencyUnderLoad(bench, context);
      // The same stream after a restart with records sealed every 20 ms: the pipeline's own latency.
      await aws.close();
      aws = await start(20);
      ({ rds, kms, kinesis } = clients(aws.endpoint));
      Object.assign(bench, { aws, rds, kms, kinesis, cluster: await waitForStatus(rds, 'started') });
      await measureLatency(bench, context, 'records sealed every 20 ms');
      await stopStream(bench);
    } finally {
      await aws.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
