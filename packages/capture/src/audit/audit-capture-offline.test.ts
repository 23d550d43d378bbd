import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatAuditLine } from './audit-line.js';
import { createAuditCapture } from './audit-capture.js';
import { createTestStream, eventually, records } from '../testing/index.js';

describe('audit capture without a reachable database', () => {
  let dir: string;
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('still streams what the log says, with client ports unknown, and says why once', async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-capture-offline-'));
    const auditLogPath = join(dir, 'server_audit.log');
    await writeFile(auditLogPath, '');
    const codes: string[] = [];
    const capture = createAuditCapture({
      // A socket nobody listens on: the database is unreachable for the whole test.
      connection: { socketPath: join(dir, 'no-server.sock'), user: 'nobody' },
      auditLogPath,
      stateDir: join(dir, 'state'),
      batch: { maxEvents: 10, maxDelayMs: 20 },
      log: { info: () => {}, error: () => {}, warn: (fields) => void codes.push(String(fields.code)) },
    });
    const stream = createTestStream();
    await capture.start(stream);
    const line = { timestamp: '20261125 02:23:25', serverHost: 'vm', username: 'app', host: '10.0.0.9', database: 'db', retcode: 0 };
    await appendFile(
      auditLogPath,
      [
        formatAuditLine({ ...line, connectionId: 41, queryId: 0, operation: 'CONNECT', object: '' }),
        formatAuditLine({ ...line, connectionId: 41, queryId: 7, operation: 'QUERY', object: "SELECT 'offline'" }),
        formatAuditLine({ ...line, connectionId: 42, queryId: 8, operation: 'QUERY', object: 'SELECT 2' }),
        '',
      ].join('\n'),
    );
    await eventually(() => (capture.stats().eventsAccepted >= 3 ? true : undefined), 'three events');
    await capture.stop();
    const events = records((await stream.decryptAll()).events);
    expect(events.map((e) => [e.command, e.commandText, e.remoteHost, e.remotePort, e.serverVersion])).toEqual([
      ['CONNECT', '', '10.0.0.9', '', 'MariaDB'],
      ['QUERY', "SELECT 'offline'", '10.0.0.9', '', 'MariaDB'],
      ['QUERY', 'SELECT 2', '10.0.0.9', '', 'MariaDB'],
    ]);
    expect(codes.filter((c) => c === 'CAPTURE_DB_UNREACHABLE')).toHaveLength(1);
  });
});
