import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { startBuiltThread } from '@das/core';
import type { ActiveStream } from '../activity-source.js';
import type { AuditCapture, AuditCaptureOptions, AuditCaptureStats } from './audit-capture.js';
import { silentLog } from './capture-log.js';
import type { CaptureThreadInit, FromCaptureThread, ThreadedCaptureSpec, ToCaptureThread } from './capture-thread-protocol.js';
import type { PgauditCaptureOptions, PgHousekeepingSession } from '../pgaudit/pgaudit-capture.js';
import { emptyPipelineStats, errorSummary } from './record-pipeline.js';

export interface CaptureThreadOptions {
  /**
   * Nice value of the capture's thread in async mode: 0 keeps the process's priority, 19 (the
   * default of das-local) lets the database and its clients run first. Sync mode keeps 0.
   */
  nice: number;
}

/**
 * Room for the thread's young generation (V8 sizes it within this, about a third per semi-space).
 * Under TPC-C a fifth of what the capture allocates lived through two collections with the
 * default, so it was copied twice and promoted, and the old space grew onto fresh pages until a
 * full collection freed them. Measured for issue 19 on a VM where a page fault costs ~10 µs:
 * 218–257 → 88–160 page faults per 1,000 events, 9.0–12.1 → 7.4–10.9 µs of capture CPU per event
 * (four runs each). The cost: up to ~64 MB more memory while the capture is busy.
 */
const CAPTURE_YOUNG_GENERATION_MB = 96;

/** The built thread script: the thread runs plain JS from dist/, also when this module runs from src/ under vitest. */
function captureThreadScriptUrl(): URL {
  if (import.meta.url.endsWith('.ts')) return new URL('../../dist/audit/capture-thread-worker.js', import.meta.url);
  return new URL('./capture-thread-worker.js', import.meta.url);
}

function idleStats(): AuditCaptureStats {
  return {
    state: 'idle',
    stream: null,
    mode: null,
    linesRead: 0,
    malformedLines: 0,
    heartbeats: 0,
    backPressurePauses: 0,
    ...emptyPipelineStats(),
    cpuMicros: 0,
    cpuMicrosPerEvent: 0,
    eventsPerSecond: 0,
    cpuPercent: 0,
  };
}

interface Run {
  worker: Worker;
  stream: ActiveStream;
  finishing: Promise<void> | null;
  /** Resolves with the final counters once the thread stopped its capture. */
  done: Map<number, (stats: AuditCaptureStats | null) => void>;
  /** The pgaudit capture's database session, opened here at the thread's request. */
  session: PgHousekeepingSession | null;
  /** The thread's nice value for this run (0 in sync mode). */
  nice: number;
}

/**
 * {@link createAuditCapture} in a worker thread of its own: the tail, parsing, mapping and
 * sealing run there, at a lower OS priority in async mode, so the capture takes only the CPU the
 * database and its clients leave (Aurora's async mode: database first, the stream catches up).
 * KMS GenerateDataKey and Kinesis PutRecords stay in this thread (the emulator's in-process
 * ports); `stats()` answers from counters the thread posts a few times a second.
 */
export function createThreadedAuditCapture(options: AuditCaptureOptions, thread: CaptureThreadOptions): AuditCapture {
  const { log, cpuClock: _cpuClock, ...plainOptions } = options;
  return createThreadedCapture({ kind: 'audit', options: plainOptions }, log, undefined, thread);
}

/** {@link createPgauditCapture} in a thread of its own, as {@link createThreadedAuditCapture}; its session stays here. */
export function createThreadedPgauditCapture(options: PgauditCaptureOptions, thread: CaptureThreadOptions): AuditCapture {
  const { log, cpuClock: _cpuClock, housekeeping, ...plainOptions } = options;
  return createThreadedCapture({ kind: 'pgaudit', options: plainOptions }, log, housekeeping, thread);
}

function createThreadedCapture(
  spec: ThreadedCaptureSpec,
  captureLog: AuditCaptureOptions['log'],
  housekeeping: PgauditCaptureOptions['housekeeping'] | undefined,
  thread: CaptureThreadOptions,
): AuditCapture {
  const log = captureLog ?? silentLog;
  let run: Run | null = null;
  /**
   * The thread of the last run that stopped, kept for the next start at the same priority: a new
   * thread loads and compiles the capture's modules again (~1 s of CPU, its compiling on V8's
   * threads at normal priority), each time a stream starts. A thread at nice 19 cannot go back to 0.
   */
  let parked: { worker: Worker; nice: number } | null = null;
  let state: AuditCaptureStats['state'] = 'idle';
  let last = idleStats();
  let nextId = 1;

  function answer(worker: Worker, message: ToCaptureThread): void {
    try {
      worker.postMessage(message);
    } catch {
      // The thread is gone; its run is being wound up.
    }
  }

  function onMessage(current: Run, message: FromCaptureThread): void {
    switch (message.type) {
      case 'stats':
        last = message.stats;
        return;
      case 'log':
        log[message.level](message.fields, message.message);
        return;
      case 'generate-data-key':
        current.stream.kms.generateDataKey(message.keyId, message.encryptionContext).then(
          (dataKey) => answer(current.worker, { type: 'answer', id: message.id, ok: true, dataKey: { plaintext: dataKey.plaintext, ciphertextBlob: dataKey.ciphertextBlob } }),
          (error: unknown) => answer(current.worker, { type: 'answer', id: message.id, ok: false, error: errorSummary(error) }),
        );
        return;
      case 'put-records':
        current.stream.putRecords(message.records).then(
          () => answer(current.worker, { type: 'answer', id: message.id, ok: true }),
          (error: unknown) => answer(current.worker, { type: 'answer', id: message.id, ok: false, error: errorSummary(error) }),
        );
        return;
      case 'pg-session':
        void (async () => {
          if (message.op === 'open') {
            if (housekeeping === undefined) throw new Error('this capture has no database session');
            current.session = await housekeeping();
            return { serverVersion: current.session.serverVersion };
          }
          await current.session?.close();
          current.session = null;
          return {};
        })().then(
          (fields) => answer(current.worker, { type: 'answer', id: message.id, ok: true, ...fields }),
          (error: unknown) => answer(current.worker, { type: 'answer', id: message.id, ok: false, error: errorSummary(error) }),
        );
        return;
      case 'pg-marker':
        void (current.session?.runMarker(message.text) ?? Promise.resolve(false)).then(
          (marked) => answer(current.worker, { type: 'answer', id: message.id, ok: true, marked }),
          (error: unknown) => answer(current.worker, { type: 'answer', id: message.id, ok: false, error: errorSummary(error) }),
        );
        return;
      case 'done': {
        if (message.stats !== null) last = message.stats;
        const resolve = current.done.get(message.id);
        current.done.delete(message.id);
        resolve?.(message.stats);
        return;
      }
      default:
        return; // started / start-failed: handled by start()
    }
  }

  async function finish(current: Run, how: 'stop' | 'close'): Promise<void> {
    state = 'stopping';
    const id = nextId++;
    const done = new Promise<AuditCaptureStats | null>((resolve) => current.done.set(id, resolve));
    answer(current.worker, { type: how, id });
    current.worker.ref(); // until the thread has stopped its capture
    const stats = await done;
    current.worker.unref();
    run = null; // before terminating: its exit is no failure
    state = 'idle';
    if (how === 'stop' && stats !== null) parked = { worker: current.worker, nice: current.nice };
    else await current.worker.terminate();
    await current.session?.close().catch(() => undefined); // a thread that ended without closing it
  }

  return {
    async start(stream) {
      if (run !== null) throw new Error(`audit capture already runs for ${run.stream.streamName}`);
      const script = captureThreadScriptUrl();
      if (!existsSync(fileURLToPath(script))) {
        throw new Error(`capture thread script ${fileURLToPath(script)} is missing: build @das/capture first (npm run build -w @das/capture)`);
      }
      // The fields by name: a stream object may carry more than ActiveStream (functions do not clone).
      const plainStream: CaptureThreadInit['stream'] = {
        clusterIdentifier: stream.clusterIdentifier,
        resourceId: stream.resourceId,
        instanceResourceId: stream.instanceResourceId,
        instanceIdentifier: stream.instanceIdentifier,
        streamName: stream.streamName,
        kmsKeyArn: stream.kmsKeyArn,
        mode: stream.mode,
        engineNativeAuditFieldsIncluded: stream.engineNativeAuditFieldsIncluded,
      };
      const init: CaptureThreadInit = { capture: spec, stream: plainStream, nice: thread.nice };
      const nice = stream.mode === 'async' ? thread.nice : 0;
      const kept = parked;
      parked = null;
      let worker: Worker;
      if (kept !== null && kept.nice === nice) {
        worker = kept.worker;
        // The last run's listeners go; this run's come below.
        worker.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit');
        worker.postMessage({ type: 'start', run: init } satisfies ToCaptureThread);
      } else {
        if (kept !== null) await kept.worker.terminate();
        worker = startBuiltThread(script, { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: CAPTURE_YOUNG_GENERATION_MB } });
      }
      const current: Run = { worker, stream, finishing: null, done: new Map(), session: null, nice };
      last = { ...idleStats(), stream: stream.streamName, mode: stream.mode };
      const started = new Promise<void>((resolve, reject) => {
        worker.on('message', (message: FromCaptureThread) => {
          if (message.type === 'started') {
            if (message.tid !== null) log.info({ code: 'CAPTURE_THREAD_PRIORITY', tid: message.tid, nice: thread.nice }, 'capture thread runs at a lower priority (async mode)');
            resolve();
          } else if (message.type === 'start-failed') {
            const error = new Error(message.error.message);
            error.name = message.error.name;
            reject(error);
          } else onMessage(current, message);
        });
        const gone = (error: Error): void => {
          reject(error);
          if (parked?.worker === worker) parked = null;
          if (run === current) {
            log.error({ code: 'CAPTURE_THREAD_FAILED', err: errorSummary(error) }, 'the capture thread ended unexpectedly');
            for (const resolveDone of current.done.values()) resolveDone(null);
            current.done.clear();
            run = null;
            state = 'idle';
          }
        };
        worker.on('error', gone);
        worker.on('exit', (code) => gone(new Error(`capture thread exited (code ${code})`)));
      });
      // A start being awaited keeps the process alive until the thread answers; a running or
      // parked thread does not (like the in-thread capture's timers). Set after the listeners:
      // adding a 'message' listener refs the thread again.
      worker.ref();
      run = current;
      state = 'running';
      try {
        await started;
        worker.unref();
      } catch (error) {
        run = null;
        state = 'idle';
        await worker.terminate();
        await current.session?.close().catch(() => undefined); // opened before the start failed
        throw error;
      }
    },
    async stop() {
      const current = run;
      if (current === null) return;
      current.finishing ??= finish(current, 'stop');
      await current.finishing;
    },
    async close() {
      const current = run;
      if (current === null) {
        const kept = parked;
        parked = null;
        await kept?.worker.terminate();
        return;
      }
      current.finishing ??= finish(current, 'close');
      await current.finishing;
    },
    stats() {
      return { ...last, state, stream: run?.stream.streamName ?? null, mode: run?.stream.mode ?? null };
    },
  };
}
