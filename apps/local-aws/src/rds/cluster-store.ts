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

/**
 * Clusters and their activity-stream state in `<dir>/clusters.json` (atomic rewrite). Only the
 * clusters this run serves (its seeds) are listed and found; the others stay in the file with
 * their ids and stream state, for a later run that serves them again (`das-local` started
 * once with `--postgres`, then without it, must not show a PostgreSQL cluster it cannot back).
 */
export class ClusterStore {
  /** The clusters this run serves, by lower-case identifier. */
  private readonly clusters = new Map<string, ClusterRecord>();
  /** The file's other clusters, written back as they were. */
  private readonly others: ClusterRecord[] = [];
  private readonly writer = new SerialWriter();

  private constructor(private readonly path: string) {}

  /** Loads the state, adding seeded clusters that are not there yet (ids are created once, then kept). */
  static async open(dir: string, seeds: readonly ClusterSeed[]): Promise<ClusterStore> {
    const store = new ClusterStore(join(dir, 'clusters.json'));
    const state = await readJsonFile<ClusterStateFile>(store.path);
    const saved = new Map((state?.clusters ?? []).map((cluster) => [cluster.identifier.toLowerCase(), cluster]));
    let added = false;
    for (const seed of seeds) {
      const key = seed.identifier.toLowerCase();
      const kept = saved.get(key);
      saved.delete(key);
      if (kept !== undefined) {
        store.clusters.set(key, kept);
        continue;
      }
      store.clusters.set(key, {
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
    store.others.push(...saved.values());
    if (added || !state) await store.save();
    return store;
  }

  /** The clusters this run serves. */
  list(): ClusterRecord[] {
    return [...this.clusters.values()];
  }

  /** A served cluster by identifier, case-insensitive as RDS. */
  get(identifier: string): ClusterRecord | undefined {
    return this.clusters.get(identifier.toLowerCase());
  }

  /** Writes every cluster, those this run does not serve included. */
  save(): Promise<void> {
    const text = JSON.stringify({ version: 1, clusters: [...this.others, ...this.clusters.values()] } satisfies ClusterStateFile, null, 1);
    return this.writer.run(() => writeFileAtomic(this.path, text));
  }
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** 26 characters of RFC 4648 base32 alphabet, the shape of RDS resource ids. */
function base32Id(): string {
  return [...randomBytes(26)].map((byte) => BASE32[byte & 31]).join('');
}
