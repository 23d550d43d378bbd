// @das/capture: the DAS producer. Turns database activity (MariaDB's audit log, or synthetic
// events) into encrypted DAS records on an activity stream, as Aurora does.
export type { ActiveStream, ActivitySource } from './activity-source.js';
export { createAuditCapture, CAPTURE_DEFAULTS, type AuditCapture, type AuditCaptureOptions, type AuditCaptureStats } from './audit/audit-capture.js';
export { RATE_WINDOW_MS, type CaptureCpuFigures } from './audit/capture-cpu.js';
export { createThreadedAuditCapture, createThreadedPgauditCapture, type CaptureThreadOptions } from './audit/capture-thread.js';
export { formatAuditLine, parseAuditLine, type AuditLine } from './audit/audit-line.js';
export { lineLog, silentLog, type CaptureLog } from './audit/capture-log.js';
export type { MysqlConnectionOptions } from './audit/housekeeping.js';
export type { CapturedEvent } from './audit/record-pipeline.js';
export type { RecordEncryptor } from './seal-record.js';
export { readJsonFile, SerialWriter, writeFileAtomic } from './state/atomic-file.js';
export { createSyntheticSource, type SyntheticSourceOptions } from './synthetic/synthetic-source.js';
export { parsePgauditMessage, type PgauditEntry } from './pgaudit/pgaudit-message.js';
export { jsonlogTimeToDas, parseJsonlogLine, PgEventMapper, type JsonlogEntry, type PgEventMapperContext } from './pgaudit/pg-event-mapper.js';
export { createPgauditCapture, type PgauditCaptureOptions, type PgHousekeepingSession } from './pgaudit/pgaudit-capture.js';
export { createJsonlogTail, type JsonlogPosition, type JsonlogTailOptions } from './pgaudit/jsonlog-tail.js';
