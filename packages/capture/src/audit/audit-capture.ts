import { randomBytes } from 'node:crypto';
import type { ActiveStream, ActivitySource } from '../activity-source.js';
import type { HeartbeatEvent } from '@das/core';
import { parseAuditLine, type AuditLine, type AuditLineProblem } from './audit-line.js';
import { createAuditTail, type AuditTail, type TailLine, type TailPosition } from './audit-tail.js';
import { createCaptureCpu, createThreadCaptureCpu, type CaptureCpu, type CaptureCpuFigures } from './capture-cpu.js';
import { silentLog } from './capture-log.js';
import { EventMapper } from './event-mapper.js';
import { createHousekeeping, type Housekeeping, type MysqlConnectionOptions } from './housekeeping.js';
import { createPositionStore, type CaptureCheckpoint } from './position-store.js';
import { createCheckpointSaver, type CheckpointSaver, type Numbered } from '../state/checkpoint-saver.js';
import { startIdleHeartbeat, type IdleHeartbeat } from '../idle-heartbeat.js';
import { CaptureLifecycle } from '../capture-lifecycle.js';
import { CAPTURE_DEFAULTS, pipelineTuning, type CaptureTuningOptions } from '../capture-tuning.js';
import { createRecordPipeline, type RecordPipeline, type RecordPipelineStats } from './record-pipeline.js';
import { formatDasTime } from '../das-time.js';
import { createStreamClock, nowMicros, type StreamClock } from './stream-clock.js';

export { CAPTURE_DEFAULTS } from '../capture-tuning.js';

export interface AuditCaptureOptions extends CaptureTuningOptions {
  /** How the capture's own session reaches the server (client ports, stop marker, version). */
  connection: MysqlConnectionOptions;
  /** The file `server_audit` writes (`server_audit_file_path`). */
  auditLogPath: string;
  /** Where the read position is kept (`<dataDir>/capture`). */
  stateDir: string;
  /** The events' `serverHost`; default: the stream's instance identifier. */
  instanceIdentifier?: string;
  /** The events' `serverVersion`; default `MariaDB <version>` as the server reports it. */
  serverVersion?: string;
}

/** The capture's counters and its own CPU time, for the emulator's `/_local/stats`. */
export interface AuditCaptureStats extends RecordPipelineStats, CaptureCpuFigures {
  state: 'idle' | 'running' | 'stopping';
  stream: string | null;
  mode: 'sync' | 'async' | null;
  linesRead: number;
  malformedLines: number;
  heartbeats: number;
  /** Sync mode: how often reading paused until Kinesis caught up. */
  backPressurePauses: number;
}

export interface AuditCapture extends ActivitySource {
  stats(): AuditCaptureStats;
}

interface Run {
  stream: ActiveStream;
  cpu: CaptureCpu;
  tail: AuditTail;
  pipeline: RecordPipeline;
  housekeeping: Housekeeping;
  saver: CheckpointSaver<CaptureCheckpoint>;
  heartbeat: IdleHeartbeat | null;
  /** Runs a marker statement and waits until the tail has read it: the log has caught up. */
  waitForMarker?: () => Promise<void>;
}

/**
 * The MariaDB audit capture: an {@link ActivitySource} that follows `server_audit`'s log file
 * and puts every event on the activity stream as Aurora does, encrypted DAS records in order.
 */
export function createAuditCapture(options: AuditCaptureOptions): AuditCapture {
  const log = options.log ?? silentLog;
  const store = createPositionStore(options.stateDir);
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? CAPTURE_DEFAULTS.heartbeatIntervalMs;
  const counters = { linesRead: 0, malformedLines: 0, heartbeats: 0, backPressurePauses: 0 };
  const lifecycle: CaptureLifecycle<Run, typeof counters> = new CaptureLifecycle<Run, typeof counters>({
    name: 'audit capture',
    log,
    counters,
    async drain(current, flushLog) {
      if (flushLog) {
        await current.waitForMarker?.();
        await current.tail.catchUp();
      }
      await current.tail.stop();
    },
    release: (current) => current.housekeeping.close(),
    clearPosition: () => store.clear(),
  });
  const reportedProblems = new Set<AuditLineProblem>();

  async function start(stream: ActiveStream): Promise<void> {
    lifecycle.assertIdle();
    const saved = await store.load();
    const resume = saved?.streamName === stream.streamName && saved.resourceId === stream.resourceId ? saved : undefined;
    if (resume === undefined && saved !== undefined) await store.clear();

    let mapper: EventMapper | null = null;
    const cpu = options.cpuClock === 'thread' ? createThreadCaptureCpu() : createCaptureCpu();
    const housekeeping = createHousekeeping(options.connection, log, (id) => mapper?.markOwnSession(id));
    const facts = await housekeeping.connect();
    const serverVersion = options.serverVersion ?? (facts === null ? 'MariaDB' : `MariaDB ${facts.version.split('-')[0]}`);
    const serverHost = options.instanceIdentifier ?? stream.instanceIdentifier;
    const clock: StreamClock = createStreamClock(facts?.utcOffsetSeconds ?? null, resume?.lastTimeUs ?? 0);
    const activeMapper = new EventMapper(
      {
        serverHost,
        serverVersion,
        includeEngineNativeAuditFields: stream.engineNativeAuditFieldsIncluded,
        remotePortOf: (id) => housekeeping.portOf(id),
      },
      resume?.mapper,
    );
    mapper = activeMapper;
    for (const id of housekeeping.ownConnectionIds) activeMapper.markOwnSession(id);

    let position: TailPosition | null = resume?.position ?? null;
    const saver = createCheckpointSaver<CaptureCheckpoint>((value) => store.save(value));
    const checkpoint = (): Numbered<CaptureCheckpoint> | null =>
      position === null
        ? null
        : saver.take({ version: 1, streamName: stream.streamName, resourceId: stream.resourceId, position, mapper: activeMapper.snapshot(), lastTimeUs: clock.last });
    const saveCheckpoint = (numbered: Numbered<CaptureCheckpoint>): Promise<void> => saver.save(numbered);
    const pipeline = createRecordPipeline<Numbered<CaptureCheckpoint>>({
      stream,
      ...pipelineTuning(options),
      checkpoint,
      saveCheckpoint,
      // A backlog read after a restart is held back, not dropped: the file keeps it meanwhile.
      dropWhenFull: () => stream.mode === 'async' && tail.caughtUp,
      log,
      cpu,
    });

    let marker: { text: string; seen: () => void } | null = null;

    // Runs inside the tail's CPU span until its first wait (a lookup, a full buffer).
    async function onLines(lines: TailLine[]): Promise<void> {
      const parsed: (AuditLine | null)[] = [];
      const lookups = new Set<number>();
      for (const { text } of lines) {
        counters.linesRead += 1;
        const result = parseAuditLine(text);
        if (!result.ok) {
          counters.malformedLines += 1;
          if (!reportedProblems.has(result.reason)) {
            reportedProblems.add(result.reason);
            log.warn({ code: 'AUDIT_LINE_MALFORMED', reason: result.reason }, 'skipping an audit line that is not an audit event');
          }
          parsed.push(null);
          continue;
        }
        const line = result.line;
        parsed.push(line);
        if (line.operation !== 'DISCONNECT' && line.operation !== 'FAILED_CONNECT' && housekeeping.needsLookup(line.connectionId)) {
          lookups.add(line.connectionId);
        }
      }
      if (lookups.size > 0) await housekeeping.lookUp([...lookups]);
      const readAtUs = nowMicros();
      for (let i = 0; i < lines.length; i++) {
        const line = parsed[i];
        if (line !== null && line !== undefined) {
          const events = activeMapper.push(line, clock.timeFor(line.timestamp, readAtUs));
          if (events.length > 0) {
            pipeline.append(events);
            current.heartbeat?.touch();
          }
          if (line.operation === 'DISCONNECT') housekeeping.forget(line.connectionId);
          if (marker !== null && line.operation === 'QUERY' && housekeeping.ownConnectionIds.has(line.connectionId) && line.object.includes(marker.text)) {
            marker.seen();
          }
        }
        position = (lines[i] as TailLine).position;
        pipeline.lineBoundary();
        if (!pipeline.hasRoom() && !(stream.mode === 'async' && tail.caughtUp)) {
          counters.backPressurePauses += 1;
          await pipeline.waitForRoom();
        }
      }
      cpu.sample(pipeline.stats.eventsAccepted); // the rates follow the load also when nobody asks
    }

    const tail = createAuditTail({
      path: options.auditLogPath,
      from: resume?.position ?? 'end',
      pollIntervalMs: options.pollIntervalMs ?? CAPTURE_DEFAULTS.pollIntervalMs,
      onLines,
      log,
      cpu,
    });
    const current: Run = { stream, cpu, tail, pipeline, housekeeping, saver, heartbeat: null };

    const beat = (): void => {
      if (!lifecycle.isRunning(current)) return;
      const heartbeat: HeartbeatEvent = {
        type: 'heartbeat',
        logTime: formatDasTime(clock.now()),
        serverHost,
        serverType: 'MySQL',
        serviceName: 'Amazon Aurora MySQL',
        serverVersion,
      };
      pipeline.append([heartbeat]);
      pipeline.lineBoundary();
      counters.heartbeats += 1;
    };

    current.waitForMarker = async () => {
      const text = `das-capture-flush-${randomBytes(6).toString('hex')}`;
      const seen = new Promise<void>((resolve) => (marker = { text, seen: resolve }));
      if (!(await housekeeping.runMarker(text))) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([seen, new Promise((resolve) => (timer = setTimeout(resolve, CAPTURE_DEFAULTS.stopMarkerTimeoutMs)))]);
      clearTimeout(timer);
      marker = null;
    };

    lifecycle.begin(current);
    try {
      await tail.start();
    } catch (error) {
      await tail.stop();
      await pipeline.close();
      await housekeeping.close();
      lifecycle.abandon();
      throw error;
    }
    if (resume === undefined && pipeline.stats.eventsAccepted === 0) {
      // Started from the log's end: remember it, so a crash before the first put resumes here.
      position = tail.position;
      const first = checkpoint();
      if (first !== null) await saveCheckpoint(first);
    }
    current.heartbeat = startIdleHeartbeat(heartbeatIntervalMs, beat);
    log.info({ code: 'CAPTURE_STARTED', stream: stream.streamName, mode: stream.mode, resumed: resume !== undefined }, 'audit capture started');
  }

  return {
    start,
    stop: () => lifecycle.stop(),
    close: () => lifecycle.close(),
    stats: () => lifecycle.stats(),
  };
}
