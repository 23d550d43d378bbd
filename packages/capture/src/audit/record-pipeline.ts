import type { HeartbeatEvent, MysqlActivityEvent, PostgresActivityEvent } from '@das/core';
import type { ActiveStream } from '../activity-source.js';
import type { CaptureCpu } from './capture-cpu.js';
import type { CaptureLog } from './capture-log.js';
import { createDataKeyRotation, type DataKeyRotationOptions } from '../data-key-rotation.js';
import type { PayloadJsonWriter } from '@das/core';
import { openPayload, sealPayloadJson, type RecordEncryptor } from '../seal-record.js';

/** An element of `databaseActivityEventList` as the capture writes it. */
export type CapturedEvent = MysqlActivityEvent | PostgresActivityEvent | HeartbeatEvent;

export interface RecordPipelineOptions<Checkpoint> {
  stream: ActiveStream;
  /** A record is sealed once it holds this many events (checked at line boundaries). */
  maxEvents: number;
  /** …or this long after its first event arrived. */
  maxDelayMs: number;
  /** …or when its events' JSON reaches this many bytes (Kinesis takes at most 1 MiB a record). */
  maxBytes?: number;
  /** Events read but not yet on Kinesis, beyond which async drops and sync holds reading. */
  maxBufferedEvents: number;
  /**
   * Whether a full buffer drops events now (async mode, live reading); otherwise the reader waits
   * for room. Default: in async mode.
   */
  dropWhenFull?: () => boolean;
  dataKey?: Pick<DataKeyRotationOptions, 'maxAgeMs' | 'maxRecords'>;
  /** Default `fast`. */
  encryptor?: RecordEncryptor;
  /** The state to save once a sealed record is on the stream (taken at sealing time). */
  checkpoint(): Checkpoint | null;
  saveCheckpoint(checkpoint: Checkpoint): Promise<void>;
  log: CaptureLog;
  /** Counts the CPU of sealing records (the capture's meter). */
  cpu?: Pick<CaptureCpu, 'begin' | 'end'>;
}

/** Counters for the emulator's `/_local/stats`. */
export interface RecordPipelineStats {
  eventsAccepted: number;
  /** Async mode only: events dropped because the buffer was full or Kinesis kept failing. */
  eventsDropped: number;
  recordsPut: number;
  putFailures: number;
  dataKeysGenerated: number;
  bufferedEvents: number;
  lastPutAt: string | null;
}

/** Counters before anything was put. */
export function emptyPipelineStats(): RecordPipelineStats {
  return { eventsAccepted: 0, eventsDropped: 0, recordsPut: 0, putFailures: 0, dataKeysGenerated: 0, bufferedEvents: 0, lastPutAt: null };
}

export interface RecordPipeline {
  /** Adds the events of one audit line (or a heartbeat); in async mode may drop them when full. */
  append(events: readonly CapturedEvent[]): void;
  /** Called after each line: seals the open record when it is full. */
  lineBoundary(): void;
  /** Sync mode: resolves once the buffer has room again. */
  waitForRoom(): Promise<void>;
  hasRoom(): boolean;
  /** Seals the open record and resolves once every sealed record was put (or given up). */
  flush(): Promise<void>;
  /** From now on failing puts are given up after a few attempts, also in sync mode (shutdown). */
  beginClose(): void;
  /** Flushes, then stops; later appends are ignored. */
  close(): Promise<void>;
  readonly stats: RecordPipelineStats;
}

/** A record's payload JSON, written and closed, waiting to be encrypted and put. */
interface Sealed<Checkpoint> {
  json: Uint8Array;
  version: string;
  events: number;
  checkpoint: Checkpoint | null;
}

/**
 * JSON bytes per record before gzip: base64 of the encrypted gzip stays well under Kinesis's
 * 1 MiB even for text that does not compress.
 */
const DEFAULT_MAX_RECORD_BYTES = 600 * 1024;
/** The first record's buffer; a new one later is the size of the one before, to a power of two. */
const FIRST_RECORD_BYTES = 64 * 1024;
/**
 * Buffers of sealed records kept for the next ones: more than a put's group, since a capture that
 * was starved (idle priority) catches up in bursts that seal that many records at once (with 4,
 * one record in eight found none under TPC-C, issue 19). ~8 MB at most for TPC-C's records.
 */
const SPARE_BUFFERS = 16;

/** How many sealed records one PutRecords call carries at most. */
const RECORDS_PER_PUT = 10;
const RETRY_DELAYS_MS = [100, 250, 500, 1000, 2000, 5000];
/** Async mode gives a record up after this many failed puts; sync mode retries until closed. */
const ASYNC_PUT_ATTEMPTS = 5;
const DROP_LOG_INTERVAL_MS = 10_000;

/**
 * Batches events into DAS records and puts them on the stream in order: each record is a
 * `DatabaseActivityMonitoringRecord` payload, gzipped and encrypted by `@das/core` under a
 * rotated KMS data key. After a put succeeds the checkpoint taken when its record was sealed is
 * saved, so the audit lines behind a record are never marked read before they are on Kinesis.
 */
export function createRecordPipeline<Checkpoint>(options: RecordPipelineOptions<Checkpoint>): RecordPipeline {
  const { stream, log } = options;
  const dataKeys = createDataKeyRotation({ kms: stream.kms, keyArn: stream.kmsKeyArn, resourceId: stream.resourceId, ...options.dataKey });
  const stats = emptyPipelineStats();
  const queue: Sealed<Checkpoint>[] = [];
  // The open record as JSON bytes, written as events come: the event objects are garbage at once
  // (a young-generation collection has nothing of them to copy), the bytes live off the JS heap.
  let open: PayloadJsonWriter | null = null;
  let recordBytes = FIRST_RECORD_BYTES;
  // Buffers whose records were sealed and encrypted, written over by the next records: a fresh
  // ~500 KB buffer per record is external memory V8 only frees in a full collection, and pages
  // the kernel must map again (~10 µs each on some VMs: 0.04 faults per TPC-C event, issue 19).
  // A spare too small for the next record grows as it is written (doubling, so it is a power of
  // two again) and comes back grown: the spares settle at the largest record's size.
  const spare: ArrayBuffer[] = [];
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_RECORD_BYTES;
  let sealTimer: NodeJS.Timeout | null = null;
  let sending: Promise<void> | null = null;
  let closed = false;
  let closing = false;
  let roomWaiters: (() => void)[] = [];
  let dropsSinceLog = 0;
  let lastDropLogAt = 0;

  const partitionKey = stream.instanceResourceId;
  const dropWhenFull = options.dropWhenFull ?? (() => stream.mode === 'async');

  function seal(): void {
    if (sealTimer !== null) clearTimeout(sealTimer);
    sealTimer = null;
    if (open === null || open.eventCount === 0) return;
    const json = open.finish();
    recordBytes = Math.max(recordBytes, powerOfTwoAtLeast(json.length + (json.length >> 2)));
    queue.push({ json, version: open.envelopeVersion, events: open.eventCount, checkpoint: options.checkpoint() });
    open = null;
    if (sending === null) sending = send().finally(() => (sending = null));
  }

  function noteDrops(count: number): void {
    stats.eventsDropped += count;
    dropsSinceLog += count;
    const now = Date.now();
    if (now - lastDropLogAt >= DROP_LOG_INTERVAL_MS) {
      log.warn(
        { code: 'ACTIVITY_EVENTS_DROPPED', dropped: dropsSinceLog, totalDropped: stats.eventsDropped, stream: stream.streamName },
        'async activity stream: buffer full, events dropped',
      );
      dropsSinceLog = 0;
      lastDropLogAt = now;
    }
  }

  function released(count: number): void {
    stats.bufferedEvents -= count;
    if (stats.bufferedEvents < options.maxBufferedEvents && roomWaiters.length > 0) {
      const waiters = roomWaiters;
      roomWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  async function encrypt(record: Sealed<Checkpoint>): Promise<Uint8Array> {
    const dataKey = await dataKeys.next();
    stats.dataKeysGenerated = dataKeys.generated;
    // The fast encryptor settles within this task (gzip inline), so the span holds its work only.
    const started = options.cpu?.begin();
    try {
      return await sealPayloadJson(stream, record.json, record.version, dataKey, options.encryptor);
    } finally {
      if (started !== undefined) options.cpu?.end(started);
    }
  }

  async function putWithRetry(records: { data: Uint8Array; partitionKey: string }[]): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await stream.putRecords(records);
        return true;
      } catch (error) {
        stats.putFailures += 1;
        const giveUp = (stream.mode === 'async' || closing) && attempt + 1 >= ASYNC_PUT_ATTEMPTS;
        log.warn(
          { code: 'ACTIVITY_PUT_FAILED', stream: stream.streamName, attempt: attempt + 1, giveUp, err: errorSummary(error) },
          'putting activity records failed',
        );
        if (giveUp || closed) return false;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]));
      }
    }
  }

  async function send(): Promise<void> {
    while (queue.length > 0) {
      const group = queue.splice(0, RECORDS_PER_PUT);
      const count = group.reduce((sum, record) => sum + record.events, 0);
      let records: { data: Uint8Array; partitionKey: string }[] | null = null;
      try {
        records = [];
        for (const record of group) {
          records.push({ data: await encrypt(record), partitionKey });
          // Encrypting read the JSON before it returned: its buffer may take the next record.
          if (spare.length < SPARE_BUFFERS && record.json.buffer instanceof ArrayBuffer) spare.push(record.json.buffer);
        }
      } catch (error) {
        stats.putFailures += 1;
        log.error({ code: 'ACTIVITY_ENCRYPT_FAILED', stream: stream.streamName, err: errorSummary(error) }, 'encrypting activity records failed');
        records = null;
      }
      const put = records !== null && (await putWithRetry(records));
      if (put) {
        stats.recordsPut += group.length;
        stats.lastPutAt = new Date().toISOString();
        const checkpoint = group.at(-1)?.checkpoint;
        if (checkpoint !== null && checkpoint !== undefined) {
          try {
            await options.saveCheckpoint(checkpoint);
          } catch (error) {
            log.error({ code: 'CAPTURE_CHECKPOINT_FAILED', err: errorSummary(error) }, 'saving the audit position failed');
          }
        }
      } else if (stream.mode === 'async') {
        noteDrops(count);
      } else if (!closing) {
        // Sync mode keeps everything: put the group back and try again after a pause.
        queue.unshift(...group);
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS.at(-1)));
        continue;
      }
      released(count);
    }
  }

  return {
    append(events) {
      if (closed || events.length === 0) return;
      if (dropWhenFull() && stats.bufferedEvents + events.length > options.maxBufferedEvents) {
        noteDrops(events.length);
        return;
      }
      if (open === null) {
        const buffer = spare.pop();
        open = openPayload(stream, buffer !== undefined ? new Uint8Array(buffer) : recordBytes);
        sealTimer = setTimeout(seal, options.maxDelayMs);
        sealTimer.unref();
      }
      for (const event of events) open.add(event);
      stats.eventsAccepted += events.length;
      stats.bufferedEvents += events.length;
    },
    lineBoundary() {
      if (open !== null && (open.eventCount >= options.maxEvents || open.byteLength >= maxBytes)) seal();
    },
    hasRoom: () => stats.bufferedEvents < options.maxBufferedEvents,
    waitForRoom() {
      if (stats.bufferedEvents < options.maxBufferedEvents || closed) return Promise.resolve();
      seal(); // a full buffer must be able to drain even if the open record is not full
      return new Promise<void>((resolve) => roomWaiters.push(resolve));
    },
    async flush() {
      seal();
      while (sending !== null) await sending;
    },
    beginClose() {
      closing = true;
    },
    async close() {
      closing = true;
      seal();
      while (sending !== null) await sending;
      closed = true;
      dataKeys.dispose();
      for (const wake of roomWaiters) wake();
      roomWaiters = [];
    },
    get stats() {
      return stats;
    },
  };
}

function powerOfTwoAtLeast(bytes: number): number {
  let size = FIRST_RECORD_BYTES;
  while (size < bytes) size *= 2;
  return size;
}

/** An error's name and message, never its payload (records carry SQL text). */
export function errorSummary(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}
