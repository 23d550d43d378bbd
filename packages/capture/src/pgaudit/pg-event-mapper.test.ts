import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseEvents, validatePayload } from '@das/core';
import { buildPayload } from '@das/core/fixtures';
import { jsonlogTimeToDas, MAX_STATEMENT_CHARS, parseJsonlogLine, PgEventMapper, redactPasswords } from './pg-event-mapper.js';

// Captured from PostgreSQL 15.20 with pgaudit (Debian's postgresql-15-pgaudit), log_destination =
// jsonlog, log_connections and log_disconnections on, pgaudit.log = 'all': a psql session that
// creates, fills and reads a table, prepares and executes a statement, fails one, creates and
// calls a function and grants; then a login with a wrong password.
const LINES = readFileSync(new URL('./fixtures/pg15-pgaudit-jsonlog.jsonl', import.meta.url), 'utf8').split('\n').filter((l) => l !== '');

function mapAll(ownPids: number[] = []) {
  const mapper = new PgEventMapper({ serverHost: 'auroralab-pg-instance', serverVersion: '15.20', isOwnSession: (pid) => ownPids.includes(pid) });
  return LINES.map((line) => parseJsonlogLine(line)).flatMap((entry) => {
    const event = entry === null ? null : mapper.map(entry);
    return event === null ? [] : [event];
  });
}

describe('PgEventMapper on a real server log', () => {
  it('turns each statement, the failed one, the connection and the failed login into one DAS PostgreSQL event', () => {
    const events = mapAll();
    expect(events.map((e) => [e.class, e.command, e.objectName ?? null, e.statementId, e.substatementId])).toEqual([
      ['MISC', 'CONNECT', null, 0, 0],
      ['DDL', 'CREATE EXTENSION', null, 1, 1],
      ['DDL', 'CREATE TABLE', 'public.acct', 2, 1],
      ['DDL', 'CREATE INDEX', 'public.acct_pkey', 2, 1],
      ['WRITE', 'INSERT', 'public.acct', 3, 1],
      ['READ', 'SELECT', 'public.acct', 4, 1],
      ['READ', 'PREPARE', null, 5, 1],
      ['READ', 'SELECT', 'public.acct', 6, 1],
      ['MISC', 'EXECUTE', null, 6, 2],
      ['READ', 'SELECT', null, 7, 1],
      ['DDL', 'CREATE FUNCTION', 'public.f()', 7, 1],
      ['READ', 'SELECT', null, 8, 1],
      ['ROLE', 'GRANT', null, 9, 1],
      ['MISC', 'DISCONNECT', null, 0, 0],
      ['MISC', 'AUTH FAILURE', null, 0, 0],
    ]);
    const insert = events.find((e) => e.command === 'INSERT');
    expect(insert?.commandText).toBe("INSERT INTO acct VALUES (1, 'it''s 4111'), (2, E'multi\\nline')");
    const failed = events.find((e) => e.exitCode === '42703');
    expect(failed).toMatchObject({ command: 'SELECT', commandText: 'SELECT nosuch FROM acct', errorMessage: 'column "nosuch" does not exist' });
    expect(events.find((e) => e.command === 'AUTH FAILURE')).toMatchObject({ exitCode: '28P01', dbUserName: 'master', errorMessage: 'password authentication failed for user "master"' });
    expect(events.find((e) => e.command === 'EXECUTE' || e.paramList?.length)?.paramList).toEqual(['2']);
    const connect = events[0];
    expect(connect).toMatchObject({ dbUserName: 'master', databaseName: 'postgres', remoteHost: '127.0.0.1', clientApplication: 'psql', logTime: '2026-12-06 14:35:42.337000+00' });
    expect(typeof connect?.remotePort).toBe('string');
  });

  it('writes events that @das/core validates and normalises as PostgreSQL', () => {
    const events = mapAll();
    const payload = buildPayload(events);
    expect(validatePayload(payload).ok).toBe(true);
    const normalised = normaliseEvents(payload);
    expect(normalised.every((e) => e.engine === 'postgres')).toBe(true);
    expect(normalised.filter((e) => e.failed).map((e) => e.command)).toEqual(['SELECT', 'AUTH FAILURE']);
  });

  it('attributes the emulator\'s own sessions to rdsadmin', () => {
    const pid = parseJsonlogLine(LINES.find((l) => l.includes('CREATE TABLE')) as string)?.pid as number;
    expect(mapAll([pid]).filter((e) => e.pid === pid).every((e) => e.dbUserName === 'rdsadmin')).toBe(true);
  });

  it('reads jsonlog times to the microsecond form and refuses what is not a log line', () => {
    expect(jsonlogTimeToDas('2026-12-06 14:35:42.214 UTC')).toBe('2026-12-06 14:35:42.214000+00');
    expect(jsonlogTimeToDas('2026-12-06 14:35:42 UTC')).toBe('2026-12-06 14:35:42.000000+00');
    expect(jsonlogTimeToDas('yesterday')).toBeNull();
    expect(parseJsonlogLine('{"timestamp":')).toBeNull();
    expect(parseJsonlogLine('[1,2]')).toBeNull();
  });

  it('redacts passwords as Aurora does, in every quoting, and leaves other literals alone', () => {
    expect(redactPasswords("CREATE ROLE app LOGIN PASSWORD 's3cr''et'")).toBe("CREATE ROLE app LOGIN PASSWORD '*****'");
    expect(redactPasswords("ALTER USER app WITH ENCRYPTED password E'a\\'b' VALID UNTIL '2030-01-01'")).toBe("ALTER USER app WITH ENCRYPTED password '*****' VALID UNTIL '2030-01-01'");
    expect(redactPasswords('CREATE ROLE app PASSWORD $pw$x$y$pw$ LOGIN')).toBe("CREATE ROLE app PASSWORD '*****' LOGIN");
    expect(redactPasswords("CREATE ROLE app PASSWORD 'ends with \\'")).toBe("CREATE ROLE app PASSWORD '*****'");
    expect(redactPasswords("SELECT 'PASSWORD' FROM t WHERE note = 'x'")).toBe("SELECT 'PASSWORD' FROM t WHERE note = 'x'");
  });

  it('keeps multi-line statements whole and cuts a huge one (and its parameters) so a record fits Kinesis', () => {
    const mapper = new PgEventMapper({ serverHost: 'h', serverVersion: '15.20', isOwnSession: () => false });
    const base = { timestamp: '2026-12-06 14:35:42.214 UTC', pid: 7, backend_type: 'client backend', user: 'app', dbname: 'lab', error_severity: 'LOG' };
    const multiLine = mapper.map({ ...base, message: 'AUDIT: SESSION,1,1,READ,SELECT,,,"SELECT 1,\n  ""two""\nFROM t",<none>'.replaceAll('\\n', '\n') });
    expect(multiLine?.commandText).toBe('SELECT 1,\n  "two"\nFROM t');
    const huge = 'SELECT ' + "'x', ".repeat(60_000) + '1';
    const event = mapper.map({ ...base, message: `AUDIT: SESSION,2,1,READ,SELECT,,,"${huge.replaceAll('"', '""')}",${'y'.repeat(20_000)}` });
    expect(event?.commandText).toHaveLength(MAX_STATEMENT_CHARS);
    expect(event?.commandText?.endsWith('…')).toBe(true);
    expect(event?.paramList).toEqual(['y'.repeat(9_999) + '…']);
    expect(JSON.stringify(event).length).toBeLessThan(300_000);
  });
});
