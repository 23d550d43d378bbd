import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server tests use (the machine's, 127.0.0.1:5432); `DAS_TEST_PG_URL` overrides it. */
export const TEST_PG_SERVER = process.env.DAS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database of the test's own on the test server; `drop` removes it (closing what still uses it). */
export async function createTestDatabase(prefix = 'das_test'): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_SERVER });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_PG_SERVER);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: TEST_PG_SERVER });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
