// The Aurora PostgreSQL section of `npm run bench -w @das/local-aws`: the emulator's private
// PostgreSQL with pgaudit, TPC-C on it with the activity stream stopped vs started (interleaved
// on one prepared database), the capture's events/s and its CPU per event.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, RDSClient, StartActivityStreamCommand, StopActivityStreamCommand, type DBCluster } from '@aws-sdk/client-rds';
import type { AuditCaptureStats } from '@das/capture';
import type { BenchContext, BenchSection } from './bench-kit.js';
import { fetchLocal } from '../http/sign-request.js';
import { startLocalAws } from '../local-aws.js';
import { measureTpccCost, prepareTpcc } from './tpcc-cost.js';

const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const CLUSTER = 'auroralab-pg-cluster';
const THREADS = 4;
const PHASE_SECONDS = 8;
const ROUNDS = 4;

type CaptureStats = Pick<AuditCaptureStats, 'eventsAccepted' | 'eventsDropped' | 'cpuMicros'>;

async function waitForStatus(rds: RDSClient, status: string): Promise<DBCluster> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const cluster = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER }))).DBClusters?.[0] as DBCluster;
    if (cluster.ActivityStreamStatus === status) return cluster;
    if (Date.now() > deadline) throw new Error(`activity stream did not become ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function report(context: BenchContext, mode: 'async' | 'sync', measure: () => ReturnType<typeof measureTpccCost>): Promise<void> {
  const cost = await measure();
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const runs = (values: number[]) => values.map((v) => Math.round(v)).join(', ');
  const stopped = mean(cost.tpmCStopped);
  const started = mean(cost.tpmCStarted);
  context.report(`PostgreSQL tpmC, stream stopped (pgaudit still logging)`, stopped, 'tpmC', `${THREADS} threads, runs ${runs(cost.tpmCStopped)}`);
  context.report(`PostgreSQL tpmC, stream started (${mode})`, started, 'tpmC', `runs ${runs(cost.tpmCStarted)}`);
  context.report(`PostgreSQL tpmC started / stopped (${mode})`, (started / stopped) * 100, '%', `cost ${(100 - (started / stopped) * 100).toFixed(1)} %`);
  context.report(`PostgreSQL capture events while started (${mode})`, cost.eventsPerSecond, 'events/s', `${cost.events.toLocaleString('en-US')} events, ${cost.dropped} dropped`);
  context.report('PostgreSQL capture CPU per event (its own meter)', cost.captureMicrosPerEvent, 'µs', `one core captures ~${Math.round(1e6 / Math.max(0.1, cost.captureMicrosPerEvent)).toLocaleString('en-US')} events/s`);
}

export const postgresSection: BenchSection = {
  name: 'postgres (private PostgreSQL pgaudit → DAS Aurora PostgreSQL activity stream)',
  async run(context) {
    const dataDir = await mkdtemp(join(tmpdir(), 'das-pg-bench-'));
    const aws = await startLocalAws({ port: 0, dataDir, source: 'none', postgres: true, activityStreamDelayMs: 0, kinesisDelayMs: 20 });
    try {
      const config = { endpoint: aws.endpoint, region: aws.region, credentials: CREDENTIALS };
      const rds = new RDSClient(config);
      const kms = new KMSClient(config);
      const keyArn = (await kms.send(new CreateKeyCommand({ Description: 'postgres bench' }))).KeyMetadata?.Arn as string;
      let cluster = await waitForStatus(rds, 'stopped');
      const target = { host: String(cluster.Endpoint), port: Number(cluster.Port), engine: 'postgres' as const };
      await prepareTpcc(target);
      const stats = async (): Promise<CaptureStats> => {
        const body = (await (await fetchLocal(aws.endpoint, '/_local/stats')).json()) as { sources?: Record<string, CaptureStats> };
        return body.sources?.[CLUSTER] ?? { eventsAccepted: 0, eventsDropped: 0, cpuMicros: 0 };
      };
      for (const mode of ['async', 'sync'] as const) {
        await report(context, mode, () =>
          measureTpccCost({
            target,
            threads: THREADS,
            phaseSeconds: PHASE_SECONDS,
            rounds: ROUNDS,
            async startStream() {
              await rds.send(new StartActivityStreamCommand({ ResourceArn: cluster.DBClusterArn, KmsKeyId: keyArn, Mode: mode, ApplyImmediately: true }));
              cluster = await waitForStatus(rds, 'started');
            },
            async stopStream() {
              await rds.send(new StopActivityStreamCommand({ ResourceArn: cluster.DBClusterArn, ApplyImmediately: true }));
              cluster = await waitForStatus(rds, 'stopped');
              return stats();
            },
          }),
        );
      }
    } finally {
      await aws.close();
      const setup = await readFile(join(dataDir, 'postgres', 'setup.json'), 'utf8').catch(() => undefined);
      const home = setup === undefined ? undefined : (JSON.parse(setup) as { home?: string }).home;
      if (home?.startsWith('/var/tmp/das-postgres-') === true) await rm(home, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
