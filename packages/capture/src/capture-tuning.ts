import type { CaptureLog } from './audit/capture-log.js';
import type { RecordPipelineOptions } from './audit/record-pipeline.js';
import type { RecordEncryptor } from './seal-record.js';

/** Defaults, chosen to resemble Aurora (see audit/README.md, "Timing"). */
export const CAPTURE_DEFAULTS = {
  /** AWS does not publish the interval; one a minute marks an idle stream as alive at negligible cost. */
  heartbeatIntervalMs: 60_000,
  maxEvents: 500,
  maxDelayMs: 1000,
  maxBufferedEvents: 20_000,
  pollIntervalMs: 100,
  dataKeyMaxAgeMs: 5 * 60_000,
  dataKeyMaxRecords: 10_000,
  /** How long `stop` waits for its marker statement to show up in the audit log. */
  stopMarkerTimeoutMs: 2000,
} as const;

/** What the MariaDB and PostgreSQL captures both take: batching, buffer, data keys, sealing, polling, metering. */
export interface CaptureTuningOptions {
  heartbeatIntervalMs?: number;
  batch?: { maxEvents?: number; maxDelayMs?: number };
  /** Events read but not yet on Kinesis before async drops / sync stops reading. */
  maxBufferedEvents?: number;
  dataKey?: { maxAgeMs?: number; maxRecords?: number };
  /** Seals records with node:crypto (`fast`, default) or the AWS Encryption SDK (`sdk`). */
  encryptor?: RecordEncryptor;
  pollIntervalMs?: number;
  log?: CaptureLog;
  /**
   * How the capture's own CPU is metered: spans around its work (default; it shares a thread
   * with the emulator), or the clock of its own thread (`thread`, see audit/capture-thread.ts).
   */
  cpuClock?: 'spans' | 'thread';
}

/** The record pipeline's batching, buffer, sealing and data-key settings, defaults filled in. */
export function pipelineTuning(
  options: CaptureTuningOptions,
): Pick<RecordPipelineOptions<unknown>, 'maxEvents' | 'maxDelayMs' | 'maxBufferedEvents' | 'encryptor' | 'dataKey'> {
  return {
    maxEvents: options.batch?.maxEvents ?? CAPTURE_DEFAULTS.maxEvents,
    maxDelayMs: options.batch?.maxDelayMs ?? CAPTURE_DEFAULTS.maxDelayMs,
    maxBufferedEvents: options.maxBufferedEvents ?? CAPTURE_DEFAULTS.maxBufferedEvents,
    ...(options.encryptor === undefined ? {} : { encryptor: options.encryptor }),
    dataKey: {
      maxAgeMs: options.dataKey?.maxAgeMs ?? CAPTURE_DEFAULTS.dataKeyMaxAgeMs,
      maxRecords: options.dataKey?.maxRecords ?? CAPTURE_DEFAULTS.dataKeyMaxRecords,
    },
  };
}
