import pg from 'pg';

export interface StorePoolOptions {
  url: string;
  max: number;
  /** Ends a session left idle inside a transaction for this long (ms), releasing its row locks. */
  idleInTransactionTimeoutMs: number;
}

/**
 * The store's connection pool. The server ends a session left idle in a transaction past its
 * timeout, as it does for a worker paused mid-append (SIGSTOP, a frozen VM): the client, still
 * checked out, then emits `error` outside any query, and an error event nobody hears ends the
 * process. Every client is heard instead (idle ones by the pool); a checked-out one's next query
 * fails, and the transaction that holds it gives the connection up.
 */
export function createStorePool(options: StorePoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    application_name: 'das-worker',
    options: `-c idle_in_transaction_session_timeout=${Math.trunc(options.idleInTransactionTimeoutMs)}`,
  });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
