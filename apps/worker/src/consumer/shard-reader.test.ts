import { describe, expect, it } from 'vitest';
import { GetRecordsCommand, type GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { createShardReader, StreamGoneError } from './shard-reader.js';

function awsError(name: string): Error {
  const error = new Error(name);
  error.name = name;
  return error;
}

/** A scripted Kinesis client: answers GetShardIterator/GetRecords in order and records the calls. */
function scriptedKinesis(script: ((input: Record<string, unknown>) => unknown)[]) {
  const calls: { op: string; input: Record<string, unknown>; at: number }[] = [];
  const client = {
    async send(command: GetRecordsCommand | GetShardIteratorCommand) {
      const op = command instanceof GetRecordsCommand ? 'GetRecords' : 'GetShardIterator';
      const input = command.input as unknown as Record<string, unknown>;
      calls.push({ op, input, at: Date.now() });
      const step = script.shift();
      if (step === undefined) throw new Error(`unexpected ${op}`);
      return step(input);
    },
  } as unknown as KinesisClient;
  return { client, calls };
}

const record = (seq: string) => ({ SequenceNumber: seq, Data: new Uint8Array([1]), ApproximateArrivalTimestamp: new Date(1000) });

describe('shard reader', () => {
  it('renews an expired iterator after the last record it returned', async () => {
    const { client, calls } = scriptedKinesis([
      () => ({ ShardIterator: 'it-1' }),
      () => ({ Records: [record('10'), record('11')], NextShardIterator: 'it-2', MillisBehindLatest: 5 }),
      () => {
        throw awsError('ExpiredIteratorException');
      },
      () => ({ ShardIterator: 'it-3' }),
      () => ({ Records: [record('12')], NextShardIterator: 'it-4', MillisBehindLatest: 0 }),
    ]);
    const reader = createShardReader({ kinesis: client, streamName: 's', shardId: 'shard-a', start: { type: 'TRIM_HORIZON' }, minCallIntervalMs: 1 });
    expect((await reader.read()).records.map((r) => r.sequenceNumber)).toEqual(['10', '11']);
    const second = await reader.read();
    expect(second.records.map((r) => r.sequenceNumber)).toEqual(['12']);
    expect(calls[0]?.input).toMatchObject({ ShardIteratorType: 'TRIM_HORIZON', ShardId: 'shard-a' });
    expect(calls[3]?.input).toMatchObject({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: '11' });
  });

  it('backs off on throttling and paces calls to at most one per interval', async () => {
    let throttled = 0;
    const { client, calls } = scriptedKinesis([
      () => ({ ShardIterator: 'it-1' }),
      () => {
        throw awsError('ProvisionedThroughputExceededException');
      },
      () => ({ Records: [], NextShardIterator: 'it-2', MillisBehindLatest: 0 }),
      () => ({ Records: [], NextShardIterator: 'it-3', MillisBehindLatest: 0 }),
    ]);
    const reader = createShardReader({
      kinesis: client,
      streamName: 's',
      shardId: 'shard-a',
      start: { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '5' },
      minCallIntervalMs: 200,
      onThrottled: () => (throttled += 1),
    });
    await reader.read();
    await reader.read();
    expect(throttled).toBe(1);
    const getRecords = calls.filter((c) => c.op === 'GetRecords').map((c) => c.at);
    // ≥ 375 ms back-off (500 ms ± 25 % jitter) after the throttle, ≥ 200 ms between later calls.
    expect((getRecords[1] as number) - (getRecords[0] as number)).toBeGreaterThanOrEqual(370);
    expect((getRecords[2] as number) - (getRecords[1] as number)).toBeGreaterThanOrEqual(195);
    expect(calls[0]?.input).toMatchObject({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: '5' });
  });

  it('reports a closed shard as finished and a deleted stream as gone', async () => {
    const { client } = scriptedKinesis([
      () => ({ ShardIterator: 'it-1' }),
      () => ({ Records: [record('7')], MillisBehindLatest: 0 }),
    ]);
    const reader = createShardReader({ kinesis: client, streamName: 's', shardId: 'shard-a', start: { type: 'LATEST' }, minCallIntervalMs: 1 });
    expect(await reader.read()).toMatchObject({ finished: true, records: [{ sequenceNumber: '7' }] });
    expect(await reader.read()).toMatchObject({ finished: true, records: [] });

    const gone = scriptedKinesis([
      () => {
        throw awsError('ResourceNotFoundException');
      },
    ]);
    const goneReader = createShardReader({ kinesis: gone.client, streamName: 's', shardId: 'shard-b', start: { type: 'LATEST' }, minCallIntervalMs: 1 });
    await expect(goneReader.read()).rejects.toBeInstanceOf(StreamGoneError);
  });
});
