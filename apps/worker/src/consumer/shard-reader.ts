import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient, type ShardIteratorType } from '@aws-sdk/client-kinesis';
import { setTimeout as sleep } from 'node:timers/promises';

/** Where a shard is read from. */
export type ShardStart =
  | { type: 'LATEST' | 'TRIM_HORIZON' }
  | { type: 'AT_TIMESTAMP'; timestampMs: number }
  | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string };

export interface KinesisRecordData {
  sequenceNumber: string;
  data: Uint8Array;
  arrivedAtMs: number | null;
}

export interface ShardReadResult {
  records: KinesisRecordData[];
  millisBehindLatest: number | null;
  /** The shard is closed and every record has been returned. */
  finished: boolean;
}

export interface ShardReaderOptions {
  kinesis: KinesisClient;
  streamName: string;
  shardId: string;
  start: ShardStart;
  /** Minimum time between GetRecords calls on this shard; 200 ms keeps within 5 calls/s. */
  minCallIntervalMs?: number;
  /** Records per GetRecords call (≤ 10,000). */
  limit?: number;
  signal?: AbortSignal;
  /** Told about each throttling answer (for metrics and logs). */
  onThrottled?: (error: Error) => void;
}

const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'LimitExceededException', 'ThrottlingException', 'KMSThrottlingException']);
const TRANSIENT = new Set(['InternalFailureException', 'ServiceUnavailable', 'InternalFailure', 'TimeoutError', 'RequestTimeout']);
const MAX_BACKOFF_MS = 10_000;

/** The stream or shard no longer exists (stream stopped/deleted): the consumer must re-locate it. */
export class StreamGoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamGoneError';
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'UnknownError';
}

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/**
 * Reads one shard with GetRecords within Kinesis limits: at most one call per
 * `minCallIntervalMs`, exponential back-off on throttling and transient errors, and a fresh
 * iterator (after the last record seen) when one expires. Returns batches in shard order.
 */
export function createShardReader(options: ShardReaderOptions) {
  const minInterval = options.minCallIntervalMs ?? 200;
  let iterator: string | undefined;
  let lastSequence: string | undefined = options.start.type === 'AFTER_SEQUENCE_NUMBER' ? options.start.sequenceNumber : undefined;
  let lastCallAt = 0;
  let backoffMs = 0;
  let finished = false;

  async function freshIterator(): Promise<string | undefined> {
    const start: ShardStart = lastSequence === undefined ? options.start : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastSequence };
    const input = {
      StreamName: options.streamName,
      ShardId: options.shardId,
      ShardIteratorType: start.type as ShardIteratorType,
      ...(start.type === 'AFTER_SEQUENCE_NUMBER' ? { StartingSequenceNumber: start.sequenceNumber } : {}),
      ...(start.type === 'AT_TIMESTAMP' ? { Timestamp: new Date(start.timestampMs) } : {}),
    };
    const out = await options.kinesis.send(new GetShardIteratorCommand(input), { abortSignal: options.signal });
    return out.ShardIterator;
  }

  async function pace(): Promise<void> {
    const wait = Math.max(lastCallAt + minInterval - Date.now(), backoffMs);
    if (wait > 0) await sleep(wait, undefined, { signal: options.signal });
    lastCallAt = Date.now();
  }

  /** The next batch (possibly empty). Throws StreamGoneError when the stream/shard disappeared, AbortError when aborted. */
  async function read(): Promise<ShardReadResult> {
    if (finished) return { records: [], millisBehindLatest: 0, finished: true };
    for (;;) {
      await pace();
      try {
        if (iterator === undefined) {
          iterator = await freshIterator();
          if (iterator === undefined) {
            finished = true;
            return { records: [], millisBehindLatest: 0, finished: true };
          }
        }
        const out = await options.kinesis.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: options.limit ?? 10_000 }),
          { abortSignal: options.signal },
        );
        backoffMs = 0;
        const records: KinesisRecordData[] = (out.Records ?? []).map((r) => ({
          sequenceNumber: r.SequenceNumber ?? '',
          data: r.Data ?? new Uint8Array(),
          arrivedAtMs: r.ApproximateArrivalTimestamp?.getTime() ?? null,
        }));
        const last = records.at(-1);
        if (last !== undefined) lastSequence = last.sequenceNumber;
        iterator = out.NextShardIterator ?? undefined;
        // A closed shard answers without NextShardIterator once its last record has been read.
        if (iterator === undefined) finished = true;
        return { records, millisBehindLatest: out.MillisBehindLatest ?? null, finished };
      } catch (error) {
        if (options.signal?.aborted) throw error;
        const name = errorName(error);
        if (name === 'ExpiredIteratorException') {
          iterator = undefined;
          continue;
        }
        if (name === 'ResourceNotFoundException') throw new StreamGoneError(`shard ${options.shardId} of ${options.streamName} is gone`);
        if (THROTTLING.has(name) || TRANSIENT.has(name) || isNetworkError(error) || (error as { $fault?: string }).$fault === 'server') {
          if (THROTTLING.has(name)) options.onThrottled?.(error as Error);
          backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(500, backoffMs * 2)) * (0.75 + Math.random() * 0.5);
          continue;
        }
        throw error;
      }
    }
  }

  return { read, get lastSequenceNumber() { return lastSequence ?? null; } };
}

export type ShardReader = ReturnType<typeof createShardReader>;
