export { createAuditCapture, CAPTURE_DEFAULTS, type AuditCapture, type AuditCaptureOptions, type AuditCaptureStats } from './audit-capture.js';
export type { CapturedActivityEvent, CapturedEvent, CapturedHeartbeat } from './activity-event.js';
export { parseAuditLine, formatAuditLine, type AuditLine } from './audit-line.js';
export type { CaptureLog } from './capture-log.js';
export type { MysqlConnectionOptions } from './housekeeping.js';
