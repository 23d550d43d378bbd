import { buildPostgresEvent } from '@das/core/fixtures';
import { createMemoryKms } from '@das/core/testing';
import { describe, expect, it } from 'vitest';
import type { MysqlActivityEvent } from '@das/core';
import { silentLog } from './capture-log.js';
import { createRecordPipeline } from './record-pipeline.js';
import { createTestStream, eventually, records } from '../testing/index.js';

function event(i: number, text = `SELECT ${i}`): MysqlActivityEvent {
  return {
    type: 'record', class: 'MAIN', clientApplication: null, command: 'QUERY', commandText: text, databaseName: 'db', dbProtocol: 'MySQL',
    dbUserName: 'app', endTime: '2026-11-25 02:23:25.000001+00', errorMessage: '', exitCode: '0', logTime: '2026-11-25 02:23:25.000001+00',
    netProtocol: 'TCP', objectName: '', objectType: 'TABLE', paramList: null, pid: 7, remoteHost: '127.0.0.1', remotePort: '5000', rowCount: 0,
    serverHost: 'node-1', serverType: 'MySQL', serverVersion: 'MariaDB 10.11.19', serviceName: 'Amazon Aurora MySQL', sessionId: '7',
    startTime: '2026-11-25 02:23:25.000001+00', statementId: i, substatementId: 1, transactionId: '0',
  };
}

describe('record pipeline', () => {
  it('saves a checkpoint only once the record holding its lines is on the stream', async () => {
    const stream = createTestStream();
    let release = (): void => {};
    stream.gate = new Promise<void>((resolve) => (release = resolve));
    const saved: number[] = [];
    let line = 0;
    const pipeline = createRecordPipeline({
      stream, maxEvents: 2, maxDelayMs: 10_000, maxBufferedEvents: 1000, log: silentLog,
      checkpoint: () => line,
      saveCheckpoint: async (c) => void saved.push(c),
    });
    for (line = 1; line <= 4; line++) {
      pipeline.append([event(line)]);
      pipeline.lineBoundary();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(saved).toEqual([]); // sealed twice, nothing put yet
    stream.gate = null;
    release();
    await pipeline.flush();
    expect(saved.at(-1)).toBe(4);
    expect(records((await stream.decryptAll()).events).map((e) => e.statementId)).toEqual([1, 2, 3, 4]);
    await pipeline.close();
  });

  it('rotates the KMS data key by record count, each record readable with its own key', async () => {
    const kms = createMemoryKms();
    const stream = createTestStream({}, kms);
    const pipeline = createRecordPipeline({
      stream, maxEvents: 1, maxDelayMs: 10_000, maxBufferedEvents: 100, log: silentLog, checkpoint: () => null, saveCheckpoint: async () => {},
      dataKey: { maxRecords: 2 },
    });
    for (let i = 0; i < 5; i++) {
      pipeline.append([event(i)]);
      pipeline.lineBoundary();
    }
    await pipeline.close();
    expect(kms.calls.generateDataKey).toBe(3);
    expect(pipeline.stats.dataKeysGenerated).toBe(3);
    const keys = stream.records.map((data) => (JSON.parse(Buffer.from(data).toString('utf8')) as { key: string }).key);
    expect(new Set(keys).size).toBe(3);
    expect(records((await stream.decryptAll()).events).map((e) => e.statementId)).toEqual([0, 1, 2, 3, 4]);
  });

  it('seals records by size so each stays under the Kinesis limit', async () => {
    const stream = createTestStream();
    const pipeline = createRecordPipeline({
      stream, maxEvents: 500, maxDelayMs: 10_000, maxBufferedEvents: 10_000, log: silentLog, checkpoint: () => null, saveCheckpoint: async () => {},
    });
    const big = 'x'.repeat(60_000);
    for (let i = 0; i < 40; i++) {
      pipeline.append([event(i, `SELECT '${big}${i}'`)]);
      pipeline.lineBoundary();
    }
    await pipeline.close();
    expect(stream.records.length).toBeGreaterThan(1);
    expect(Math.max(...stream.records.map((r) => r.length))).toBeLessThan(1024 * 1024);
    expect(records((await stream.decryptAll()).events)).toHaveLength(40);
  });

  it('gives each record the envelope version of its engine: 1.2 for MySQL events, 1.1 for PostgreSQL', async () => {
    const stream = createTestStream();
    const pipeline = createRecordPipeline({
      stream, maxEvents: 2, maxDelayMs: 10_000, maxBufferedEvents: 10_000, log: silentLog, checkpoint: () => null, saveCheckpoint: async () => {},
    });
    pipeline.append([event(1), event(2)]);
    pipeline.lineBoundary();
    pipeline.append([{ type: 'heartbeat' }, buildPostgresEvent({ statementId: 3 })]);
    pipeline.lineBoundary();
    await pipeline.close();
    const versions = stream.records.map((data) => (JSON.parse(Buffer.from(data).toString('utf8')) as { version: string }).version);
    expect(versions).toEqual(['1.2', '1.1']);
    const events = (await stream.decryptAll()).events;
    expect(events.map((e) => e.type === 'record' ? e.statementId : 'heartbeat')).toEqual([1, 2, 'heartbeat', 3]);
  });

  it('writes later records over earlier records\' buffers without leaving their bytes behind', async () => {
    const stream = createTestStream();
    const pipeline = createRecordPipeline({
      stream, maxEvents: 3, maxDelayMs: 10_000, maxBufferedEvents: 10_000, log: silentLog, checkpoint: () => null, saveCheckpoint: async () => {},
    });
    // Long statements first, then short ones: each record after the first is written into a
    // buffer that held a longer one.
    const texts = Array.from({ length: 30 }, (_, i) => (i < 6 ? `SELECT '${'x'.repeat(20_000)}' AS n${i}` : `SELECT ${i}`));
    for (const [i, text] of texts.entries()) {
      pipeline.append([event(i, text)]);
      pipeline.lineBoundary();
      if (i % 3 === 2) await pipeline.flush(); // each record put before the next one opens
    }
    await pipeline.close();
    expect(stream.records.length).toBe(10);
    expect(records((await stream.decryptAll()).events).map((e) => e.commandText)).toEqual(texts);
  });

  it('async: gives a record up after repeated put failures and counts its events as dropped', async () => {
    const stream = createTestStream({ mode: 'async', putRecords: async () => Promise.reject(new Error('stream gone')) });
    const codes: string[] = [];
    const pipeline = createRecordPipeline({
      stream, maxEvents: 1, maxDelayMs: 10, maxBufferedEvents: 100, checkpoint: () => null, saveCheckpoint: async () => {},
      log: { ...silentLog, warn: (fields) => void codes.push(String(fields.code)) },
    });
    pipeline.append([event(1)]);
    pipeline.lineBoundary();
    await eventually(() => (pipeline.stats.eventsDropped === 1 ? true : undefined), 'the drop', 10_000);
    expect(pipeline.stats.putFailures).toBe(5);
    expect(codes).toContain('ACTIVITY_EVENTS_DROPPED');
    await pipeline.close();
  });

  it('sync: keeps retrying a failing put until it succeeds, losing nothing', async () => {
    let failures = 2;
    const stream = createTestStream({ mode: 'sync' });
    const put = stream.putRecords.bind(stream);
    stream.putRecords = async (batch) => {
      if (failures-- > 0) throw new Error('throttled');
      await put(batch);
    };
    const pipeline = createRecordPipeline({
      stream, maxEvents: 1, maxDelayMs: 10, maxBufferedEvents: 100, log: silentLog, checkpoint: () => null, saveCheckpoint: async () => {},
    });
    pipeline.append([event(1)]);
    pipeline.lineBoundary();
    await pipeline.flush();
    expect(pipeline.stats).toMatchObject({ eventsDropped: 0, putFailures: 2, recordsPut: 1 });
    await pipeline.close();
  });
});
