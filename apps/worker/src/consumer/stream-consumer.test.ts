import { describe, expect, it } from 'vitest';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DecryptPool } from '../decrypt/decrypt-pool.js';
import type { ShardBatch } from '../store/event-store.js';
import { StreamGoneError } from './shard-reader.js';
import { createStreamConsumer, type BatchSink } from './stream-consumer.js';

/** One open shard with an endless backlog: every GetRecords answers `Limit` records, then `goneAfter` calls fail. */
function backlogKinesis(options: { goneAfter?: number } = {}) {
  let next = 1;
  const calls = { getRecords: 0, recordsHandedOut: 0 };
  const client = {
    async send(command: unknown) {
      if (command instanceof ListShardsCommand) return { Shards: [{ ShardId: 'shardId-000000000000', SequenceNumberRange: { StartingSequenceNumber: '1' } }] };
      if (command instanceof GetShardIteratorCommand) return { ShardIterator: 'it' };
      if (command instanceof GetRecordsCommand) {
        calls.getRecords += 1;
        if (options.goneAfter !== undefined && calls.getRecords > options.goneAfter) {
          throw Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });
        }
        const limit = command.input.Limit ?? 10_000;
        const Records = Array.from({ length: limit }, () => ({ SequenceNumber: String(next++), Data: new Uint8Array([1]) }));
        calls.recordsHandedOut += limit;
        return { Records, NextShardIterator: 'it', MillisBehindLatest: 60_000 };
      }
      throw new Error('unexpected command');
    },
  } as unknown as KinesisClient;
  return { client, calls };
}

/** Decrypts nothing: every record becomes a record without events. */
const emptyPool: DecryptPool = {
  decode: async (records) => records.map(() => ({ kind: 'events', events: [] })),
  stats: () => ({ kmsCalls: 0, cacheHits: 0, cacheMisses: 0 }),
  close: async () => undefined,
};

/** A store whose appends wait while `blocked`; it keeps the sequence numbers it stored. */
function gatedStore() {
  const stored: string[] = [];
  let open: (() => void) | undefined;
  let gate: Promise<void> | undefined = new Promise((resolve) => (open = resolve));
  const store: BatchSink = {
    async append(batch: ShardBatch) {
      if (batch.records.length > 0) await gate;
      stored.push(...batch.records.map((r) => r.sequenceNumber));
      return { stored: [], deadLetters: 0, replayed: 0 };
    },
    checkpoints: async () => [],
  };
  return {
    store,
    stored,
    release() {
      gate = undefined;
      open?.();
    },
  };
}

const flow = { recordsPerRead: 10, maxQueuedRecords: 30, recordsPerBatch: 5, minCallIntervalMs: 1 };

describe('stream consumer flow control', () => {
  it('stops calling GetRecords while decrypt+store is behind, then drains the backlog in order', async () => {
    const kinesis = backlogKinesis();
    const sink = gatedStore();
    const consumer = createStreamConsumer({ kinesis: kinesis.client, streamName: 's', streamKey: 's@1', pool: emptyPool, store: sink.store, startPosition: { type: 'TRIM_HORIZON' }, ...flow });
    const abort = new AbortController();
    const running = consumer.run(abort.signal);

    await sleep(150);
    const callsWhileBlocked = kinesis.calls.getRecords;
    await sleep(250);
    // The store holds the first chunk: reading stopped once the queue was full, and stays stopped.
    expect(kinesis.calls.getRecords).toBe(callsWhileBlocked);
    expect(sink.stored).toEqual([]);
    // Queue (30) + the chunk being stored (5) + the one decrypted ahead (5).
    expect(kinesis.calls.recordsHandedOut).toBeLessThanOrEqual(flow.maxQueuedRecords + 2 * flow.recordsPerBatch);
    expect(kinesis.calls.recordsHandedOut).toBeGreaterThanOrEqual(flow.maxQueuedRecords);

    sink.release();
    for (let i = 0; i < 200 && sink.stored.length < 500; i += 1) await sleep(10);
    abort.abort();
    await running;
    expect(sink.stored.length).toBeGreaterThanOrEqual(500);
    // Nothing lost, nothing twice, shard order kept; never more than the bound read ahead.
    expect(sink.stored).toEqual(sink.stored.map((_, i) => String(i + 1)));
    expect(kinesis.calls.recordsHandedOut - sink.stored.length).toBeLessThanOrEqual(flow.maxQueuedRecords + 2 * flow.recordsPerBatch);
  });

  it('stores the records read before the stream went away, then reports it gone', async () => {
    const kinesis = backlogKinesis({ goneAfter: 2 });
    const sink = gatedStore();
    sink.release();
    const consumer = createStreamConsumer({ kinesis: kinesis.client, streamName: 's', streamKey: 's@1', pool: emptyPool, store: sink.store, startPosition: { type: 'TRIM_HORIZON' }, ...flow });
    await expect(consumer.run(new AbortController().signal)).rejects.toBeInstanceOf(StreamGoneError);
    expect(sink.stored).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
  });

  it('reports the stream gone while a batch is still being stored, without an unhandled rejection', async () => {
    // The next chunk fails (stream gone) while the store is busy with this one: that failure
    // must wait for the loop, not crash the process as an unhandled rejection.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const kinesis = backlogKinesis({ goneAfter: 1 });
      const stored: string[] = [];
      const slowStore: BatchSink = {
        async append(batch: ShardBatch) {
          await sleep(50);
          stored.push(...batch.records.map((r) => r.sequenceNumber));
          return { stored: [], deadLetters: 0, replayed: 0 };
        },
        checkpoints: async () => [],
      };
      const consumer = createStreamConsumer({ kinesis: kinesis.client, streamName: 's', streamKey: 's@1', pool: emptyPool, store: slowStore, startPosition: { type: 'TRIM_HORIZON' }, ...flow });
      await expect(consumer.run(new AbortController().signal)).rejects.toBeInstanceOf(StreamGoneError);
      await sleep(20);
      expect(stored).toEqual(Array.from({ length: 10 }, (_, i) => String(i + 1)));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
