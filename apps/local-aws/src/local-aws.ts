import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { createSyntheticSource, type ActivitySource } from '@das/capture';
import { CallLog } from './http/call-log.js';
import { CallStats } from './http/call-stats.js';
import { startEndpointServer } from './http/endpoint-server.js';
import { assertHostName, createHostAllowlist } from './http/host-allowlist.js';
import { captureCostOf, captureSealing } from './http/capture-cost.js';
import { createRouter } from './http/router.js';
import { KinesaliteEngine } from './kinesis/kinesalite-engine.js';
import { createKinesisService } from './kinesis/kinesis-service.js';
import { inProcessKmsPort } from './kms/in-process-kms-port.js';
import { KmsKeyStore } from './kms/kms-key-store.js';
import { createKmsService } from './kms/kms-service.js';
import { LocalKms } from './kms/local-kms.js';
import { createMariadbSource, type BinarySearch, type CaptureTuning } from './mariadb/index.js';
import { chooseSource } from './source-choice.js';
import type { PostgresBinaries } from './postgres/postgres-binaries.js';
import { createPostgresSource } from './postgres/source-plugin.js';
import type { JsonService } from './protocol/json-service.js';
import { ActivityStreams } from './rds/activity-streams.js';
import { ClusterStore, type ClusterRecord, type ClusterSeed } from './rds/cluster-store.js';
import { createRdsService } from './rds/rds-service.js';
import { createSsmService } from './ssm/index.js';

export type SourceKind = 'mariadb' | 'synthetic' | 'none';

/** `auto`: the private MariaDB when mariadbd is installed, else the synthetic generator (said once). */
export type SourceChoice = SourceKind | 'auto';

export interface LocalAwsOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 4566; 0 picks a free port. */
  port?: number;
  /**
   * Host names answered besides 127.0.0.1, localhost, ::1 and `host` (e.g. a LAN name when
   * listening on 0.0.0.0); requests naming any other Host get a 403 (DNS rebinding).
   */
  allowedHosts?: readonly string[];
  /** Holds kms/, kinesis/, rds/ (and ssm/, mariadb/, capture/ of the other modules). */
  dataDir: string;
  /** Default us-east-1. */
  region?: string;
  /** Default 000000000000. */
  accountId?: string;
  /** What produces activity once a stream is started. Default 'none'. */
  source?: SourceChoice;
  /** Where `auto` and the private MariaDB look for mariadbd (default: PATH and well-known directories). */
  mariadbSearch?: BinarySearch;
  /** Synthetic source: events per second (default 20). */
  syntheticRate?: number;
  /** Synthetic source: events per DAS record (default 10). */
  syntheticBatchSize?: number;
  /** Synthetic source: a new data key after this many ms (default 300 000). */
  syntheticKeyRotationMs?: number;
  /** Duration of `starting`/`stopping`, ms (default 2000). */
  activityStreamDelayMs?: number;
  /** Shards of a new activity stream (default 1). */
  activityStreamShardCount?: number;
  /** kinesalite CREATING/DELETING/UPDATING delay, ms (default 50). */
  kinesisDelayMs?: number;
  /** Open shards allowed across all streams (default 100). */
  kinesisShardLimit?: number;
  /** Largest accepted request body (default 16 MiB); larger ones get a 413 service error. */
  maxBodyBytes?: number;
  /** Overrides of the default cluster `auroralab-mysql-cluster`. */
  cluster?: Partial<ClusterSeed>;
  /** Where the cluster's database listens when the source does not say (default 127.0.0.1:3306). */
  clusterEndpoint?: { host: string; port: number };
  /** Login the SSM load document uses on the cluster's database by default (default root, empty password). */
  databaseLogin?: { user: string; password: string };
  /** Source 'mariadb': watch this MariaDB (server_audit on) instead of starting a private one. */
  mysqlUrl?: string;
  /** Source 'mariadb' with `mysqlUrl`: the audit file that server writes. */
  auditLog?: string;
  /** Source 'mariadb': root's password of the private MariaDB. */
  masterPassword?: string;
  /** Source 'mariadb': capture tuning (heartbeat interval, batch size/delay, buffer); also the PostgreSQL capture's. */
  capture?: CaptureTuning;
  /**
   * Where the captures (MariaDB's and, with `postgres`, PostgreSQL's) run. A number is the nice value (0…19) of the
   * capture's own thread in async mode (default 19: the database and its clients first, the
   * stream catches up when they leave CPU; sync mode keeps normal priority); `inline` runs it
   * in the emulator's thread.
   */
  capturePriority?: number | 'inline';
  /**
   * Also serve the Aurora PostgreSQL cluster `auroralab-pg-cluster`: a private PostgreSQL with
   * pgaudit (Debian's postgresql and postgresql-<major>-pgaudit) whose log is its activity stream.
   * Default false.
   */
  postgres?: boolean;
  /** Where the private PostgreSQL's binaries are (default: found under /usr/lib/postgresql). */
  postgresBinaries?: PostgresBinaries;
  /** Overrides of the PostgreSQL cluster's seed. */
  postgresCluster?: Partial<ClusterSeed>;
  /** Also append every call (`GET /_local/calls`) to `<dataDir>/calls.jsonl`. Default false. */
  callLogFile?: boolean;
  /** Extra JSON 1.1 services (SSM, …) served on the same endpoint. */
  extraJsonServices?: readonly JsonService[];
  log?: (line: string) => void;
}

export interface LocalAws {
  /** `http://127.0.0.1:PORT`, for `endpoint` / `AWS_ENDPOINT_URL`. */
  endpoint: string;
  region: string;
  accountId: string;
  port: number;
  dataDir: string;
  /** Waits until activity-stream transitions and reshards in flight are done (for tests). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** What a source kind brings: producers per cluster and, maybe, where the database listens. */
export interface SourcePlugin {
  createSource(cluster: ClusterRecord): ActivitySource;
  clusterEndpoint?: { host: string; port: number };
  /** The login on that database (SSM's default target). */
  databaseLogin?: { user: string; password: string };
  /** The source's counters, shown under `sources` in `/_local/stats`. */
  stats?(): unknown;
  close(): Promise<void>;
}

export interface SourcePluginContext {
  options: LocalAwsOptions;
  dataDir: string;
  region: string;
  accountId: string;
  log: (line: string) => void;
}

export const DEFAULT_CLUSTER: ClusterSeed = {
  identifier: 'auroralab-mysql-cluster',
  engine: 'aurora-mysql',
  engineVersion: '8.0.mysql_aurora.3.05.2',
  masterUsername: 'root',
  databaseName: 'mylab',
  writerIdentifier: 'auroralab-mysql-node-1',
  instanceClass: 'db.r6g.large',
};

/** The Aurora PostgreSQL cluster served with `postgres: true`; its engine version is the private server's. */
export const DEFAULT_PG_CLUSTER: ClusterSeed = {
  identifier: 'auroralab-pg-cluster',
  engine: 'aurora-postgresql',
  engineVersion: '15',
  masterUsername: 'postgres',
  databaseName: 'postgres',
  writerIdentifier: 'auroralab-pg-node-1',
  instanceClass: 'db.r6g.large',
};

/** The engines RDS tells apart here: Aurora PostgreSQL clusters get the PostgreSQL source. */
export function isPostgresCluster(cluster: { engine: string }): boolean {
  return cluster.engine === 'aurora-postgresql';
}

const require = createRequire(import.meta.url);
const VERSION = (require('../package.json') as { version: string }).version;

async function createSourcePlugin(kind: SourceKind, context: SourcePluginContext): Promise<SourcePlugin | undefined> {
  switch (kind) {
    case 'none':
      return undefined;
    case 'synthetic':
      return {
        createSource: () =>
          createSyntheticSource({
            eventsPerSecond: context.options.syntheticRate ?? 20,
            eventsPerRecord: context.options.syntheticBatchSize ?? 10,
            keyRotationMs: context.options.syntheticKeyRotationMs ?? 300_000,
            log: context.log,
          }),
        close: async () => undefined,
      };
    case 'mariadb': {
      const { mysqlUrl, auditLog, masterPassword, capture } = context.options;
      return createMariadbSource({
        dataDir: context.dataDir,
        log: context.log,
        captureThread: captureThreadOf(context.options),
        ...(mysqlUrl === undefined ? {} : { mysqlUrl }),
        ...(auditLog === undefined ? {} : { auditLog }),
        ...(masterPassword === undefined ? {} : { masterPassword }),
        ...(capture === undefined ? {} : { capture }),
        ...(context.options.mariadbSearch === undefined ? {} : { binaries: context.options.mariadbSearch }),
      });
    }
  }
}

/** The capture threads' nice value in async mode (chosen by the capture bench: apps/local-aws README, "Activity source mariadb"). */
const DEFAULT_CAPTURE_NICE = 19;

/** Where the captures (MariaDB's and PostgreSQL's) run: a thread of their own at that priority, or inline. */
function captureThreadOf(options: LocalAwsOptions): { nice: number } | null {
  const priority = options.capturePriority ?? DEFAULT_CAPTURE_NICE;
  return priority === 'inline' ? null : { nice: priority };
}

/**
 * Starts the emulator: KMS, Kinesis (kinesalite in process) and RDS (+ extra JSON services)
 * on one HTTP/1.1 + h2c endpoint, state under `dataDir`.
 */
export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  if (!/^\d{12}$/.test(accountId)) throw new Error(`accountId must be 12 digits, got '${accountId}'`);
  for (const name of options.allowedHosts ?? []) assertHostName(name);
  const dataDir = resolve(options.dataDir);
  const log = options.log ?? (() => undefined);
  const stats = new CallStats();
  const callLog = new CallLog(options.callLogFile === true ? { file: join(dataDir, 'calls.jsonl') } : {});
  const { kind: sourceKind, note: sourceNote } = await chooseSource(options.source ?? 'none', options.mariadbSearch);
  if (sourceNote !== undefined) log(sourceNote);

  const kms = new LocalKms(await KmsKeyStore.open(join(dataDir, 'kms')), { region, accountId });
  const engine = await KinesaliteEngine.open({
    path: join(dataDir, 'kinesis'),
    transitionMs: options.kinesisDelayMs ?? 50,
    shardLimit: options.kinesisShardLimit ?? 100,
    accountId,
    region,
  });
  const cleanups: Array<() => Promise<void>> = [() => engine.close()];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: Error) => log(`close: ${error.message}`));
  };

  try {
    const kinesis = createKinesisService(engine, log);
    cleanups.push(() => kinesis.settle());
    const plugin = await createSourcePlugin(sourceKind, { options, dataDir, region, accountId, log });
    if (plugin) cleanups.push(() => plugin.close());
    const postgres =
      options.postgres === true
        ? await createPostgresSource({
            dataDir,
            log,
            captureThread: captureThreadOf(options),
            ...(options.capture === undefined ? {} : { capture: options.capture }),
            ...(options.postgresBinaries === undefined ? {} : { binaries: options.postgresBinaries }),
          })
        : undefined;
    if (postgres) cleanups.push(() => postgres.close());
    const allSourceStats = (): Record<string, unknown> | undefined =>
      plugin?.stats === undefined && postgres === undefined ? undefined : { ...(plugin?.stats?.() as Record<string, unknown> | undefined), ...postgres?.stats() };
    if (plugin?.stats || postgres) stats.addSection('sources', () => allSourceStats());

    // The cluster's master user is the login of the database it shows, as on Aurora.
    const databaseLogin = options.databaseLogin ?? plugin?.databaseLogin ?? { user: 'root', password: '' };
    const seeds: ClusterSeed[] = [{ ...DEFAULT_CLUSTER, masterUsername: databaseLogin.user, ...options.cluster }];
    if (postgres) seeds.push({ ...DEFAULT_PG_CLUSTER, engineVersion: postgres.engineVersion, masterUsername: postgres.databaseLogin.user, ...options.postgresCluster });
    const clusters = await ClusterStore.open(join(dataDir, 'rds'), seeds);
    const sources = new Map<string, ActivitySource>();
    cleanups.push(async () => {
      for (const source of sources.values()) await source.close();
    });
    const streams = new ActivityStreams({
      clusters,
      kms,
      kmsPort: inProcessKmsPort(kms, stats),
      kinesis,
      sourceFor: (cluster) => {
        const producer = isPostgresCluster(cluster) ? postgres : plugin;
        if (!producer) return undefined;
        let source = sources.get(cluster.identifier);
        if (!source) {
          source = producer.createSource(cluster);
          sources.set(cluster.identifier, source);
        }
        return source;
      },
      transitionDelayMs: options.activityStreamDelayMs ?? 2000,
      shardCount: options.activityStreamShardCount ?? 1,
      log,
    });
    cleanups.push(() => streams.close());

    const databaseEndpoint = plugin?.clusterEndpoint ?? options.clusterEndpoint ?? { host: '127.0.0.1', port: 3306 };
    const endpointOf = (cluster: { engine: string }) => (isPostgresCluster(cluster) && postgres ? postgres.clusterEndpoint : databaseEndpoint);
    const rds = createRdsService(clusters, streams, { region, accountId, endpointOf });
    // SSM Run Command: the lab's load document runs @das/tpcc against the cluster's database.
    const ssm = createSsmService({
      dataDir,
      region,
      accountId,
      log,
      defaultTarget: () => ({ ...databaseEndpoint, ...databaseLogin, engine: 'mysql' }),
      ...(postgres ? { postgresTarget: () => ({ ...postgres.clusterEndpoint, ...postgres.databaseLogin, engine: 'postgres' as const }) } : {}),
    });
    cleanups.push(() => ssm.close());
    const jsonServices = [createKmsService(kms), kinesis.service, ssm.service, ...(options.extraJsonServices ?? [])];
    const router = createRouter({
      jsonServices,
      queryServices: [rds],
      stats,
      callLog,
      log,
      hosts: createHostAllowlist(options.host ?? '127.0.0.1', options.allowedHosts),
      health: () => {
        // What the stream costs, for the console (through the API) beside the stream status.
        const captureCost = captureCostOf(allSourceStats());
        return {
          status: 'ok',
          name: 'das-local',
          version: VERSION,
          region,
          accountId,
          services: [...jsonServices.map((service) => service.name), rds.name],
          source: sourceKind,
          engines: postgres ? ['aurora-mysql', 'aurora-postgresql'] : ['aurora-mysql'],
          ...(sourceNote === undefined ? {} : { sourceNote }),
          ...(captureCost === undefined ? {} : { captureCost, captureSealing: captureSealing() }),
        };
      },
    });
    const server = await startEndpointServer({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 4566,
      maxBodyBytes: options.maxBodyBytes ?? 16 * 1024 * 1024,
      handler: router,
      log,
    });
    cleanups.push(() => server.close());
    streams.resume();

    const hostForUrl = server.host.includes(':') ? `[${server.host}]` : server.host;
    let closing: Promise<void> | undefined;
    return {
      endpoint: `http://${hostForUrl}:${server.port}`,
      region,
      accountId,
      port: server.port,
      dataDir,
      settle: async () => {
        await streams.settle();
        await kinesis.settle();
      },
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
