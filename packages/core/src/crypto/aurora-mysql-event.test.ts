import { describe, expect, it } from 'vitest';
import { AuroraMysqlEvent, auroraMysqlEventJson, type AuroraMysqlEventFields } from './aurora-mysql-event.js';

function fields(overrides: Partial<AuroraMysqlEventFields> = {}): AuroraMysqlEventFields {
  return {
    class: 'MAIN',
    clientApplication: null,
    command: 'QUERY',
    commandText: 'SELECT 1',
    databaseName: 'shop',
    dbProtocol: 'MySQL',
    dbUserName: 'app',
    endTime: '2026-12-07 02:50:00.123456+00',
    errorMessage: '',
    exitCode: '0',
    logTime: '2026-12-07 02:50:00.123456+00',
    netProtocol: 'TCP',
    objectName: 'orders',
    objectType: 'TABLE',
    paramList: null,
    pid: 42,
    remoteHost: '10.0.0.9',
    remotePort: '51234',
    rowCount: 0,
    serverHost: 'db-instance-1',
    serverType: 'MySQL',
    serverVersion: 'MariaDB 10.11.6',
    serviceName: 'Amazon Aurora MySQL',
    sessionId: '42',
    startTime: '2026-12-07 02:50:00.120000+00',
    statementId: 1001,
    substatementId: 1,
    transactionId: '0',
    ...overrides,
  };
}

const sameAsStringify = (event: AuroraMysqlEvent): void => expect(auroraMysqlEventJson(event)).toBe(JSON.stringify(event));

describe('auroraMysqlEventJson', () => {
  it('writes what JSON.stringify writes, fields in Aurora order, no engine fields when absent', () => {
    const event = new AuroraMysqlEvent(fields());
    sameAsStringify(event);
    expect(Object.keys(JSON.parse(auroraMysqlEventJson(event)) as object).slice(0, 4)).toEqual(['type', 'class', 'clientApplication', 'command']);
    expect(auroraMysqlEventJson(event)).not.toContain('engineNativeAuditFields');
  });

  it('escapes every field that needs it: quotes, backslashes, controls, lone surrogates, non-ASCII', () => {
    const nasty = 'it\'s "q" \\ \n\t\r\u0001 café 日本 🙂 \ud800 end';
    for (const key of ['class', 'command', 'commandText', 'databaseName', 'dbProtocol', 'dbUserName', 'endTime', 'errorMessage', 'exitCode', 'logTime', 'netProtocol', 'objectName', 'objectType', 'remoteHost', 'remotePort', 'serverHost', 'serverType', 'serverVersion', 'serviceName', 'sessionId', 'startTime', 'transactionId', 'clientApplication', 'paramList'] as const) {
      sameAsStringify(new AuroraMysqlEvent(fields({ [key]: nasty, pid: 7 })));
    }
  });

  it('writes numbers as JSON does, non-finite ones as null, and engine fields last', () => {
    sameAsStringify(new AuroraMysqlEvent(fields({ statementId: Number.MAX_SAFE_INTEGER, substatementId: -0, rowCount: 1e21, pid: 3 })));
    sameAsStringify(new AuroraMysqlEvent(fields({ statementId: Number.NaN, rowCount: Number.POSITIVE_INFINITY, pid: 4 })));
    sameAsStringify(new AuroraMysqlEvent(fields({ pid: 5, engineNativeAuditFields: { object: 'SELECT "x"\n', retcode: '' } })));
  });

  it('notices a session field that changed under the same pid (the cache is no stale copy)', () => {
    const first = new AuroraMysqlEvent(fields({ pid: 9, dbUserName: 'alice' }));
    sameAsStringify(first);
    for (const change of [{ dbUserName: 'rdsadmin' }, { remotePort: '6000' }, { sessionId: '10' }, { serverVersion: 'MariaDB 11' }, { paramList: 'x' }, { rowCount: 2 }, { clientApplication: 'psql' }, { transactionId: '7' }]) {
      const changed = new AuroraMysqlEvent(fields({ pid: 9, dbUserName: 'alice', ...change }));
      sameAsStringify(changed);
      sameAsStringify(first);
    }
  });

  it('writes the common events (MAIN, AUX, no error, substatement 1 or 2) and every other the same way', () => {
    const variants: Partial<AuroraMysqlEventFields>[] = [
      { class: 'AUX', command: 'READ', exitCode: '', substatementId: 2 },
      { class: 'MAIN', exitCode: '1146', errorMessage: "Table 'shop.nope' doesn't exist" },
      { class: 'AUX', exitCode: '', errorMessage: 'odd', substatementId: 2 },
      { class: 'MAIN', exitCode: '0', errorMessage: '', substatementId: 3 },
      { class: 'MAIN', exitCode: '', substatementId: 0 },
      { class: 'OTHER', exitCode: '0' },
      { class: 'AUX', substatementId: 2, engineNativeAuditFields: { operation: 'READ' } },
      { class: 'MAIN', substatementId: 1, engineNativeAuditFields: {} },
    ];
    for (const variant of variants) {
      sameAsStringify(new AuroraMysqlEvent(fields({ pid: 11, ...variant })));
      sameAsStringify(new AuroraMysqlEvent(fields({ pid: 11 })));
    }
  });

  it('keeps up with many sessions, past its cache size', () => {
    for (let pid = 0; pid < 10_000; pid += 2) sameAsStringify(new AuroraMysqlEvent(fields({ pid, sessionId: String(pid), statementId: pid * 3 })));
  });
});
