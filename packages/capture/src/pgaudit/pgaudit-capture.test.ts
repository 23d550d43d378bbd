import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PostgresActivityEvent } from '@das/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStream, eventually } from '../testing/index.js';
import { createPgauditCapture, type PgHousekeepingSession } from './pgaudit-capture.js';

/** A jsonlog line as PostgreSQL 15 writes it for a pgaudit session statement. */
function auditLine(pid: number, statementId: number, statement: string): string {
  return JSON.stringify({
    timestamp: '2026-12-06 14:35:42.214 UTC',
    user: 'app',
    dbname: 'lab',
    pid,
    remote_host: '127.0.0.1',
    remote_port: 50000 + pid,
    session_id: `6b1572be.${pid}`,
    error_severity: 'LOG',
    message: `AUDIT: SESSION,${statementId},1,WRITE,INSERT,TABLE,public.t,${statement},<not logged>`,
    backend_type: 'client backend',
    application_name: 'psql',
  });
}

/** The emulator's session, without a server: the marker line is written by the test itself. */
function fakeHousekeeping(onMarker: (text: string) => Promise<void>): () => Promise<PgHousekeepingSession> {
  return async () => ({
    serverVersion: '15.20 (Debian 15.20-0+deb12u1)',
    runMarker: async (text) => (await onMarker(text), true),
    close: async () => undefined,
  });
}

const inserts = (events: readonly unknown[]): string[] =>
  (events as PostgresActivityEvent[]).filter((e) => e.type === 'record' && e.command === 'INSERT').map((e) => e.commandText ?? '');

describe('pgaudit capture on a log directory', () => {
  let dir: string;
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('streams from the log end, follows a rotation, sends idle heartbeats, and resumes after a close with nothing lost or doubled', async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-pgaudit-capture-'));
    const logDir = join(dir, 'log');
    await mkdir(logDir);
    const first = join(logDir, 'postgresql-20261206-140000.json');
    // Written before the stream starts: not part of it.
    await writeFile(first, `${auditLine(1, 1, 'INSERT INTO t VALUES (0)')}\n`);
    const marker = async (text: string) =>
      appendFile(join(logDir, 'postgresql-20261206-150000.json'), `${JSON.stringify({ timestamp: '2026-12-06 15:00:00.000 UTC', user: 'rdsadmin', pid: 9, error_severity: 'LOG', message: `AUDIT: SESSION,1,1,READ,SELECT,,,SELECT '${text}',<none>`, backend_type: 'client backend' })}\n`);
    const options = { logDir, stateDir: join(dir, 'state'), housekeeping: fakeHousekeeping(marker), batch: { maxEvents: 5, maxDelayMs: 20 }, pollIntervalMs: 10 };
    const stream = createTestStream({ mode: 'sync' });

    let capture = createPgauditCapture({ ...options, heartbeatIntervalMs: 150 });
    await capture.start(stream);
    await appendFile(first, `${auditLine(1, 2, 'INSERT INTO t VALUES (1)')}\n${auditLine(1, 3, 'INSERT INTO t VALUES (2)')}\n`);
    // A rotation: the server starts a file with a later name and never writes the old one again.
    await writeFile(join(logDir, 'postgresql-20261206-143000.json'), `${auditLine(2, 1, 'INSERT INTO t VALUES (3)')}\n`);
    await eventually(() => (capture.stats().eventsAccepted >= 3 ? true : undefined), 'three events');
    await eventually(() => (capture.stats().heartbeats >= 1 ? true : undefined), 'a heartbeat while idle');
    await capture.close(); // the emulator going down with the stream started

    await appendFile(join(logDir, 'postgresql-20261206-143000.json'), `${auditLine(2, 2, 'INSERT INTO t VALUES (4)')}\n`);
    capture = createPgauditCapture({ ...options, heartbeatIntervalMs: 60_000 });
    await capture.start(stream);
    await appendFile(join(logDir, 'postgresql-20261206-143000.json'), `${auditLine(2, 3, 'INSERT INTO t VALUES (5)')}\n`);
    await eventually(() => (capture.stats().eventsAccepted >= 2 ? true : undefined), 'the events written while it was down and after');
    await capture.stop();

    const { events } = await stream.decryptAll();
    expect(inserts(events)).toEqual([1, 2, 3, 4, 5].map((n) => `INSERT INTO t VALUES (${n})`));
    const heartbeat = events.find((e) => e.type === 'heartbeat') as Record<string, unknown>;
    expect(heartbeat).toMatchObject({ serverType: 'PostgreSQL', serviceName: 'Amazon Aurora PostgreSQL-Compatible edition', serverVersion: '15.20' });
    const insert = (events as PostgresActivityEvent[]).find((e) => e.command === 'INSERT');
    expect(insert).toMatchObject({ class: 'WRITE', objectName: 'public.t', remotePort: '50001', clientApplication: 'psql', dbProtocol: 'Postgres 3.0' });
  });
});
