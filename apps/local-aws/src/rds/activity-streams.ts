import type { KmsPort } from '@das/core';
import type { ActiveStream, ActivitySource } from '@das/capture';
import type { LocalKinesis } from '../kinesis/kinesis-service.js';
import type { LocalKms } from '../kms/local-kms.js';
import { AwsServiceError } from '../protocol/aws-error.js';
import type { ClusterRecord, ClusterStore } from './cluster-store.js';

export interface ActivityStreamsOptions {
  clusters: ClusterStore;
  kms: LocalKms;
  kmsPort: KmsPort;
  kinesis: LocalKinesis;
  /** The producer for a cluster's stream, or undefined for none (`source: 'none'`). */
  sourceFor: (cluster: ClusterRecord) => ActivitySource | undefined;
  /** How long `starting`/`stopping` last, ms. */
  transitionDelayMs: number;
  shardCount: number;
  log: (line: string) => void;
}

export interface StartRequest {
  kmsKeyId: string;
  mode: 'sync' | 'async';
  engineNativeAuditFieldsIncluded: boolean;
}

/**
 * The DAS life cycle of each cluster: Start → `starting` → Kinesis stream created → source
 * started → `started`; Stop → `stopping` → source flushed and stopped → consumers read the rest
 * → stream deleted → `stopped`. State is saved at every step, so a restart resumes where it was.
 */
export class ActivityStreams {
  private readonly running = new Map<string, ActivitySource>();
  private readonly transitions = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: ActivityStreamsOptions) {}

  statusOf(cluster: ClusterRecord): string {
    const status = cluster.activityStream.status;
    return status === 'starting' || status === 'stopping' ? 'configuring-activity-stream' : 'available';
  }

  async start(cluster: ClusterRecord, request: StartRequest): Promise<void> {
    const status = cluster.activityStream.status;
    if (status !== 'stopped') {
      throw new AwsServiceError('InvalidDBClusterStateFault', `The activity stream of DB cluster ${cluster.identifier} is ${status}; it must be stopped to start it.`);
    }
    let key;
    try {
      key = this.options.kms.resolve(request.kmsKeyId);
      this.options.kms.assertUsable(key);
    } catch (error) {
      const reason = error instanceof AwsServiceError ? `${error.code}: ${error.message}` : String(error);
      throw new AwsServiceError('KMSKeyNotAccessibleFault', `The KMS key ${request.kmsKeyId} is not accessible (${reason}).`);
    }
    cluster.activityStream = {
      status: 'starting',
      mode: request.mode,
      kmsKeyId: request.kmsKeyId,
      kmsKeyArn: this.options.kms.keyArn(key.keyId),
      streamName: `aws-rds-das-${cluster.resourceId}`,
      engineNativeAuditFieldsIncluded: request.engineNativeAuditFieldsIncluded,
      requestedAt: Date.now(),
    };
    await this.options.clusters.save();
    this.track(this.finishStart(cluster));
  }

  async stop(cluster: ClusterRecord): Promise<void> {
    const status = cluster.activityStream.status;
    if (status !== 'started') {
      throw new AwsServiceError('InvalidDBClusterStateFault', `The activity stream of DB cluster ${cluster.identifier} is ${status}; only a started stream can be stopped.`);
    }
    cluster.activityStream = { ...cluster.activityStream, status: 'stopping', requestedAt: Date.now() };
    await this.options.clusters.save();
    this.track(this.finishStop(cluster));
  }

  /** After a restart: restart sources of started clusters, finish interrupted transitions. */
  resume(): void {
    for (const cluster of this.options.clusters.list()) {
      const status = cluster.activityStream.status;
      if (status === 'starting' || status === 'started') this.track(this.finishStart(cluster));
      else if (status === 'stopping') this.track(this.finishStop(cluster));
    }
  }

  /** Waits for transitions in flight (tests use this to see the final state). */
  async settle(): Promise<void> {
    while (this.transitions.size > 0) await Promise.all(this.transitions);
  }

  /**
   * Lets transitions in flight reach a saved step and forgets the running sources without
   * changing saved state: a started stream resumes on the next start. The owner closes sources.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.settle();
    this.running.clear();
  }

  private track(task: Promise<void>): void {
    const tracked = task.catch((error: Error) => this.options.log(`rds: activity stream transition failed: ${error.stack ?? error.message}`));
    this.transitions.add(tracked);
    void tracked.finally(() => this.transitions.delete(tracked));
  }

  private async finishStart(cluster: ClusterRecord): Promise<void> {
    const stream = cluster.activityStream;
    const streamName = stream.streamName!;
    await this.ensureStream(streamName);
    if (stream.status === 'starting') await this.waitUntil((stream.requestedAt ?? 0) + this.options.transitionDelayMs);
    if (this.closed) return;
    const source = this.options.sourceFor(cluster);
    if (source) {
      try {
        await source.start(this.activeStream(cluster));
      } catch (error) {
        this.options.log(`rds: the activity source of ${cluster.identifier} failed to start: ${(error as Error).message}`);
        await this.deleteStream(streamName);
        cluster.activityStream = { status: 'stopped' };
        await this.options.clusters.save();
        return;
      }
      this.running.set(cluster.identifier, source);
    }
    if (cluster.activityStream.status === 'starting') {
      cluster.activityStream = { ...cluster.activityStream, status: 'started' };
      await this.options.clusters.save();
    }
    this.options.log(`rds: activity stream of ${cluster.identifier} started on ${streamName}`);
  }

  private async finishStop(cluster: ClusterRecord): Promise<void> {
    const source = this.running.get(cluster.identifier);
    this.running.delete(cluster.identifier);
    if (source) await source.stop().catch((error: Error) => this.options.log(`rds: stopping the source of ${cluster.identifier} failed: ${error.message}`));
    // The source's last records are in the stream now: consumers get the stopping time to read
    // them before the stream goes, as they do on AWS, where `stopping` lasts minutes.
    await this.waitUntil(Math.max((cluster.activityStream.requestedAt ?? 0) + this.options.transitionDelayMs, Date.now() + Math.min(this.options.transitionDelayMs, 2000)));
    if (this.closed) return;
    if (cluster.activityStream.streamName) await this.deleteStream(cluster.activityStream.streamName);
    cluster.activityStream = { status: 'stopped' };
    await this.options.clusters.save();
    this.options.log(`rds: activity stream of ${cluster.identifier} stopped`);
  }

  private activeStream(cluster: ClusterRecord): ActiveStream {
    const state = cluster.activityStream;
    const streamName = state.streamName!;
    const kinesis = this.options.kinesis;
    const spread = spreadOverShards(this.options.shardCount);
    return {
      clusterIdentifier: cluster.identifier,
      resourceId: cluster.resourceId,
      instanceResourceId: cluster.writer.resourceId,
      instanceIdentifier: cluster.writer.identifier,
      streamName,
      kmsKeyArn: state.kmsKeyArn!,
      mode: state.mode ?? 'async',
      engineNativeAuditFieldsIncluded: state.engineNativeAuditFieldsIncluded ?? false,
      kms: this.options.kmsPort,
      async putRecords(records) {
        // One PutRecords per 500 in sequence, so the stream keeps the producer's order.
        for (let offset = 0; offset < records.length; offset += 500) {
          const batch = records.slice(offset, offset + 500);
          const output = await kinesis.putOwnRecords(
            streamName,
            batch.map((record) => ({ Data: Buffer.from(record.data).toString('base64'), PartitionKey: record.partitionKey, ...spread() })),
          );
          if (Number(output['FailedRecordCount'] ?? 0) > 0) throw new Error(`PutRecords to ${streamName} failed for ${String(output['FailedRecordCount'])} records`);
        }
      },
    };
  }

  /** Creates the stream if missing (waiting out a previous deletion) and waits until ACTIVE. */
  private async ensureStream(name: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const status = await this.streamStatus(name);
      if (status === 'ACTIVE' || status === 'UPDATING') return;
      if (status === undefined) {
        await this.options.kinesis.call('CreateStream', { StreamName: name, ShardCount: this.options.shardCount }).catch((error: Error) => {
          if (!(error instanceof AwsServiceError && error.code === 'ResourceInUseException')) throw error;
        });
      }
      if (Date.now() > deadline) throw new Error(`Kinesis stream ${name} did not become ACTIVE`);
      await delay(20);
    }
  }

  private async deleteStream(name: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const status = await this.streamStatus(name);
      if (status === undefined) return;
      if (status !== 'DELETING') {
        await this.options.kinesis.call('DeleteStream', { StreamName: name }).catch((error: Error) => {
          if (!(error instanceof AwsServiceError && error.code === 'ResourceNotFoundException')) throw error;
        });
      }
      if (Date.now() > deadline) throw new Error(`Kinesis stream ${name} was not deleted`);
      await delay(20);
    }
  }

  private async streamStatus(name: string): Promise<string | undefined> {
    try {
      const output = await this.options.kinesis.call('DescribeStreamSummary', { StreamName: name });
      return (output['StreamDescriptionSummary'] as { StreamStatus: string }).StreamStatus;
    } catch (error) {
      if (error instanceof AwsServiceError && error.code === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }

  private async waitUntil(time: number): Promise<void> {
    while (!this.closed && Date.now() < time) await delay(Math.min(50, time - Date.now()));
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * With more than one shard, records go round-robin to the stream's first shards (an explicit hash
 * key in the middle of each uniform range), so that a fleet of workers has shards to split; with
 * one shard the partition key alone places them, as before. Order is kept per shard, as Kinesis
 * keeps it, not across shards.
 */
function spreadOverShards(shardCount: number): () => { ExplicitHashKey?: string } {
  if (shardCount <= 1) return () => ({});
  const width = 2n ** 128n / BigInt(shardCount);
  let next = 0;
  return () => {
    const shard = BigInt(next % shardCount);
    next += 1;
    return { ExplicitHashKey: (shard * width + width / 2n).toString() };
  };
}
