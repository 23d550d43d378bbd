// Messages between the emulator's thread and a capture thread (see capture-thread.ts).
import type { ActiveStream } from '../activity-source.js';
import type { AuditCaptureOptions, AuditCaptureStats } from './audit-capture.js';
import type { PgauditCaptureOptions } from '../pgaudit/pgaudit-capture.js';

/** The capture a thread runs: the MariaDB audit log's, or the PostgreSQL (pgaudit) log's. */
export type ThreadedCaptureSpec =
  | { kind: 'audit'; options: Omit<AuditCaptureOptions, 'log' | 'cpuClock'> }
  | { kind: 'pgaudit'; options: Omit<PgauditCaptureOptions, 'log' | 'cpuClock' | 'housekeeping'> };

/** What the thread gets at its start: the capture's options without the log (it posts lines instead). */
export interface CaptureThreadInit {
  capture: ThreadedCaptureSpec;
  /** The stream without its KMS and Kinesis, which stay in the emulator's thread. */
  stream: Omit<ActiveStream, 'kms' | 'putRecords'>;
  /** Nice value of the thread, 0 = the process's own priority. */
  nice: number;
}

export type ToCaptureThread =
  // A thread kept from an earlier run (of the same priority) starts the next one.
  | { type: 'start'; run: CaptureThreadInit }
  | { type: 'stop' | 'close'; id: number }
  | { type: 'answer'; id: number; ok: true; dataKey?: { plaintext: Uint8Array; ciphertextBlob: Uint8Array }; serverVersion?: string; marked?: boolean }
  | { type: 'answer'; id: number; ok: false; error: { name: string; message: string } };

export type FromCaptureThread =
  | { type: 'started'; tid: number | null }
  | { type: 'start-failed'; error: { name: string; message: string } }
  | { type: 'done'; id: number; stats: AuditCaptureStats | null }
  | { type: 'stats'; stats: AuditCaptureStats }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; fields: Record<string, unknown>; message: string }
  | { type: 'generate-data-key'; id: number; keyId: string; encryptionContext: Record<string, string> }
  | { type: 'put-records'; id: number; records: { data: Uint8Array; partitionKey: string }[] }
  // The pgaudit capture's database session (version, stop marker) stays in the emulator's thread.
  | { type: 'pg-session'; id: number; op: 'open' | 'close' }
  | { type: 'pg-marker'; id: number; text: string };
