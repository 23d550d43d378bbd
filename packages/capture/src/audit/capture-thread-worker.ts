// The capture thread's entry (see capture-thread.ts): runs an audit capture (the first from
// workerData, later ones on `start` messages: the thread is kept between stream runs), with KMS
// and Kinesis asked of the emulator's thread and its counters posted there a few times a second.
import { parentPort, workerData } from 'node:worker_threads';
import type { ActiveStream } from '../activity-source.js';
import { createAuditCapture, type AuditCapture } from './audit-capture.js';
import { createPgauditCapture } from '../pgaudit/pgaudit-capture.js';
import type { CaptureLog } from './capture-log.js';
import type { CaptureThreadInit, FromCaptureThread, ToCaptureThread } from './capture-thread-protocol.js';
import { errorSummary } from './record-pipeline.js';
import { lowerThreadPriority } from './thread-priority.js';

/** How often the counters go to the emulator's thread, whose `stats()` answers from the last. */
const STATS_INTERVAL_MS = 200;

const port = parentPort;
if (port === null) throw new Error('capture-thread-worker runs as a worker thread');
const post = (message: FromCaptureThread): void => port.postMessage(message);

type Answer = Extract<ToCaptureThread, { type: 'answer' }>;
const waiting = new Map<number, (answer: Answer) => void>();
let nextId = 1;

function ask(message: Extract<FromCaptureThread, { type: 'generate-data-key' | 'put-records' | 'pg-session' | 'pg-marker' }>['type'], body: Record<string, unknown>): Promise<Answer> {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    post({ type: message, id, ...body } as FromCaptureThread);
  });
}

function failure(answer: Answer): Error {
  if (answer.ok) return new Error('unexpected answer');
  const error = new Error(answer.error.message);
  error.name = answer.error.name;
  return error;
}

/** Log fields cross as plain data: errors become their name and message, anything else JSON. */
function plainFields(fields: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(fields, (_key, value: unknown) => (value instanceof Error ? errorSummary(value) : value))) as Record<string, unknown>;
}

const log: CaptureLog = {
  info: (fields, message) => post({ type: 'log', level: 'info', fields: plainFields(fields), message }),
  warn: (fields, message) => post({ type: 'log', level: 'warn', fields: plainFields(fields), message }),
  error: (fields, message) => post({ type: 'log', level: 'error', fields: plainFields(fields), message }),
};

/** The stream as this thread sees it: KMS and Kinesis are asked of the emulator's thread. */
function threadStream(fields: CaptureThreadInit['stream']): ActiveStream {
  return {
    ...fields,
    kms: {
      decrypt: () => Promise.reject(new Error('the capture thread never decrypts')),
      async generateDataKey(keyId, encryptionContext) {
        const answer = await ask('generate-data-key', { keyId, encryptionContext });
        if (!answer.ok || answer.dataKey === undefined) throw failure(answer);
        return answer.dataKey;
      },
    },
    async putRecords(records) {
      const answer = await ask('put-records', { records: records.map(({ data, partitionKey }) => ({ data, partitionKey })) });
      if (!answer.ok) throw failure(answer);
    },
  };
}

function createCapture(spec: CaptureThreadInit['capture']): AuditCapture {
  if (spec.kind === 'audit') return createAuditCapture({ ...spec.options, log, cpuClock: 'thread' });
  return createPgauditCapture({
    ...spec.options,
    log,
    cpuClock: 'thread',
    async housekeeping() {
      const opened = await ask('pg-session', { op: 'open' });
      if (!opened.ok) throw failure(opened);
      return {
        serverVersion: opened.serverVersion ?? '',
        runMarker: async (text) => {
          const marked = await ask('pg-marker', { text });
          return marked.ok && marked.marked === true;
        },
        close: async () => void (await ask('pg-session', { op: 'close' })),
      };
    },
  });
}

/** The run under way: one capture per stream start; the thread outlives it when the stream stops. */
let current: { capture: AuditCapture; ticker: NodeJS.Timeout } | null = null;

function startRun(run: CaptureThreadInit): void {
  const stream = threadStream(run.stream);
  // Async mode puts the database first (as Aurora's does): the capture runs when the CPU is not
  // needed elsewhere, and a backlog waits in the audit file. Sync mode keeps the normal priority
  // (the emulator reuses a thread only for a run of the same priority).
  const tid = stream.mode === 'async' ? lowerThreadPriority(run.nice) : null;
  const capture = createCapture(run.capture);
  const ticker = setInterval(() => post({ type: 'stats', stats: capture.stats() }), STATS_INTERVAL_MS);
  current = { capture, ticker };
  capture.start(stream).then(
    () => post({ type: 'started', tid }),
    (error: unknown) => {
      clearInterval(ticker);
      current = null;
      post({ type: 'start-failed', error: errorSummary(error) });
    },
  );
}

port.on('message', (message: ToCaptureThread) => {
  if (message.type === 'answer') {
    const resolve = waiting.get(message.id);
    waiting.delete(message.id);
    resolve?.(message);
    return;
  }
  if (message.type === 'start') {
    startRun(message.run);
    return;
  }
  const run = current;
  current = null;
  if (run === null) {
    post({ type: 'done', id: message.id, stats: null });
    return;
  }
  void (message.type === 'stop' ? run.capture.stop() : run.capture.close()).then(
    () => {
      clearInterval(run.ticker);
      post({ type: 'done', id: message.id, stats: run.capture.stats() });
    },
    (error: unknown) => {
      log.error({ code: 'CAPTURE_STOP_FAILED', err: errorSummary(error) }, 'stopping the capture thread failed');
      clearInterval(run.ticker);
      post({ type: 'done', id: message.id, stats: run.capture.stats() });
    },
  );
});

startRun(workerData as CaptureThreadInit);
