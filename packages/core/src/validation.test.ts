import { describe, expect, it } from 'vitest';
import { buildHeartbeat, buildMysqlEvent, buildPayload, buildPostgresEvent } from './fixtures/index.js';
import { validateEnvelope, validatePayload } from './validation.js';
import type { RawActivityEvent } from './schemas/events.js';

// Verbatim from das-format.md §3.1 (the seed lab's rdsadmin QUERY) and §3.2 (AWS PG example).
const SEED_LAB_MYSQL_EVENT = `{"logTime":"2020-07-06 20:43:51.636563+00","type":"record","clientApplication":null,"pid":20555,
 "dbUserName":"rdsadmin","databaseName":"mysql","remoteHost":"localhost","remotePort":"10944",
 "command":"QUERY","commandText":"show status like \\\\'server_aurora_das_%\\\\'","paramList":null,
 "objectType":"TABLE","objectName":"","statementId":2990,"substatementId":1,"exitCode":"0",
 "sessionId":"5","rowCount":4,"serverHost":"auroralab-mysql-node-2","serverType":"MySQL",
 "serviceName":"Amazon Aurora MySQL","serverVersion":"MySQL 5.7.12",
 "startTime":"2020-07-06 20:43:51.636257+00","endTime":"2020-07-06 20:43:51.636563+00",
 "transactionId":"0","dbProtocol":"MySQL","netProtocol":"TCP","errorMessage":"","class":"MAIN"}`;
const AWS_POSTGRES_EVENT = `{"startTime":"2019-05-24 00:39:49.920564+00","logTime":"2019-05-24 00:39:49.940668+00",
 "statementId":6,"substatementId":1,"objectType":"TABLE","command":"SELECT",
 "objectName":"public.my_table","databaseName":"postgres","dbUserName":"rdsadmin",
 "remoteHost":"172.31.3.195","remotePort":"34534","sessionId":"5ce73c6f.7e64","rowCount":10,
 "commandText":"select * from my_table;","paramList":[],"pid":32356,"clientApplication":"psql",
 "exitCode":null,"class":"READ","serverVersion":"2.3.1","serverType":"PostgreSQL",
 "serviceName":"Amazon Aurora PostgreSQL-Compatible edition","serverHost":"172.31.3.192",
 "netProtocol":"TCP","dbProtocol":"Postgres 3.0","type":"record","errorMessage":null}`;

describe('validatePayload', () => {
  it('accepts the seed lab MySQL event and the AWS PostgreSQL example', () => {
    const mysql = JSON.parse(SEED_LAB_MYSQL_EVENT) as Record<string, unknown>;
    expect(mysql.commandText).toBe("show status like \\'server_aurora_das_%\\'");
    for (const event of [mysql, JSON.parse(AWS_POSTGRES_EVENT) as Record<string, unknown>]) {
      const result = validatePayload({ type: 'DatabaseActivityMonitoringRecord', clusterId: 'cluster-X', instanceId: 'db-Y', databaseActivityEventList: [event] });
      expect(result).toMatchObject({ ok: true });
    }
  });

  it('keeps unknown fields at every level', () => {
    const payload = { ...buildPayload([buildMysqlEvent({ futureField: { nested: 1 } }), buildHeartbeat('mysql', { beat: 3 })]), extra: 'x' };
    const result = validatePayload(payload);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.value).toBe(payload);
    expect(result.value.extra).toBe('x');
    expect(result.value.databaseActivityEventList[0]?.futureField).toEqual({ nested: 1 });
    expect(result.value.databaseActivityEventList[1]?.beat).toBe(3);
  });

  it('reports the path of a missing required field', () => {
    const event: RawActivityEvent = buildPostgresEvent();
    delete event.dbUserName;
    const result = validatePayload(buildPayload([buildMysqlEvent(), event]));
    expect(result).toEqual({ ok: false, issues: [{ path: '/databaseActivityEventList/1/dbUserName', message: 'is required' }] });
  });

  it('checks field types per engine: a numeric MySQL rowCount, a string-or-int exitCode', () => {
    const bad = validatePayload(buildPayload([buildMysqlEvent({ rowCount: '4' as unknown as number, exitCode: true as unknown as string })]));
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.issues.map((i) => i.path).sort()).toEqual(['/databaseActivityEventList/0/exitCode', '/databaseActivityEventList/0/rowCount']);
    expect(validatePayload(buildPayload([buildMysqlEvent({ exitCode: 0 })])).ok).toBe(true);
    expect(validatePayload(buildPayload([buildPostgresEvent({ exitCode: '42P01', paramList: ['1'] })])).ok).toBe(true);
  });

  it('rejects an unparseable logTime and accepts Oracle/SQL Server style times', () => {
    expect(validatePayload(buildPayload([buildMysqlEvent({ logTime: 'yesterday' })])).ok).toBe(false);
    const oracle = { type: 'record', logTime: '2021-01-15 00:15:36.233787', serverType: 'oracle', exitCode: 0, engineNativeAuditFields: {} };
    const sqlServer = { type: 'record', logTime: '2022-10-06 21:24:59.9422268+00', serverType: 'SQLSERVER', statementId: '0x1A' };
    expect(validatePayload(buildPayload([oracle, sqlServer])).ok).toBe(true);
  });

  it('rejects absurdly deep nesting (it would overflow JSON.stringify and postMessage later)', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    const result = validatePayload(buildPayload([buildMysqlEvent({ extra: deep })]));
    expect(result).toMatchObject({ ok: false, issues: [{ message: 'nests deeper than 32 levels' }] });
    if (!result.ok) expect(result.issues[0]?.path.startsWith('/databaseActivityEventList/0/extra/0/0')).toBe(true);
    expect(validatePayload(buildPayload([buildMysqlEvent({ extra: [[[{ a: [1] }]]] })])).ok).toBe(true);
  });

  it('rejects a payload whose list is missing or whose events lack a type', () => {
    expect(validatePayload({ type: 'DatabaseActivityMonitoringRecord', instanceId: 'db-1' })).toMatchObject({
      ok: false,
      issues: [{ path: '/databaseActivityEventList' }],
    });
    expect(validatePayload(buildPayload([{ logTime: 'x' } as never])).ok).toBe(false);
  });
});

describe('validateEnvelope', () => {
  const good = { type: 'DatabaseActivityMonitoringRecords', version: '1.2', databaseActivityEvents: 'AYAD', key: 'AQID' };
  it('accepts every contract version string and keeps extra fields', () => {
    for (const version of ['1.0', '1.1', '1.2', '1.3', '1.4', '2.0']) {
      expect(validateEnvelope({ ...good, version, extra: 1 })).toMatchObject({ ok: true, value: { version, extra: 1 } });
    }
  });
  it('rejects the singular payload type and missing keys', () => {
    expect(validateEnvelope({ ...good, type: 'DatabaseActivityMonitoringRecord' })).toMatchObject({ ok: false, issues: [{ path: '/type' }] });
    const { key: _key, ...noKey } = good;
    expect(validateEnvelope(noKey)).toMatchObject({ ok: false, issues: [{ path: '/key', message: 'is required' }] });
  });
});
