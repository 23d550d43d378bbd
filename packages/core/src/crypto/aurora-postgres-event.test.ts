import { describe, expect, it } from 'vitest';
import { AuroraPostgresEvent, auroraPostgresEventJson, type AuroraPostgresEventFields } from './aurora-postgres-event.js';

function fields(overrides: Partial<AuroraPostgresEventFields> = {}): AuroraPostgresEventFields {
  return {
    startTime: '2026-12-07 03:10:00.123456+00',
    logTime: '2026-12-07 03:10:00.123456+00',
    class: 'READ',
    command: 'SELECT',
    commandText: 'SELECT c_last FROM customer WHERE c_id = $1',
    objectType: 'TABLE',
    objectName: 'public.customer',
    paramList: [],
    statementId: 12,
    substatementId: 1,
    exitCode: null,
    errorMessage: null,
    databaseName: 'shop',
    dbUserName: 'app',
    remoteHost: '10.0.0.9',
    remotePort: '51234',
    sessionId: '6753a1b2.1f3c',
    rowCount: null,
    pid: 4242,
    clientApplication: 'psql',
    serverVersion: '15.20',
    serverType: 'PostgreSQL',
    serviceName: 'Amazon Aurora PostgreSQL',
    serverHost: 'db-instance-1',
    netProtocol: 'TCP',
    dbProtocol: 'Postgres 3.0',
    ...overrides,
  };
}

const sameAsStringify = (event: AuroraPostgresEvent): void => expect(auroraPostgresEventJson(event)).toBe(JSON.stringify(event));

describe('auroraPostgresEventJson', () => {
  it('writes what JSON.stringify writes: statement, connection and failed-login events', () => {
    sameAsStringify(new AuroraPostgresEvent(fields()));
    sameAsStringify(new AuroraPostgresEvent(fields({ class: 'MISC', command: 'CONNECT', commandText: null, objectType: null, objectName: null, statementId: 0, substatementId: 0, remoteHost: null, remotePort: null, clientApplication: null })));
    sameAsStringify(new AuroraPostgresEvent(fields({ command: 'AUTH FAILURE', exitCode: '28P01', errorMessage: 'password authentication failed for user "app"' })));
    sameAsStringify(new AuroraPostgresEvent(fields({ paramList: ['1', "it's", 'a "b"\n', '🙂 \ud800'], rowCount: 3 })));
  });

  it('escapes every string field that needs it', () => {
    const nasty = 'it\'s "q" \\ \n\t\r\u0001 café 日本 🙂 \ud800 end';
    for (const key of ['startTime', 'logTime', 'class', 'command', 'commandText', 'objectType', 'objectName', 'exitCode', 'errorMessage', 'databaseName', 'dbUserName', 'remoteHost', 'remotePort', 'sessionId', 'clientApplication', 'serverVersion', 'serverType', 'serviceName', 'serverHost', 'netProtocol', 'dbProtocol'] as const) {
      sameAsStringify(new AuroraPostgresEvent(fields({ [key]: nasty, pid: 77 })));
    }
    sameAsStringify(new AuroraPostgresEvent(fields({ statementId: Number.NaN, substatementId: Number.POSITIVE_INFINITY, rowCount: Number.NaN, pid: 78 })));
  });

  it('notices a session field that changed under the same pid', () => {
    const first = new AuroraPostgresEvent(fields({ pid: 9 }));
    sameAsStringify(first);
    for (const change of [{ dbUserName: 'rdsadmin' }, { sessionId: 'other' }, { databaseName: 'postgres' }, { clientApplication: null }, { remotePort: '1' }, { rowCount: 5 }, { serverVersion: '16' }]) {
      sameAsStringify(new AuroraPostgresEvent(fields({ pid: 9, ...change })));
      sameAsStringify(first);
    }
  });
});
