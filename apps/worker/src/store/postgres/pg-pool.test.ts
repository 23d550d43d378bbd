import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/pg-database.js';
import { createStorePool } from './pg-pool.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('createStorePool', () => {
  it('survives the server ending a checked-out session idle in a transaction (a worker paused mid-append): the next query fails, the process goes on', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const pool = createStorePool({ url: db.url, max: 2, idleInTransactionTimeoutMs: 300 });
    cleanups.push(() => pool.end());
    const client = await pool.connect();
    const pid = (client as unknown as { processID: number }).processID;
    await client.query('BEGIN');
    // Idle in the transaction past the timeout: the server ends the session, and the client emits
    // `error` outside any query. Unheard, that event ends the process (and fails this test run).
    const admin = await pool.connect();
    for (let waited = 0; ; waited += 50) {
      const { rows } = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
      if (rows.length === 0) break;
      if (waited > 10_000) throw new Error('the server did not end the idle transaction');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    admin.release();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(client.query('SELECT 1')).rejects.toThrow();
    client.release(true);
    // The pool serves a new connection.
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
  });
});
