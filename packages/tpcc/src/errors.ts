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

/** Codes of errors after which a transaction is simply retried. */
export const RETRYABLE_ERRNOS = new Set([1213 /* ER_LOCK_DEADLOCK */, 1205 /* ER_LOCK_WAIT_TIMEOUT */]);

/** Turns driver and network errors into a TpccError with a one-line, secret-free message. */
export function toTpccError(err: unknown, target: { host: string; port: number; database: string }): TpccError {
  if (err instanceof TpccError) return err;
  const e = (err ?? {}) as MysqlLikeError;
  const code = e.code ?? 'TPCC_ERROR';
  const where = `${target.host}:${target.port}`;
  switch (code) {
    case 'ECONNREFUSED':
      return new TpccError(code, `cannot connect to MySQL at ${where}: connection refused`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new TpccError(code, `cannot resolve host ${target.host}`);
    case 'ETIMEDOUT':
      return new TpccError(code, `cannot connect to MySQL at ${where}: timed out`);
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
      return new TpccError(code, `access denied at ${where}: ${firstLine(e.sqlMessage ?? e.message)}`);
    case 'ER_BAD_DB_ERROR':
      return new TpccError('TPCC_SCHEMA_MISSING', `database '${target.database}' does not exist; run 'das-tpcc prepare' first`);
    case 'ER_NO_SUCH_TABLE':
      return new TpccError('TPCC_SCHEMA_MISSING', `TPC-C tables missing in '${target.database}'; run 'das-tpcc prepare' first`);
    default:
      return new TpccError(code, firstLine(e.sqlMessage ?? e.message ?? String(err)));
  }
}

function firstLine(s: string | undefined): string {
  return (s ?? 'unknown error').split('\n')[0]!.trim();
}
