import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readJsonFile, SerialWriter, writeFileAtomic } from '@das/capture';

export type ActivityStreamStatus = 'stopped' | 'starting' | 'started' | 'stopping';

export interface ActivityStreamState {
  status: ActivityStreamStatus;
  mode?: 'sync' | 'async';
  /** As the caller gave it to StartActivityStream (RDS echoes the caller's form). */
  kmsKeyId?: string;
  kmsKeyArn?: string;
  streamName?: string;
  /** An instance-level field on AWS; kept here and shown on the writer instance. */
  engineNativeAuditFieldsIncluded?: boolean;
  /** Epoch ms of the Start/Stop request, so a restart keeps the configured delay. */
  requestedAt?: number;
}

export interface ClusterRecord {
  identifier: string;
  /** `cluster-` + 26 of [A-Z2-7]; the `aws:rds:dbc-id` encryption context value. */
  resourceId: string;
  createdAt: number;
  engine: string;
  engineVersion: string;
  masterUsername: string;
  databaseName?: string;
  writer: { identifier: string; resourceId: string; instanceClass: string };
  activityStream: ActivityStreamState;
}

export interface ClusterSeed {
  identifier: string;
  engine: string;
  engineVersion: string;
  masterUsername: string;
  databaseName?: string;
  writerIdentifier: string;
  instanceClass: string;
}

interface ClusterStateFile {
  version: 1;
  clusters: ClusterRecord[];
}

/** Clusters and their activity-stream state in `<dir>/clusters.json` (atomic rewrite). */
export class ClusterStore {
  private readonly clusters = new Map<string, ClusterRecord>();
  private readonly writer = new SerialWriter();

  private constructor(private readonly path: string) {}

  /** Loads the state, adding seeded clusters that are not there yet (ids are created once, then kept). */
  static async open(dir: string, seeds: readonly ClusterSeed[]): Promise<ClusterStore> {
    const store = new ClusterStore(join(dir, 'clusters.json'));
    const state = await readJsonFile<ClusterStateFile>(store.path);
    for (const cluster of state?.clusters ?? []) store.clusters.set(cluster.identifier.toLowerCase(), cluster);
    let added = false;
    for (const seed of seeds) {
      if (store.clusters.has(seed.identifier.toLowerCase())) continue;
      store.clusters.set(seed.identifier.toLowerCase(), {
        identifier: seed.identifier,
        resourceId: `cluster-${base32Id()}`,
        createdAt: Date.now(),
        engine: seed.engine,
        engineVersion: seed.engineVersion,
        masterUsername: seed.masterUsername,
        databaseName: seed.databaseName,
        writer: { identifier: seed.writerIdentifier, resourceId: `db-${base32Id()}`, instanceClass: seed.instanceClass },
        activityStream: { status: 'stopped' },
      });
      added = true;
    }
    if (added || !state) await store.save();
    return store;
  }

  list(): ClusterRecord[] {
    return [...this.clusters.values()];
  }

  /** By identifier, case-insensitive as RDS. */
  get(identifier: string): ClusterRecord | undefined {
    return this.clusters.get(identifier.toLowerCase());
  }

  save(): Promise<void> {
    const text = JSON.stringify({ version: 1, clusters: this.list() } satisfies ClusterStateFile, null, 1);
    return this.writer.run(() => writeFileAtomic(this.path, text));
  }
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** 26 characters of RFC 4648 base32 alphabet, the shape of RDS resource ids. */
function base32Id(): string {
  return [...randomBytes(26)].map((byte) => BASE32[byte & 31]).join('');
}
