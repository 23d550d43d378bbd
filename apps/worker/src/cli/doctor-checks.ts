import { DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { DescribeDBClustersCommand, type DBCluster } from '@aws-sdk/client-rds';
import { createDataKeyCache, decryptRecord, isDasRecordError, kmsPortFromClient } from '@das/core';
import type { AwsClients } from '../aws/aws-clients.js';

/** The outcome of one check: what was found, or what is wrong and what to do about it. */
export type CheckResult = { ok: true; detail: string } | { ok: false; detail: string; fix: string };

const pass = (detail: string): CheckResult => ({ ok: true, detail });
const fail = (detail: string, fix: string): CheckResult => ({ ok: false, detail, fix });

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnrecognizedClientException', 'InvalidClientTokenId', 'ExpiredTokenException']);

/** What to do after an AWS error that no check knows better. */
function awsFix(error: unknown, action: string): string {
  if (ACCESS_DENIED.has(errorName(error))) return `allow ${action} for these credentials (deploy/iam/das-worker-policy.json)`;
  return 'check the endpoint and network (AWS_ENDPOINT_URL, proxy), then run das doctor again';
}

export async function checkCluster(clients: AwsClients, clusterId: string, region: string): Promise<{ result: CheckResult; cluster?: DBCluster }> {
  let cluster: DBCluster | undefined;
  try {
    cluster = (await clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }))).DBClusters?.[0];
  } catch (error) {
    if (errorName(error) === 'DBClusterNotFoundFault') {
      return { result: fail(`no cluster ${clusterId} in ${region}`, `check --cluster (DAS_CLUSTER_ID) and --region (AWS_REGION): aws rds describe-db-clusters --region ${region}`) };
    }
    return { result: fail(`DescribeDBClusters failed: ${errorText(error)}`, awsFix(error, 'rds:DescribeDBClusters')) };
  }
  if (!cluster) return { result: fail(`no cluster ${clusterId} in ${region}`, 'check --cluster (DAS_CLUSTER_ID) and --region (AWS_REGION)') };
  // An ARN names its region: a cluster answered for another region is the wrong endpoint or region.
  const arnRegion = cluster.DBClusterArn?.split(':')[3];
  if (arnRegion !== undefined && arnRegion !== region) {
    return { result: fail(`cluster ${clusterId} is in ${arnRegion}, not in ${region}`, `use --region ${arnRegion} (AWS_REGION=${arnRegion}): the stream and its KMS key live in the cluster's region`) };
  }
  return { result: pass(`${clusterId}: ${cluster.Engine ?? '?'} ${cluster.EngineVersion ?? '?'}, ${cluster.Status ?? '?'}, resource id ${cluster.DbClusterResourceId ?? '?'}`), cluster };
}

export function checkActivityStream(cluster: DBCluster): CheckResult {
  const status = cluster.ActivityStreamStatus ?? 'stopped';
  const id = cluster.DBClusterIdentifier ?? '?';
  if (status !== 'started') {
    const fix =
      status === 'starting' || status === 'stopping'
        ? 'wait a few minutes and run das doctor again'
        : `start it: POST /clusters/${id}/activity-stream on das-api, or aws rds start-activity-stream --resource-arn ${cluster.DBClusterArn ?? '<cluster ARN>'} --mode async --kms-key-id <key>`;
    return fail(`activity stream is ${status}`, fix);
  }
  return pass(`started, mode ${cluster.ActivityStreamMode ?? '?'}, key ${cluster.ActivityStreamKmsKeyId ?? '?'}`);
}

export async function checkKinesisStream(clients: AwsClients, streamName: string): Promise<CheckResult> {
  try {
    const summary = (await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).StreamDescriptionSummary;
    if (summary?.StreamStatus !== 'ACTIVE' && summary?.StreamStatus !== 'UPDATING') {
      return fail(`${streamName} is ${summary?.StreamStatus ?? 'unknown'}`, 'wait until the stream is ACTIVE (RDS creates it while the activity stream starts)');
    }
    return pass(`${streamName}: ${summary.StreamStatus}, ${summary.OpenShardCount ?? '?'} open shard(s), retention ${summary.RetentionPeriodHours ?? '?'} h`);
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') {
      return fail(`no Kinesis stream ${streamName}`, 'the activity stream names a stream that is gone: stop and start the activity stream again');
    }
    return fail(`DescribeStreamSummary failed: ${errorText(error)}`, awsFix(error, 'kinesis:DescribeStreamSummary'));
  }
}

/** Reads the oldest record any shard still holds and decrypts it as the worker would. */
export async function checkRecordDecrypts(clients: AwsClients, stream: { streamName: string; resourceId: string; keyId: string }, waitMs: number): Promise<CheckResult> {
  let data: Uint8Array | undefined;
  let shardOf = '';
  try {
    const shards = (await clients.kinesis.send(new ListShardsCommand({ StreamName: stream.streamName }))).Shards ?? [];
    const iterators = new Map<string, string | undefined>();
    for (const shard of shards) {
      const out = await clients.kinesis.send(new GetShardIteratorCommand({ StreamName: stream.streamName, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
      iterators.set(shard.ShardId!, out.ShardIterator);
    }
    const deadline = Date.now() + waitMs;
    while (data === undefined && Date.now() <= deadline && [...iterators.values()].some(Boolean)) {
      for (const [shardId, iterator] of iterators) {
        if (!iterator) continue;
        const page = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1 }));
        iterators.set(shardId, page.NextShardIterator);
        if (page.Records?.[0]?.Data) {
          data = page.Records[0].Data;
          shardOf = shardId;
          break;
        }
      }
      // Kinesis allows 5 GetRecords per second per shard.
      if (data === undefined) await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) {
    return fail(`reading the stream failed: ${errorText(error)}`, awsFix(error, 'kinesis:ListShards, kinesis:GetShardIterator and kinesis:GetRecords'));
  }
  if (data === undefined) return fail(`no record on ${stream.streamName} within ${Math.round(waitMs / 1000)} s`, 'use the database (any statement makes events), or wait longer with --wait SECONDS');
  try {
    const { events } = await decryptRecord(data, { kms: kmsPortFromClient(clients.kms), resourceId: stream.resourceId, cache: createDataKeyCache() });
    return pass(`a record of ${shardOf} decrypted: ${events.length} event(s), KMS Decrypt with aws:rds:dbc-id=${stream.resourceId}`);
  } catch (error) {
    return decryptFailure(error, stream.keyId);
  }
}

function decryptFailure(error: unknown, keyId: string): CheckResult {
  const kmsError = isDasRecordError(error) ? error.kmsErrorName : undefined;
  switch (kmsError) {
    case 'DisabledException':
      return fail(`KMS key ${keyId} is disabled (DisabledException)`, `enable it: aws kms enable-key --key-id ${keyId}`);
    case 'KMSInvalidStateException':
      return fail(`KMS key ${keyId} is not usable, e.g. pending deletion (KMSInvalidStateException)`, `aws kms cancel-key-deletion --key-id ${keyId}, then aws kms enable-key --key-id ${keyId}`);
    case 'AccessDeniedException':
      return fail(`KMS refused Decrypt (AccessDeniedException)`, 'allow kms:Decrypt with the cluster encryption context (deploy/iam/das-worker-policy.json and the key policy deploy/iam/kms-key-policy.json)');
    case 'InvalidCiphertextException':
      return fail('KMS says the data key does not belong to this cluster (InvalidCiphertextException)', 'check DAS_RESOURCE_ID: it must be the cluster resource id of the stream');
    default:
      return fail(`decryption failed: ${errorText(error)}`, 'see the worker README (Troubleshooting); the record is kept as a dead letter by the worker');
  }
}

/** GET with an optional bearer token; undefined when nothing answers. */
async function get(url: string, token: string | undefined, timeoutMs: number): Promise<{ status: number; body: string } | { error: string }> {
  try {
    const response = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: (await response.text()).slice(0, 200) };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : errorText(error);
    return { error: cause };
  }
}

export async function checkWorkerReady(workerUrl: string, timeoutMs: number): Promise<CheckResult> {
  const answer = await get(new URL('/readyz', workerUrl).href, undefined, timeoutMs);
  if ('error' in answer) return fail(`worker at ${workerUrl} does not answer (${answer.error})`, 'start it (systemctl start das-worker) or fix --worker-url; journalctl -u das-worker says why it stopped');
  if (answer.status !== 200) return fail(`worker at ${workerUrl} is not ready (${answer.status} ${answer.body})`, 'its store or stream is not ready: journalctl -u das-worker, GET /status with the token');
  return pass(`worker at ${workerUrl} is ready: ${answer.body}`);
}

/** A route that needs the token: 401 means the token is wrong, anything else that it was accepted. */
export async function checkToken(name: 'API' | 'worker', url: string, token: string, timeoutMs: number): Promise<CheckResult> {
  const answer = await get(url, token, timeoutMs);
  if ('error' in answer) return fail(`${name} at ${new URL(url).origin} does not answer (${answer.error})`, `start das-${name === 'API' ? 'api' : 'worker'} or fix --${name === 'API' ? 'api' : 'worker'}-url`);
  if (answer.status === 401) return fail(`${name} refused the token (401)`, `pass the token of that service: --token, DAS_TOKEN, or its <DAS_DATA_DIR>/token`);
  if (answer.status >= 500) return fail(`${name} accepted the token but answered ${answer.status}: ${answer.body}`, `see journalctl -u das-${name === 'API' ? 'api' : 'worker'}`);
  return pass(`${name} accepted the token (${answer.status})`);
}
