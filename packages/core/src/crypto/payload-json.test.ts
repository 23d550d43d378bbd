import { describe, expect, it } from 'vitest';
import { createEventGenerator } from '../fixtures/index.js';
import type { DasPayload } from '../schemas/payload.js';
import { PayloadJsonWriter, payloadJson } from './payload-json.js';
import { buildPostgresEvent } from '../fixtures/builders.js';
import { AuroraMysqlEvent } from './aurora-mysql-event.js';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

describe('payloadJson', () => {
  it('writes the bytes of JSON.stringify for a payload, event list last', () => {
    const payload = createEventGenerator({ seed: 21 }).payload(700);
    payload.databaseActivityEventList[3] = { type: 'record', commandText: "SELECT 'café', '日本語', '🙂', e'\\n\"'" };
    expect(text(payloadJson(payload))).toBe(JSON.stringify(payload));
  });

  it('writes an empty list, a payload of the list alone, and null for what JSON cannot write', () => {
    const empty: DasPayload = { ...createEventGenerator({ seed: 22 }).payload(1), databaseActivityEventList: [] };
    expect(text(payloadJson(empty))).toBe(JSON.stringify(empty));
    const listOnly = { databaseActivityEventList: [{ a: 1 }, undefined] } as unknown as DasPayload;
    expect(JSON.parse(text(payloadJson(listOnly)))).toEqual({ databaseActivityEventList: [{ a: 1 }, null] });
  });

  it('grows past its first buffer and keeps each record whole', () => {
    const big = createEventGenerator({ seed: 23 }).payload(2);
    big.databaseActivityEventList[0] = { type: 'record', commandText: 'x'.repeat(600_000) };
    expect(text(payloadJson(big))).toBe(JSON.stringify(big));
    const small = createEventGenerator({ seed: 24 }).payload(3);
    expect(text(payloadJson(small))).toBe(JSON.stringify(small));
  });

  it('writes producer-made Aurora MySQL events among plain ones as JSON.stringify does', () => {
    const payload = createEventGenerator({ seed: 25 }).payload(6);
    const made = (pid: number, commandText: string): AuroraMysqlEvent =>
      new AuroraMysqlEvent({
        class: 'MAIN', clientApplication: null, command: 'QUERY', commandText, databaseName: 'shop', dbProtocol: 'MySQL', dbUserName: 'app',
        endTime: '2026-12-07 02:50:00.123456+00', errorMessage: '', exitCode: '0', logTime: '2026-12-07 02:50:00.123456+00', netProtocol: 'TCP',
        objectName: 'orders', objectType: 'TABLE', paramList: null, pid, remoteHost: '10.0.0.9', remotePort: '', rowCount: 0, serverHost: 'db-1',
        serverType: 'MySQL', serverVersion: 'MariaDB 10.11.6', serviceName: 'Amazon Aurora MySQL', sessionId: String(pid),
        startTime: '2026-12-07 02:50:00.123456+00', statementId: pid * 10, substatementId: 1, transactionId: '0',
      });
    payload.databaseActivityEventList.splice(2, 0, made(1, "INSERT INTO t VALUES ('a\"b')"), made(2, 'SELECT 2'));
    payload.databaseActivityEventList.push(made(1, 'SELECT 3'));
    expect(text(payloadJson(payload))).toBe(JSON.stringify(payload));
  });
});

describe('PayloadJsonWriter', () => {
  it('writes, event by event, the bytes of JSON.stringify for the payload', () => {
    const payload = createEventGenerator({ seed: 26 }).payload(300);
    payload.databaseActivityEventList[5] = { type: 'record', commandText: "SELECT 'café', '🙂', e'\\n\"'" };
    const { databaseActivityEventList: events, ...head } = payload;
    // A small first buffer: it has to grow many times, past a 600 KB statement too.
    const writer = new PayloadJsonWriter(head, 16);
    events.push({ type: 'record', commandText: 'x'.repeat(600_000) });
    for (const event of events) writer.add(event);
    expect(writer.eventCount).toBe(events.length);
    const bytes = writer.finish();
    expect(text(bytes)).toBe(JSON.stringify({ ...head, databaseActivityEventList: events }));
    expect(writer.byteLength).toBe(bytes.length);
  });

  it('writes an empty list, and names the envelope version of the events it holds', () => {
    const mysql = new PayloadJsonWriter({ type: 'DatabaseActivityMonitoringRecord', clusterId: 'c', instanceId: 'i' });
    expect(mysql.envelopeVersion).toBe('1.2');
    expect(text(mysql.finish())).toBe('{"type":"DatabaseActivityMonitoringRecord","clusterId":"c","instanceId":"i","databaseActivityEventList":[]}');
    const postgres = new PayloadJsonWriter({ type: 'DatabaseActivityMonitoringRecord', clusterId: 'c', instanceId: 'i' });
    postgres.add({ type: 'heartbeat' });
    expect(postgres.envelopeVersion).toBe('1.2');
    postgres.add(buildPostgresEvent());
    expect(postgres.envelopeVersion).toBe('1.1');
  });
});
