/** An error the CLI prints as one line: `das-tpcc: <message> (<code>)`. */
export class TpccError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TpccError';
  }
}

/** Thrown when an AbortSignal stops `prepare` or `run`. */
export class TpccAbortError extends TpccError {
  constructor() {
    super('TPCC_ABORTED', 'cancelled');
  }
}

interface MysqlLikeError {
  code?: string;
  errno?: number;
  message?: string;
  sqlMessage?: string;
}

/** MySQL errnos after which a transaction is simply retried. */
const RETRYABLE_ERRNOS = new Set([1213 /* ER_LOCK_DEADLOCK */, 1205 /* ER_LOCK_WAIT_TIMEOUT */]);
/** The same for PostgreSQL: deadlock, lock timeout, serialization failure. */
const RETRYABLE_SQLSTATES = new Set(['40P01', '55P03', '40001']);

/** Whether a failed transaction is simply tried again (a deadlock or lock wait, on either engine). */
export function isRetryable(err: unknown): boolean {
  const e = (err ?? {}) as { errno?: number; code?: string };
  return RETRYABLE_ERRNOS.has(e.errno ?? 0) || RETRYABLE_SQLSTATES.has(e.code ?? '');
}

/** Turns driver and network errors into a TpccError with a one-line, secret-free message. */
export function toTpccError(err: unknown, target: { host: string; port: number; database: string }): TpccError {
  if (err instanceof TpccError) return err;
  const e = (err ?? {}) as MysqlLikeError;
  const code = e.code ?? 'TPCC_ERROR';
  const where = `${target.host}:${target.port}`;
  switch (code) {
    case 'ECONNREFUSED':
      return new TpccError(code, `cannot connect to the database at ${where}: connection refused`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new TpccError(code, `cannot resolve host ${target.host}`);
    case 'ETIMEDOUT':
      return new TpccError(code, `cannot connect to the database at ${where}: timed out`);
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
    case '28P01': // PostgreSQL: password authentication failed
    case '28000':
      return new TpccError(code, `access denied at ${where}: ${firstLine(e.sqlMessage ?? e.message)}`);
    case 'ER_BAD_DB_ERROR':
    case '3D000': // PostgreSQL: database does not exist
      return new TpccError('TPCC_SCHEMA_MISSING', `database '${target.database}' does not exist; run 'das-tpcc prepare' first`);
    case 'ER_NO_SUCH_TABLE':
    case '42P01': // PostgreSQL: undefined table
      return new TpccError('TPCC_SCHEMA_MISSING', `TPC-C tables missing in '${target.database}'; run 'das-tpcc prepare' first`);
    default:
      return new TpccError(code, firstLine(e.sqlMessage ?? e.message ?? String(err)));
  }
}

function firstLine(s: string | undefined): string {
  return (s ?? 'unknown error').split('\n')[0]!.trim();
}
