/**
 * The logging the capture and the private MariaDB need: pino's `(object, message)` shape, so the
 * emulator passes its pino logger (or a child) as is. Objects never carry SQL text or secrets.
 */
export interface CaptureLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** A log that drops everything (tests, benchmarks). */
export const silentLog: CaptureLog = { info: () => {}, warn: () => {}, error: () => {} };
