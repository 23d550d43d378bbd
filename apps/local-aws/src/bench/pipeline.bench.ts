// The capture's CPU per event without a database: a TPC-C-like audit file (one table line and one
// statement line per statement, 8 sessions) read, mapped, sealed and put into memory, in the
// emulator's thread (`inline`) and in the capture's own thread. `node --cpu-prof
// dist/bench/local-aws.bench.js pipeline` writes a profile per thread: where the µs per event go.
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditCapture, createThreadedAuditCapture, formatAuditLine, silentLog, type AuditCapture, type AuditCaptureOptions } from '@das/capture';
import { createTestStream } from '@das/capture/testing';
import type { BenchContext, BenchSection } from './bench-kit.js';

const STATEMENTS = 100_000;

function auditFile(): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < STATEMENTS; i++) {
    const base = { timestamp: '20261206 17:00:00', serverHost: 'bench', username: 'tpcc', host: '127.0.0.1', connectionId: 100 + (i % 8), queryId: 1_000_000 + i, database: 'bench_tpcc' };
    lines.push(formatAuditLine({ ...base, operation: 'READ', object: 'stock', retcode: null }));
    lines.push(formatAuditLine({ ...base, operation: 'QUERY', object: `SELECT s_quantity, s_data, s_dist_0${i % 10} FROM stock WHERE s_i_id = ${(i * 7) % 100_000} AND s_w_id = 1 FOR UPDATE`, retcode: 0 }));
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** Appends `file` to `path` as fast as the file system takes it, in 1 MB writes. */
async function appendAtOnce(path: string, file: Buffer): Promise<void> {
  for (let at = 0; at < file.length; at += 1 << 20) await appendFile(path, file.subarray(at, at + (1 << 20)));
}

/** Appends `file` to `path` over `seconds`, whole lines every 10 ms, as a server would write them. */
async function appendPaced(path: string, file: Buffer, seconds: number): Promise<void> {
  const started = performance.now();
  let at = 0;
  while (at < file.length) {
    const due = Math.min(file.length, Math.ceil((file.length * (performance.now() - started)) / (seconds * 1000)));
    const end = due >= file.length ? file.length : file.lastIndexOf(0x0a, due) + 1;
    if (end > at) await appendFile(path, file.subarray(at, end));
    at = Math.max(at, end);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Captures `file` (complete audit lines) into a stream that keeps nothing; prints its figures.
 * At once (a backlog, sync mode: nothing dropped whatever the machine's load), or paced over
 * `paceSeconds` in async mode, as a live server's log is read.
 */
export async function capturePipeline(
  context: BenchContext,
  label: string,
  make: (options: AuditCaptureOptions) => AuditCapture,
  file: Buffer,
  paceSeconds?: number,
): Promise<void> {
  let lines = 0;
  for (let at = file.indexOf(0x0a); at >= 0; at = file.indexOf(0x0a, at + 1)) lines += 1;
  const dir = await mkdtemp(join(tmpdir(), 'das-pipeline-bench-'));
  try {
    const auditLogPath = join(dir, 'server_audit.log');
    await writeFile(auditLogPath, '');
    // No server: client ports stay unknown, as for a database the capture cannot reach.
    const capture = make({ connection: { socketPath: join(dir, 'none.sock'), user: 'bench' }, auditLogPath, stateDir: join(dir, 'state'), log: silentLog });
    const stream = createTestStream({ mode: paceSeconds === undefined ? 'sync' : 'async' });
    stream.putRecords = async () => {};
    await capture.start(stream);
    const cpu = process.cpuUsage();
    const started = performance.now();
    await (paceSeconds === undefined ? appendAtOnce(auditLogPath, file) : appendPaced(auditLogPath, file, paceSeconds));
    while (capture.stats().linesRead < lines || capture.stats().bufferedEvents > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const spent = process.cpuUsage(cpu);
    const seconds = (performance.now() - started) / 1000;
    await capture.stop();
    const stats = capture.stats();
    context.report(`${label}: events/s`, stats.eventsAccepted / seconds, 'events/s', `${stats.eventsAccepted.toLocaleString('en-US')} events, ${stats.recordsPut} records, ${stats.eventsDropped} dropped`);
    context.report(`${label}: capture CPU per event (its own meter)`, stats.cpuMicrosPerEvent, 'µs');
    context.report(`${label}: process CPU per event`, (spent.user + spent.system) / stats.eventsAccepted, 'µs');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const pipelineSection: BenchSection = {
  name: 'pipeline (audit file → sealed records, no database: the capture CPU per event)',
  async run(context) {
    const file = auditFile();
    await capturePipeline(context, 'inline', createAuditCapture, file);
    await capturePipeline(context, 'own thread', (options) => createThreadedAuditCapture(options, { nice: 0 }), file);
  },
};
