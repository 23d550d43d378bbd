import { describe, expect, it } from 'vitest';
import type { MysqlActivityEvent } from '@das/core';
import { parseAuditLine, type AuditLine } from './audit-line.js';
import { EventMapper, type EventMapperContext } from './event-mapper.js';
import { formatDasTime } from '../das-time.js';
import { createStreamClock } from './stream-clock.js';
import { SAMPLE_SESSION_LINES } from './sample-session-lines.test-support.js';

const context: EventMapperContext = {
  serverHost: 'das-local-instance-1',
  serverVersion: 'MariaDB 10.11.19',
  includeEngineNativeAuditFields: false,
  remotePortOf: (id) => (id === 7 ? '51234' : ''),
};

function line(text: string): AuditLine {
  const result = parseAuditLine(text);
  if (!result.ok) throw new Error(result.reason);
  return result.line;
}

function mapAll(mapper: EventMapper, texts: readonly string[], startUs = 1_700_000_000_000_000): MysqlActivityEvent[] {
  return texts.flatMap((text, i) => mapper.push(line(text), startUs + i));
}

describe('EventMapper', () => {
  const events = mapAll(new EventMapper(context), SAMPLE_SESSION_LINES);
  const mains = events.filter((e) => e.class === 'MAIN');

  it('gives every session line and statement exactly one MAIN event, in order', () => {
    expect(mains.map((e) => e.command)).toEqual([
      'FAILED_CONNECT', 'DISCONNECT', 'FAILED_CONNECT', 'DISCONNECT', 'CONNECT',
      ...Array<string>(18).fill('QUERY'),
      'DISCONNECT',
    ]);
    const statementIds = mains.filter((e) => e.command === 'QUERY').map((e) => e.statementId);
    expect(statementIds).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26]);
  });

  it('fills every DAS Aurora MySQL field', () => {
    const insert = mains.find((e) => e.commandText.startsWith('INSERT INTO t1 (id')) as MysqlActivityEvent;
    expect(insert).toEqual({
      type: 'record', class: 'MAIN', clientApplication: null, command: 'QUERY',
      commandText: `INSERT INTO t1 (id, name, note)\nVALUES (1, 'alice', 'it''s a "quoted"\tvalue\\nwith backslash-n')`,
      databaseName: 'probe_db', dbProtocol: 'MySQL', dbUserName: 'app', endTime: insert.logTime, errorMessage: '',
      exitCode: '0', logTime: insert.endTime, netProtocol: 'TCP', objectName: 't1', objectType: 'TABLE', paramList: null,
      pid: 7, remoteHost: 'localhost', remotePort: '51234', rowCount: 0, serverHost: 'das-local-instance-1',
      serverType: 'MySQL', serverVersion: 'MariaDB 10.11.19', serviceName: 'Amazon Aurora MySQL', sessionId: '7',
      startTime: insert.startTime, statementId: 11, substatementId: 1, transactionId: '0',
    });
    expect(insert.logTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}\+00$/);
    expect(String(insert.startTime) < String(insert.endTime)).toBe(true);
  });

  it('pairs table events with their statement as AUX events before the MAIN', () => {
    const selfJoin = events.filter((e) => e.statementId === 14);
    expect(selfJoin.map((e) => [e.class, e.command, e.objectName, e.substatementId, e.exitCode])).toEqual([
      ['AUX', 'READ', 't1', 2, ''],
      ['AUX', 'READ', 't1', 2, ''],
      ['MAIN', 'QUERY', 't1', 1, '0'],
    ]);
    const [aux, , main] = selfJoin as [MysqlActivityEvent, MysqlActivityEvent, MysqlActivityEvent];
    expect(aux.startTime).toBe(main.startTime);
    expect(aux.commandText).toBe('t1');
    const rename = events.filter((e) => e.statementId === 25);
    expect(rename.map((e) => [e.class, e.command, e.objectName, e.commandText])).toEqual([
      ['AUX', 'RENAME', 't2', 't2|probe_db.t3'],
      ['MAIN', 'QUERY', 't2', 'RENAME TABLE t2 TO t3'],
    ]);
    const create = events.filter((e) => e.statementId === 9);
    expect(create.map((e) => [e.class, e.command, e.objectName])).toEqual([['AUX', 'CREATE', 't1'], ['MAIN', 'QUERY', 't1']]);
    const alterUser = events.filter((e) => e.statementId === 22);
    expect(alterUser.map((e) => [e.class, e.command, e.objectName])).toEqual([
      ['AUX', 'WRITE', 'mysql.global_priv'],
      ['MAIN', 'QUERY', 'mysql.global_priv'],
    ]);
  });

  it("leaves out MariaDB's own statistics-table accesses", () => {
    expect(events.some((e) => /_stats$/.test(String(e.objectName)))).toBe(false);
    const drop = events.filter((e) => e.statementId === 26);
    expect(drop.map((e) => [e.class, e.command, e.objectName])).toEqual([['AUX', 'DROP', 't3'], ['MAIN', 'QUERY', 't3']]);
    // …but keeps them when the statement names them itself.
    const own = mapAll(new EventMapper(context), [
      '20261125 02:23:25,vm,app,127.0.0.1,7,30,READ,mysql,table_stats,',
      "20261125 02:23:25,vm,app,127.0.0.1,7,30,QUERY,probe_db,'SELECT * FROM mysql.table_stats',0",
    ]);
    expect(own.map((e) => [e.class, e.objectName])).toEqual([['AUX', 'mysql.table_stats'], ['MAIN', 'mysql.table_stats']]);
  });

  it('reports failures with their exit code and MySQL-style message', () => {
    const byText = (text: string) => mains.find((e) => e.commandText === text) as MysqlActivityEvent;
    expect(byText('SELEC 1')).toMatchObject({ exitCode: '1064', errorMessage: expect.stringMatching(/^You have an error in your SQL syntax/) });
    expect(byText('SELECT * FROM does_not_exist')).toMatchObject({ exitCode: '1146', errorMessage: "Table 'probe_db.does_not_exist' doesn't exist" });
    expect(byText("INSERT INTO t1 VALUES (1, 'dup', NULL)")).toMatchObject({ exitCode: '1062', errorMessage: 'Duplicate entry for key' });
    expect(mains[0]).toMatchObject({ command: 'FAILED_CONNECT', dbUserName: 'app', exitCode: '1045', errorMessage: "Access denied for user 'app'@'localhost'", commandText: '' });
    expect(mains[1]).toMatchObject({ command: 'DISCONNECT', exitCode: '0', errorMessage: '' });
  });

  it('keeps pending table accesses across a snapshot, as after a restart', () => {
    const first = new EventMapper(context);
    expect(first.push(line('20261125 02:23:25,vm,app,127.0.0.1,7,40,WRITE,probe_db,t1,'), 1)).toEqual([]);
    const restored = new EventMapper(context, JSON.parse(JSON.stringify(first.snapshot())));
    const out = restored.push(line("20261125 02:23:25,vm,app,127.0.0.1,7,40,QUERY,probe_db,'DELETE FROM t1',0"), 2);
    expect(out.map((e) => [e.class, e.command, e.statementId, e.objectName])).toEqual([
      ['AUX', 'WRITE', 40, 't1'],
      ['MAIN', 'QUERY', 40, 't1'],
    ]);
  });

  it('emits table events whose statement line never came, when the session moves on', () => {
    const mapper = new EventMapper(context);
    mapper.push(line('20261125 02:23:25,vm,app,127.0.0.1,8,50,READ,d,t,'), 1);
    const out = mapper.push(line('20261125 02:23:25,vm,app,127.0.0.1,8,0,DISCONNECT,d,,0'), 2);
    expect(out.map((e) => [e.class, e.command, e.statementId])).toEqual([['AUX', 'READ', 50], ['MAIN', 'DISCONNECT', 0]]);
  });

  it("attributes the emulator's own sessions to rdsadmin and forgets them on disconnect", () => {
    const mapper = new EventMapper(context);
    mapper.markOwnSession(3);
    const [query] = mapper.push(line("20261125 02:23:25,vm,root,localhost,3,5,QUERY,,'SELECT ID, HOST FROM information_schema.PROCESSLIST',0"), 1);
    expect(query?.dbUserName).toBe('rdsadmin');
    mapper.push(line('20261125 02:23:25,vm,root,localhost,3,0,DISCONNECT,,,0'), 2);
    expect(mapper.isOwnSession(3)).toBe(false);
  });

  it('adds the raw audit fields when the stream asks for engine-native fields', () => {
    const mapper = new EventMapper({ ...context, includeEngineNativeAuditFields: true });
    const [event] = mapper.push(line("20261125 02:23:25,vm,app,127.0.0.1,7,11,QUERY,db,'SELECT \\'x\\'',0"), 1);
    expect(event?.engineNativeAuditFields).toEqual({
      timestamp: '20261125 02:23:25', serverhost: 'vm', username: 'app', host: '127.0.0.1', connectionid: '7',
      queryid: '11', operation: 'QUERY', database: 'db', object: "SELECT 'x'", retcode: '0',
    });
    // Without them the record's JSON has no such field.
    const plain = mapAll(new EventMapper(context), SAMPLE_SESSION_LINES.slice(0, 1))[0];
    expect(plain?.engineNativeAuditFields).toBeUndefined();
    expect(JSON.parse(JSON.stringify(plain))).not.toHaveProperty('engineNativeAuditFields');
  });
});

describe('stream clock', () => {
  it('keeps times inside the logged second and strictly increasing', () => {
    const clock = createStreamClock(0);
    const second = Date.UTC(2026, 10, 25, 2, 23, 25) * 1000;
    expect(clock.timeFor('20261125 02:23:25', second + 500)).toBe(second + 500);
    expect(clock.timeFor('20261125 02:23:25', second + 100)).toBe(second + 501);
    // A backlog line read much later keeps the second it was logged in.
    const late = clock.timeFor('20261125 02:23:26', second + 60_000_000);
    expect(late).toBe(second + 1_999_999);
    expect(formatDasTime(late)).toBe('2026-11-25 02:23:26.999999+00');
  });

  it('converts the server local time with its UTC offset', () => {
    const clock = createStreamClock(3600);
    const utc = Date.UTC(2026, 10, 25, 1, 0, 0) * 1000;
    expect(clock.timeFor('20261125 02:00:00', utc + 7)).toBe(utc + 7);
  });
});
