// A scripted Backend for component and state tests: clusters, keys and load runs in memory,
// status events replayed from a list. The real clients are covered by the e2e tests.
import type { Backend } from '../api/backend.js';
import type { LiveSocketHandlers } from '../api/live-socket.js';
import type { ActivityStreamStatus, Cluster, KeySummary, LoadRun, StatusEvent } from '../api/types.js';
import type { EventFilter } from '../domain.js';

export interface FakeBackend extends Backend {
  calls: string[];
  keys: KeySummary[];
  clusters: Cluster[];
  live: { filter: EventFilter; handlers: LiveSocketHandlers; subscribed: EventFilter[] } | null;
  /** Statuses each status-events call replays. */
  statusScript: ActivityStreamStatus[][];
  loadRunScript: LoadRun[];
}

export function makeCluster(overrides: Partial<Cluster> = {}): Cluster {
  return {
    id: 'auroralab-mysql-cluster',
    arn: 'arn:aws:rds:us-east-1:000000000000:cluster:auroralab-mysql-cluster',
    engine: 'aurora-mysql',
    status: 'available',
    resourceId: 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    endpoint: 'auroralab-mysql-cluster.cluster-xyz.us-east-1.rds.amazonaws.com',
    activityStream: { status: 'stopped' },
    ...overrides,
  };
}

export function makeKey(overrides: Partial<KeySummary> = {}): KeySummary {
  return {
    keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
    arn: 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    aliases: ['alias/auroralab-mysql-das'],
    description: 'Amazon Aurora lab, CMK for Aurora MySQL Database Activity Streaming (DAS)',
    state: 'Enabled',
    enabled: true,
    keySpec: 'SYMMETRIC_DEFAULT',
    keyManager: 'CUSTOMER',
    usableForDas: true,
    ...overrides,
  };
}

export function makeLoadRun(status: string, percentage: number, tpmC: number): LoadRun {
  return {
    id: '0b1c2d3e-0000-4000-8000-000000000001',
    documentName: 'DAS-Lab-TpccLoad',
    instanceIds: ['i-0123456789abcdef0'],
    status,
    parameters: { warehouses: '1', threads: '2', duration: '30' },
    progress: { phase: 'run', tpmC, elapsedSeconds: percentage / 10, percentage },
  };
}

function notImplemented(name: string): never {
  throw new Error(`fake backend: ${name} not scripted`);
}

/** Builds the fake; tests mutate its fields to script answers. */
export function createFakeBackend(): FakeBackend {
  const fake: FakeBackend = {
    calls: [],
    keys: [],
    clusters: [makeCluster()],
    live: null,
    statusScript: [],
    loadRunScript: [],
    api: {
      consoleConfig: async () => ({ workerUrl: 'http://127.0.0.1:7401', apiVersion: '1', region: 'us-east-1', endpointOverride: true }),
      streamCost: async () => ({ clusters: {} }),
      listKeys: async () => {
        fake.calls.push('listKeys');
        return fake.keys;
      },
      getKey: async () => notImplemented('getKey'),
      createKey: async (body) => {
        fake.calls.push(`createKey ${body.alias}`);
        const key = makeKey({ aliases: [`alias/${body.alias}`], description: body.description ?? '' });
        fake.keys.push(key);
        return { key, policy: '{}' };
      },
      scheduleKeyDeletion: async (keyId) => {
        fake.calls.push(`scheduleKeyDeletion ${keyId}`);
        return { keyId, state: 'PendingDeletion' };
      },
      cancelKeyDeletion: async () => notImplemented('cancelKeyDeletion'),
      listClusters: async () => {
        fake.calls.push('listClusters');
        return fake.clusters;
      },
      getCluster: async (id) => {
        fake.calls.push(`getCluster ${id}`);
        return fake.clusters.find((c) => c.id === id) ?? notImplemented(`cluster ${id}`);
      },
      startActivityStream: async (id, body) => {
        fake.calls.push(`startActivityStream ${id} ${body.kmsKeyId}`);
        return { clusterId: id, status: 'starting', kinesisStreamName: 'aws-rds-das-cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ' };
      },
      stopActivityStream: async (id) => {
        fake.calls.push(`stopActivityStream ${id}`);
        return { clusterId: id, status: 'stopping' };
      },
      watchStatus: async (id, onStatus) => {
        fake.calls.push(`watchStatus ${id}`);
        const statuses = fake.statusScript.shift() ?? [];
        for (const status of statuses) {
          await Promise.resolve();
          const cluster = fake.clusters.find((c) => c.id === id)!;
          cluster.activityStream = {
            ...cluster.activityStream,
            status,
            ...(status === 'started' || status === 'starting' ? { kinesisStreamName: 'aws-rds-das-cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ' } : {}),
          };
          const event: StatusEvent = { clusterId: id, clusterStatus: 'available', activityStream: cluster.activityStream, at: new Date().toISOString(), final: status === 'started' || status === 'stopped' };
          onStatus(event);
        }
      },
      listLoadRuns: async () => fake.loadRunScript.slice(-1),
      getLoadRun: async () => {
        fake.calls.push('getLoadRun');
        return fake.loadRunScript.length > 1 ? fake.loadRunScript.shift()! : fake.loadRunScript[0]!;
      },
      createLoadRun: async (body) => {
        fake.calls.push(`createLoadRun ${JSON.stringify(body.parameters)}`);
        return makeLoadRun('Pending', 0, 0);
      },
      cancelLoadRun: async () => notImplemented('cancelLoadRun'),
    },
    worker: () => notImplemented('worker'),
    openAlerts: () => ({ close: () => undefined }),
    openLive(filter, handlers) {
      const live = { filter, handlers, subscribed: [] as EventFilter[] };
      fake.live = live;
      queueMicrotask(() => handlers.onOpen?.());
      return { subscribe: (next) => live.subscribed.push(next), close: () => handlers.onClose?.(1000, '') };
    },
  };
  return fake;
}
