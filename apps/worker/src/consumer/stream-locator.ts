import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { DescribeDBClustersCommand, type RDSClient } from '@aws-sdk/client-rds';

/** A stream that can be read now. */
export interface LocatedStream {
  streamName: string;
  resourceId: string;
  /** `<name>@<creation ms>`: a stream stopped and started again gets a new key (new checkpoints). */
  streamKey: string;
}

export type LocateResult = { found: true; stream: LocatedStream } | { found: false; reason: string };

export interface StreamLocatorOptions {
  kinesis: KinesisClient;
  rds: RDSClient;
  clusterId: string;
  /** Both given: no RDS lookup (`DAS_STREAM_NAME` + `DAS_RESOURCE_ID`). */
  streamName?: string | undefined;
  resourceId?: string | undefined;
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ResourceNotFoundException' || error.name === 'DBClusterNotFoundFault');
}

/**
 * Finds the activity stream: from config, or from the cluster (DescribeDBClusters →
 * ActivityStreamKinesisStreamName, DbClusterResourceId), then checks the Kinesis stream exists.
 */
export function createStreamLocator(options: StreamLocatorOptions) {
  async function streamKeyOf(streamName: string): Promise<string | null> {
    try {
      const out = await options.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      const summary = out.StreamDescriptionSummary;
      if (summary === undefined || (summary.StreamStatus !== 'ACTIVE' && summary.StreamStatus !== 'UPDATING')) return null;
      return `${streamName}@${summary.StreamCreationTimestamp?.getTime() ?? 0}`;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  return {
    async locate(): Promise<LocateResult> {
      let streamName = options.streamName;
      let resourceId = options.resourceId;
      if (streamName === undefined || resourceId === undefined) {
        let cluster;
        try {
          const out = await options.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: options.clusterId }));
          cluster = out.DBClusters?.[0];
        } catch (error) {
          if (isNotFound(error)) return { found: false, reason: `cluster ${options.clusterId} not found` };
          throw error;
        }
        if (cluster === undefined) return { found: false, reason: `cluster ${options.clusterId} not found` };
        const status = cluster.ActivityStreamStatus ?? 'stopped';
        // A stopping stream still receives the capture's last records until RDS deletes it: read on.
        if ((status !== 'started' && status !== 'stopping') || cluster.ActivityStreamKinesisStreamName === undefined) {
          return { found: false, reason: `activity stream of ${options.clusterId} is ${status}` };
        }
        streamName = streamName ?? cluster.ActivityStreamKinesisStreamName;
        resourceId = resourceId ?? cluster.DbClusterResourceId;
        if (resourceId === undefined) return { found: false, reason: `cluster ${options.clusterId} has no DbClusterResourceId` };
      }
      const streamKey = await streamKeyOf(streamName);
      if (streamKey === null) return { found: false, reason: `Kinesis stream ${streamName} does not exist (yet)` };
      return { found: true, stream: { streamName, resourceId, streamKey } };
    },
  };
}

