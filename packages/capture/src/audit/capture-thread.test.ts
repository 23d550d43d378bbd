import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptRecord, type MysqlActivityEvent } from '@das/core';
import { afterEach, describe, expect, it } from 'vitest';
import { formatAuditLine } from './audit-line.js';
import type { CaptureLog } from './capture-log.js';
import { createAuditCapture, type AuditCapture } from './audit-capture.js';
import { createThreadedAuditCapture } from './capture-thread.js';
import { createTestStream, eventually, records, type TestStream } from '../testing/index.js';

/** This package's directory, whose build a child process loads. */
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

const LINE = { timestamp: '20261206 17:00:00', serverHost: 'vm', username: 'app', host: '10.0.0.9', database: 'shop', retcode: 0 };

function statementLines(from: number, count: number, connections = 4): string {
  const lines: string[] = [];
  for (let i = from; i < from + count; i++) {
    const base = { ...LINE, connectionId: 70 + (i % connections), queryId: 1000 + i };
    lines.push(formatAuditLine({ ...base, operation: 'WRITE', object: 'orders', retcode: null }));
    lines.push(formatAuditLine({ ...base, operation: 'QUERY', object: `INSERT INTO orders VALUES (${i}, 'it''s\n${i}')`, retcode: 0 }));
  }
  return `${lines.join('\n')}\n`;
}

/** The nice value of a thread of this process (field 19 of its stat line). */
async function niceOf(tid: number): Promise<number> {
  const stat = await readFile(`/proc/${process.pid}/task/${tid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** Every event the stream holds, decrypted by the AWS Encryption SDK itself. */
async function decryptWithSdk(stream: TestStream): Promise<MysqlActivityEvent[]> {
  const out: MysqlActivityEvent[] = [];
  for (const data of stream.records) {
    const { payload } = await decryptRecord(data, { kms: stream.kms, resourceId: stream.resourceId, decryptEngine: 'sdk' });
    out.push(...records(payload.databaseActivityEventList as never));
  }
  return out;
}

describe('audit capture in a thread of its own', () => {
  let dir: string;
  let capture: AuditCapture | undefined;
  afterEach(async () => {
    await capture?.close();
    capture = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  interface Logged {
    code: string;
    fields: Record<string, unknown>;
  }

  async function setUp(): Promise<{ auditLogPath: string; stateDir: string; logged: Logged[]; log: CaptureLog }> {
    dir = await mkdtemp(join(tmpdir(), 'das-capture-thread-'));
    const auditLogPath = join(dir, 'server_audit.log');
    await writeFile(auditLogPath, '');
    const logged: Logged[] = [];
    const keep = (fields: Record<string, unknown>): void => void logged.push({ code: String(fields['code']), fields });
    return { auditLogPath, stateDir: join(dir, 'state'), logged, log: { info: keep, warn: keep, error: keep } };
  }

  for (const mode of ['async', 'sync'] as const) {
    it(`streams every statement once, in order, sealed in the thread (${mode}: ${mode === 'async' ? 'nice 19' : 'normal priority'})`, async () => {
      const { auditLogPath, stateDir, logged, log } = await setUp();
      capture = createThreadedAuditCapture(
        { connection: { socketPath: join(dir, 'no-server.sock'), user: 'nobody' }, auditLogPath, stateDir, batch: { maxEvents: 50, maxDelayMs: 20 }, log },
        { nice: 19 },
      );
      const stream = createTestStream({ mode });
      await capture.start(stream);
      const priority = logged.find((l) => l.code === 'CAPTURE_THREAD_PRIORITY');
      if (mode === 'async' && process.platform === 'linux') {
        expect(priority?.fields).toMatchObject({ nice: 19 });
        expect(await niceOf(Number(priority?.fields['tid']))).toBe(19);
        expect(await niceOf(process.pid)).toBe(0); // the emulator's own thread keeps its priority
      } else {
        expect(priority).toBeUndefined();
      }
      await appendFile(auditLogPath, statementLines(0, 300));
      await eventually(() => (capture?.stats().eventsAccepted === 600 ? true : undefined), '600 events');
      expect(capture.stats()).toMatchObject({ state: 'running', mode, stream: stream.streamName, linesRead: 600 });
      await capture.stop();
      const stats = capture.stats();
      expect(stats).toMatchObject({ state: 'idle', eventsAccepted: 600, eventsDropped: 0, bufferedEvents: 0, recordsPut: stream.records.length });
      expect(stats.cpuMicros).toBeGreaterThan(0);
      const events = await decryptWithSdk(stream);
      const queries = events.filter((e) => e.command === 'QUERY');
      expect(queries.map((e) => e.commandText)).toEqual(Array.from({ length: 300 }, (_, i) => `INSERT INTO orders VALUES (${i}, 'it''s\n${i}')`));
      expect(events.map((e) => e.command)).toEqual(Array.from({ length: 300 }, () => ['WRITE', 'QUERY']).flat());
    });
  }

  it('keeps its thread between runs of the same priority, and streams each run whole', async () => {
    const { auditLogPath, stateDir, logged, log } = await setUp();
    capture = createThreadedAuditCapture(
      { connection: { socketPath: join(dir, 'no-server.sock'), user: 'nobody' }, auditLogPath, stateDir, batch: { maxEvents: 50, maxDelayMs: 20 }, log },
      { nice: 19 },
    );
    const tids: unknown[] = [];
    for (const [run, from] of [[0, 0], [1, 100]] as const) {
      const stream = createTestStream({ mode: 'async', streamName: `aws-rds-das-run-${run}` });
      await capture.start(stream);
      tids.push(logged.filter((l) => l.code === 'CAPTURE_THREAD_PRIORITY').at(-1)?.fields['tid']);
      await appendFile(auditLogPath, statementLines(from, 100));
      await eventually(() => (capture?.stats().eventsAccepted === 200 ? true : undefined), `200 events of run ${run}`);
      await capture.stop();
      const queries = (await decryptWithSdk(stream)).filter((e) => e.command === 'QUERY');
      expect(queries.map((e) => e.commandText)).toEqual(Array.from({ length: 100 }, (_, i) => `INSERT INTO orders VALUES (${from + i}, 'it''s\n${from + i}')`));
    }
    if (process.platform === 'linux') expect(tids[1]).toBe(tids[0]);
  });

  it('holds the process for an awaited start or stop, not for a running or parked thread', async () => {
    const { auditLogPath, stateDir } = await setUp();
    // A process of its own that runs a capture, leaves its thread parked and starts another, with
    // nothing else to do: each awaited start and stop holds the process until the thread answers,
    // and the running thread does not keep it alive after its script ends.
    const script = join(dir, 'run-twice.mjs');
    await writeFile(
      script,
      `const { createThreadedAuditCapture } = await import(${JSON.stringify(pathToFileURL(join(packageDir, 'dist/index.js')).href)});
      const { createTestStream } = await import(${JSON.stringify(pathToFileURL(join(packageDir, 'dist/testing/index.js')).href)});
      const capture = createThreadedAuditCapture({ connection: { socketPath: ${JSON.stringify(join(dir, 'no-server.sock'))}, user: 'nobody' }, auditLogPath: ${JSON.stringify(auditLogPath)}, stateDir: ${JSON.stringify(stateDir)} }, { nice: 0 });
      await capture.start(createTestStream({ mode: 'sync', streamName: 'aws-rds-das-first' }));
      await capture.stop();
      await capture.start(createTestStream({ mode: 'sync', streamName: 'aws-rds-das-second' }));
      console.log('started twice');`,
    );
    const { NODE_OPTIONS: _testRunnerOptions, ...env } = process.env;
    const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(timer);
    expect(output).toContain('started twice');
    expect(code, `the process did not exit by itself:\n${output}`).toBe(0);
  });

  it('names a failed start and keeps no thread behind', async () => {
    const { auditLogPath, log } = await setUp();
    // A file where the state directory should be: the saved position cannot be read.
    capture = createThreadedAuditCapture({ connection: { socketPath: join(dir, 'no-server.sock'), user: 'nobody' }, auditLogPath, stateDir: auditLogPath, log }, { nice: 19 });
    await expect(capture.start(createTestStream())).rejects.toThrow();
    expect(capture.stats().state).toBe('idle');
  });
});

describe('async capture and a backlog in the file', () => {
  let dir: string;
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('holds a backlog larger than its buffer instead of dropping it, then puts all of it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-capture-backlog-'));
    const auditLogPath = join(dir, 'server_audit.log');
    await writeFile(auditLogPath, '');
    const warnings: string[] = [];
    const capture = createAuditCapture({
      connection: { socketPath: join(dir, 'no-server.sock'), user: 'nobody' },
      auditLogPath,
      stateDir: join(dir, 'state'),
      batch: { maxEvents: 100, maxDelayMs: 20 },
      maxBufferedEvents: 200,
      log: { info: () => {}, error: () => {}, warn: (fields) => void warnings.push(String(fields.code)) },
    });
    const stream = createTestStream({ mode: 'async' });
    let release = (): void => {};
    stream.gate = new Promise<void>((resolve) => (release = resolve));
    await capture.start(stream); // caught up with the (empty) live file
    // Written at once while puts are held: several full reads' worth, far more than the buffer.
    const statements = 3000;
    await appendFile(auditLogPath, statementLines(0, statements));
    await eventually(() => (capture.stats().backPressurePauses > 0 ? true : undefined), 'reading held back');
    expect(capture.stats().eventsDropped).toBe(0);
    stream.gate = null;
    release();
    await eventually(() => (capture.stats().eventsAccepted === 2 * statements ? true : undefined), 'the whole backlog');
    await capture.stop();
    expect(capture.stats()).toMatchObject({ eventsAccepted: 2 * statements, eventsDropped: 0 });
    expect(warnings).not.toContain('ACTIVITY_EVENTS_DROPPED');
    const texts = records((await stream.decryptAll()).events).filter((e) => e.command === 'QUERY').map((e) => e.commandText);
    expect(texts).toHaveLength(statements);
    expect(texts.at(-1)).toBe(`INSERT INTO orders VALUES (${statements - 1}, 'it''s\n${statements - 1}')`);
  });
});
