import type { ActiveStream } from './activity-source.js';
import { createCaptureCpu, type CaptureCpu, type CaptureCpuFigures } from './audit/capture-cpu.js';
import type { CaptureLog } from './audit/capture-log.js';
import { emptyPipelineStats, type RecordPipeline, type RecordPipelineStats } from './audit/record-pipeline.js';
import type { IdleHeartbeat } from './idle-heartbeat.js';

/** What every log-following capture's run has: its stream, meter, pipeline, saves and heartbeat. */
export interface CaptureRun {
  stream: ActiveStream;
  cpu: CaptureCpu;
  pipeline: RecordPipeline;
  /** Its checkpoint saves (see state/checkpoint-saver.ts). */
  saver: { settled(): Promise<void> };
  heartbeat: IdleHeartbeat | null;
}

export type CaptureState = 'idle' | 'running' | 'stopping';

/** The counters and figures a capture shows in `/_local/stats`, over its last or current run. */
export type CaptureRunStats<Counters> = { state: CaptureState; stream: string | null; mode: 'sync' | 'async' | null } & Counters &
  RecordPipelineStats &
  CaptureCpuFigures;

export interface CaptureLifecycleOptions<R extends CaptureRun, Counters> {
  /** `audit capture`, `pgaudit capture`: the log lines' subject. */
  name: string;
  log: CaptureLog;
  counters: Counters;
  /**
   * Reads what the log still holds (only when `flushLog`: a stop; a close leaves it for the next
   * start) and ends the reading, before the pipeline flushes.
   */
  drain(run: R, flushLog: boolean): Promise<void>;
  /** Ends what outlives the flush (the emulator's database session). */
  release(run: R): Promise<void>;
  /** Forgets the saved position: a stopped stream starts again at the log's end. */
  clearPosition(): Promise<void>;
}

/**
 * The life cycle the MariaDB and PostgreSQL captures share: one run at a time; `stop` flushes the
 * log and forgets the position, `close` (the emulator going down) keeps it to resume; counters
 * and the meter of the last run stay readable after it ended.
 */
export class CaptureLifecycle<R extends CaptureRun, Counters extends object> {
  state: CaptureState = 'idle';
  run: R | null = null;
  #lastPipeline: RecordPipelineStats = emptyPipelineStats();
  #lastCpu: CaptureCpu = createCaptureCpu();
  readonly #options: CaptureLifecycleOptions<R, Counters>;

  constructor(options: CaptureLifecycleOptions<R, Counters>) {
    this.#options = options;
  }

  /** Refuses a second run while one is active. */
  assertIdle(): void {
    if (this.run !== null) throw new Error(`${this.#options.name} already runs for ${this.run.stream.streamName}`);
  }

  begin(run: R): void {
    this.run = run;
    this.state = 'running';
  }

  /** A start that failed half-way: nothing runs. */
  abandon(): void {
    this.run = null;
    this.state = 'idle';
  }

  /** True while `run` is the active run (timers of an ended run check this). */
  isRunning(run: R): boolean {
    return this.run === run && this.state === 'running';
  }

  async stop(): Promise<void> {
    const current = this.run;
    if (current === null) return;
    await this.#finish(current, true);
    await current.saver.settled();
    await this.#options.clearPosition();
    this.#options.log.info({ code: 'CAPTURE_STOPPED', stream: current.stream.streamName }, `${this.#options.name} stopped, buffer flushed`);
  }

  async close(): Promise<void> {
    const current = this.run;
    if (current === null) return;
    await this.#finish(current, false);
    await current.saver.settled();
  }

  stats(): CaptureRunStats<Counters> {
    const run = this.run;
    const pipeline = run === null ? this.#lastPipeline : { ...run.pipeline.stats };
    return {
      state: this.state,
      stream: run?.stream.streamName ?? null,
      mode: run?.stream.mode ?? null,
      ...this.#options.counters,
      ...pipeline,
      ...(run?.cpu ?? this.#lastCpu).snapshot(pipeline.eventsAccepted),
    };
  }

  async #finish(current: R, flushLog: boolean): Promise<void> {
    this.state = 'stopping';
    current.heartbeat?.stop();
    current.pipeline.beginClose(); // a stream that cannot take records must not hang the stop
    await this.#options.drain(current, flushLog);
    await current.pipeline.close();
    await this.#options.release(current);
    this.#lastPipeline = { ...current.pipeline.stats };
    this.#lastCpu = current.cpu;
    this.run = null;
    this.state = 'idle';
  }
}
