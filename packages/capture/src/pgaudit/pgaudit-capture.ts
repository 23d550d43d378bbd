import { randomBytes } from 'node:crypto';
import type { HeartbeatEvent } from '@das/core';
import type { ActiveStream } from '../activity-source.js';
import type { AuditCapture } from '../audit/audit-capture.js';
import { createCaptureCpu, createThreadCaptureCpu, type CaptureCpu } from '../audit/capture-cpu.js';
import { silentLog } from '../audit/capture-log.js';
import { createPositionStore } from '../audit/position-store.js';
import { createRecordPipeline, type RecordPipeline } from '../audit/record-pipeline.js';
import { formatDasTime } from '../das-time.js';
import { nowMicros } from '../audit/stream-clock.js';
import { startIdleHeartbeat, type IdleHeartbeat } from '../idle-heartbeat.js';
import { CaptureLifecycle } from '../capture-lifecycle.js';
import { CAPTURE_DEFAULTS, pipelineTuning, type CaptureTuningOptions } from '../capture-tuning.js';
import { createCheckpointSaver, type CheckpointSaver, type Numbered } from '../state/checkpoint-saver.js';
import { createJsonlogTail, type JsonlogPosition } from './jsonlog-tail.js';
import { parseJsonlogLine, PG_SERVICE_NAME, PgEventMapper, type PgEventMapperSnapshot } from './pg-event-mapper.js';

/** The emulator's own session on the server (Aurora's `rdsadmin`): the version, and the stop marker. */
export interface PgHousekeepingSession {
  /** `SHOW server_version`, e.g. `15.20 (Debian 15.20-0+deb12u1)`. */
  serverVersion: string;
  /** Runs a statement carrying `text` (pgaudit logs it); false when the server cannot be reached. */
  runMarker(text: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface PgauditCaptureOptions extends CaptureTuningOptions {
  /** The server's `log_directory` (jsonlog files, pgaudit on). */
  logDir: string;
  /** Where the read position is kept. */
  stateDir: string;
  /** Opens the emulator's own session when a stream starts. */
  housekeeping: () => Promise<PgHousekeepingSession>;
  /** The events' `serverHost`; default: the stream's instance identifier. */
  instanceIdentifier?: string;
}

/** What is saved once a record is on the stream: the log position and the mapper's memory at that line. */
interface PgCheckpoint {
  version: 1;
  streamName: string;
  resourceId: string;
  position: JsonlogPosition;
  mapper: PgEventMapperSnapshot;
}

interface Run {
  stream: ActiveStream;
  cpu: CaptureCpu;
  pipeline: RecordPipeline;
  saver: CheckpointSaver<PgCheckpoint>;
  session: PgHousekeepingSession;
  heartbeat: IdleHeartbeat | null;
  /** Resolves when the read loop has ended. */
  loop: Promise<void>;
  stopping: boolean;
  /** Ends the read loop; with `readRest`, reads to the log's end once more. */
  drain(readRest: boolean): Promise<void>;
  marker: { text: string; seen: () => void } | null;
}

/** The server version as Aurora PostgreSQL reports it (`15.20`), without the distribution's suffix. */
function shortVersion(version: string): string {
  return version.split(' ')[0] ?? version;
}

/**
 * The Aurora PostgreSQL producer: follows the private PostgreSQL's jsonlog (pgaudit session
 * lines, connection and authentication lines), maps them to DAS PostgreSQL events and hands them
 * to the same record pipeline as the MariaDB capture (sealing, data keys, puts, checkpoints).
 */
export function createPgauditCapture(options: PgauditCaptureOptions): AuditCapture {
  const log = options.log ?? silentLog;
  const store = createPositionStore<PgCheckpoint>(options.stateDir, 'pgaudit-position.json');
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? CAPTURE_DEFAULTS.heartbeatIntervalMs;
  const pollIntervalMs = options.pollIntervalMs ?? CAPTURE_DEFAULTS.pollIntervalMs;
  const counters = { linesRead: 0, malformedLines: 0, heartbeats: 0, backPressurePauses: 0 };
  const lifecycle: CaptureLifecycle<Run, typeof counters> = new CaptureLifecycle<Run, typeof counters>({
    name: 'pgaudit capture',
    log,
    counters,
    async drain(current, flushLog) {
      if (flushLog) await waitForMarker(current);
      await current.drain(flushLog);
    },
    release: (current) => current.session.close().catch(() => undefined),
    clearPosition: () => store.clear(),
  });

  async function start(stream: ActiveStream): Promise<void> {
    lifecycle.assertIdle();
    const saved = await store.load();
    const resume = saved?.streamName === stream.streamName && saved.resourceId === stream.resourceId ? saved : undefined;
    if (resume === undefined && saved !== undefined) await store.clear();

    const session = await options.housekeeping();
    const serverVersion = shortVersion(session.serverVersion);
    const serverHost = options.instanceIdentifier ?? stream.instanceIdentifier;
    const mapper = new PgEventMapper({ serverHost, serverVersion, isOwnSession: () => false }, resume?.mapper);
    const tail = createJsonlogTail({ dir: options.logDir, from: resume?.position ?? 'end' });
    const cpu = options.cpuClock === 'thread' ? createThreadCaptureCpu() : createCaptureCpu();
    let position: JsonlogPosition | null = resume?.position ?? null;
    let caughtUp = false;
    const saver = createCheckpointSaver<PgCheckpoint>((value) => store.save(value));
    const pipeline = createRecordPipeline<Numbered<PgCheckpoint>>({
      stream,
      ...pipelineTuning(options),
      checkpoint: () =>
        position === null ? null : saver.take({ version: 1, streamName: stream.streamName, resourceId: stream.resourceId, position, mapper: mapper.snapshot() }),
      saveCheckpoint: (numbered) => saver.save(numbered),
      // A backlog read after a restart is held back, not dropped: the log keeps it meanwhile.
      dropWhenFull: () => stream.mode === 'async' && caughtUp,
      log,
      cpu,
    });

    let wake: (() => void) | null = null;
    const sleep = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });

    /** Reads and maps what the log gained; false when there was nothing new. */
    async function readOnce(current: Run): Promise<boolean> {
      const read = await tail.read();
      if (read.position !== null && position === null) position = read.position;
      caughtUp = read.atEnd;
      if (read.lines.length === 0) return false;
      let started = cpu.begin();
      for (let i = 0; i < read.lines.length; i++) {
        counters.linesRead += 1;
        const entry = parseJsonlogLine(read.lines[i] as string);
        if (entry === null) {
          counters.malformedLines += 1;
        } else {
          const event = mapper.map(entry);
          if (event !== null) {
            pipeline.append([event]);
            current.heartbeat?.touch();
          }
          const marker = current.marker;
          if (marker !== null && entry.user === 'rdsadmin' && entry.message?.includes(marker.text) === true) marker.seen();
        }
        position = read.positions[i] as JsonlogPosition;
        pipeline.lineBoundary();
        if (!pipeline.hasRoom() && !(stream.mode === 'async' && caughtUp)) {
          counters.backPressurePauses += 1;
          cpu.end(started);
          await pipeline.waitForRoom();
          started = cpu.begin();
        }
      }
      cpu.end(started);
      cpu.sample(pipeline.stats.eventsAccepted);
      return true;
    }

    const current: Run = {
      stream,
      cpu,
      pipeline,
      saver,
      session,
      heartbeat: null,
      loop: Promise.resolve(),
      stopping: false,
      marker: null,
      async drain(readRest) {
        current.stopping = true;
        wake?.();
        await current.loop;
        if (readRest) while (await readOnce(current));
      },
    };

    // The first read fixes the start position (the log's end, or the saved one).
    await readOnce(current);
    if (resume === undefined && position !== null) await saver.save(saver.take({ version: 1, streamName: stream.streamName, resourceId: stream.resourceId, position, mapper: mapper.snapshot() }));
    current.loop = (async () => {
      while (!current.stopping) {
        try {
          const more = await readOnce(current);
          if (!more && !current.stopping) await sleep(pollIntervalMs);
        } catch (error) {
          log.error({ code: 'PGAUDIT_READ_FAILED', reason: (error as Error).message }, 'reading the PostgreSQL log failed; retrying');
          if (!current.stopping) await sleep(1000);
        }
      }
    })();
    current.heartbeat = startIdleHeartbeat(heartbeatIntervalMs, () => {
      if (!lifecycle.isRunning(current)) return;
      const heartbeat: HeartbeatEvent = {
        type: 'heartbeat',
        logTime: formatDasTime(nowMicros()),
        serverHost,
        serverType: 'PostgreSQL',
        serviceName: PG_SERVICE_NAME,
        serverVersion,
      };
      pipeline.append([heartbeat]);
      pipeline.lineBoundary();
      counters.heartbeats += 1;
    });
    lifecycle.begin(current);
    log.info({ code: 'CAPTURE_STARTED', stream: stream.streamName, mode: stream.mode, resumed: resume !== undefined }, 'pgaudit capture started');
  }

  /** Until the marker statement shows up in the log (or 2 s): everything before it was logged. */
  async function waitForMarker(current: Run): Promise<void> {
    const text = `das-capture-flush-${randomBytes(6).toString('hex')}`;
    const seen = new Promise<void>((resolve) => (current.marker = { text, seen: resolve }));
    if (!(await current.session.runMarker(text))) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([seen, new Promise((resolve) => (timer = setTimeout(resolve, CAPTURE_DEFAULTS.stopMarkerTimeoutMs)))]);
    clearTimeout(timer);
    current.marker = null;
  }

  return {
    start,
    stop: () => lifecycle.stop(),
    close: () => lifecycle.close(),
    stats: () => lifecycle.stats(),
  };
}
