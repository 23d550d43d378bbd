import {
  DescribeDBClustersCommand,
  StartActivityStreamCommand,
  StopActivityStreamCommand,
  type DBCluster,
} from '@aws-sdk/client-rds';
import type {
  ActivityStreamChange,
  ActivityStreamMode,
  ActivityStreamStartBody,
  ActivityStreamStatus,
  ActivityStreamStopBody,
  Cluster,
} from '@das/contracts';
import type { AwsClients } from '../aws-clients.js';
import { ApiError, aws } from '../errors.js';

type Rds = AwsClients['rds'];

const STREAM_STATUSES: readonly string[] = ['stopped', 'starting', 'started', 'stopping'];

function streamStatus(value: string | undefined): ActivityStreamStatus {
  // A cluster that never had DAS may omit the field: that is "stopped".
  return value && STREAM_STATUSES.includes(value) ? (value as ActivityStreamStatus) : 'stopped';
}

function streamMode(value: string | undefined): ActivityStreamMode | undefined {
  return value === 'async' || value === 'sync' ? value : undefined;
}

/** The contract's view of a DBCluster. */
export function toCluster(db: DBCluster): Cluster {
  const mode = streamMode(db.ActivityStreamMode);
  return {
    id: db.DBClusterIdentifier ?? '',
    arn: db.DBClusterArn ?? '',
    engine: db.Engine ?? 'unknown',
    ...(db.EngineVersion ? { engineVersion: db.EngineVersion } : {}),
    status: db.Status ?? 'unknown',
    resourceId: db.DbClusterResourceId ?? '',
    ...(db.Endpoint ? { endpoint: db.Endpoint } : {}),
    ...(db.ReaderEndpoint ? { readerEndpoint: db.ReaderEndpoint } : {}),
    ...(db.Port !== undefined ? { port: db.Port } : {}),
    activityStream: {
      status: streamStatus(db.ActivityStreamStatus),
      ...(mode ? { mode } : {}),
      ...(db.ActivityStreamKmsKeyId ? { kmsKeyId: db.ActivityStreamKmsKeyId } : {}),
      ...(db.ActivityStreamKinesisStreamName ? { kinesisStreamName: db.ActivityStreamKinesisStreamName } : {}),
    },
  };
}

/** Every cluster of the region (paged). */
export async function listClusters(rds: Rds): Promise<Cluster[]> {
  const clusters: Cluster[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 100; page++) {
    const out = await aws(rds.send(new DescribeDBClustersCommand({ MaxRecords: 100, Marker: marker })));
    clusters.push(...(out.DBClusters ?? []).map(toCluster));
    if (!out.Marker) break;
    marker = out.Marker;
  }
  return clusters;
}

/** One cluster by identifier or ARN; 404 when RDS does not know it. */
export async function getCluster(rds: Rds, id: string, options: { abortSignal?: AbortSignal } = {}): Promise<Cluster> {
  const out = await aws(rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }), options));
  const db = out.DBClusters?.[0];
  if (!db) throw new ApiError(404, 'NOT_FOUND', `DB cluster ${id} not found`, { field: '/params/id' });
  return toCluster(db);
}

/** StartActivityStream on the cluster's ARN; answers the new status (`starting`). */
export async function startActivityStream(rds: Rds, id: string, body: ActivityStreamStartBody): Promise<ActivityStreamChange> {
  const cluster = await getCluster(rds, id);
  const applyImmediately = body.applyImmediately ?? true;
  const out = await aws(
    rds.send(
      new StartActivityStreamCommand({
        ResourceArn: cluster.arn,
        KmsKeyId: body.kmsKeyId,
        Mode: body.mode ?? 'async',
        ApplyImmediately: applyImmediately,
        ...(body.engineNativeAuditFieldsIncluded !== undefined ? { EngineNativeAuditFieldsIncluded: body.engineNativeAuditFieldsIncluded } : {}),
      }),
    ),
  );
  const mode = streamMode(out.Mode) ?? body.mode ?? 'async';
  return {
    clusterId: cluster.id,
    status: streamStatus(out.Status ?? 'starting'),
    mode,
    ...(out.KmsKeyId ? { kmsKeyId: out.KmsKeyId } : {}),
    ...(out.KinesisStreamName ? { kinesisStreamName: out.KinesisStreamName } : {}),
    applyImmediately: out.ApplyImmediately ?? applyImmediately,
  };
}

/** StopActivityStream; answers the new status (`stopping`). */
export async function stopActivityStream(rds: Rds, id: string, body: ActivityStreamStopBody = {}): Promise<ActivityStreamChange> {
  const cluster = await getCluster(rds, id);
  const applyImmediately = body.applyImmediately ?? true;
  const out = await aws(rds.send(new StopActivityStreamCommand({ ResourceArn: cluster.arn, ApplyImmediately: applyImmediately })));
  return {
    clusterId: cluster.id,
    status: streamStatus(out.Status ?? 'stopping'),
    ...(out.KmsKeyId ? { kmsKeyId: out.KmsKeyId } : {}),
    ...(out.KinesisStreamName ? { kinesisStreamName: out.KinesisStreamName } : {}),
    applyImmediately,
  };
}
