import type { Cluster, StatusEvent } from '@das/contracts';
import { FINAL_ACTIVITY_STREAM_STATUSES } from '@das/contracts';
import { ApiError } from '../errors.js';

export interface StatusWatchOptions {
  /** Reads the cluster once (DescribeDBClusters). */
  describe: (signal: AbortSignal) => Promise<Cluster>;
  intervalMs: number;
  timeoutMs: number;
  /** Stops the watch early (client went away). */
  signal: AbortSignal;
  now?: () => Date;
}

function sameState(a: StatusEvent | undefined, b: StatusEvent): boolean {
  return (
    a !== undefined &&
    a.clusterStatus === b.clusterStatus &&
    a.activityStream.status === b.activityStream.status &&
    a.activityStream.mode === b.activityStream.mode &&
    a.activityStream.kmsKeyId === b.activityStream.kmsKeyId &&
    a.activityStream.kinesisStreamName === b.activityStream.kinesisStreamName
  );
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Polls a cluster until its activity stream is `started` or `stopped`, yielding the first
 * observation and every change. Throws an ApiError TIMEOUT after `timeoutMs`; returns quietly
 * when `signal` aborts.
 */
export async function* watchActivityStream(options: StatusWatchOptions): AsyncGenerator<StatusEvent> {
  const now = options.now ?? (() => new Date());
  const deadline = Date.now() + options.timeoutMs;
  let last: StatusEvent | undefined;
  while (!options.signal.aborted) {
    const cluster = await options.describe(options.signal);
    if (options.signal.aborted) return;
    const event: StatusEvent = {
      clusterId: cluster.id,
      clusterStatus: cluster.status,
      activityStream: cluster.activityStream,
      at: now().toISOString(),
      final: FINAL_ACTIVITY_STREAM_STATUSES.includes(cluster.activityStream.status),
    };
    if (!sameState(last, event) || event.final) yield event;
    if (event.final) return;
    last = event;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new ApiError(504, 'TIMEOUT', `activity stream still ${event.activityStream.status} after ${Math.round(options.timeoutMs / 1000)} s`);
    }
    await pause(Math.min(options.intervalMs, left), options.signal);
  }
}
