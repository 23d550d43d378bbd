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

/** Adapts the emulator's line logger: `code message {fields}` on one line (fields carry no SQL or secrets). */
export function lineLog(write: (line: string) => void, prefix = 'capture'): CaptureLog {
  const format = (level: string, fields: Record<string, unknown>, message: string): string => {
    const { code, ...rest } = fields;
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    return `${prefix}: ${level === 'info' ? '' : `${level}: `}${message}${code === undefined ? '' : ` [${String(code)}]`}${extra}`;
  };
  return {
    info: (fields, message) => write(format('info', fields, message)),
    warn: (fields, message) => write(format('warn', fields, message)),
    error: (fields, message) => write(format('error', fields, message)),
  };
}
