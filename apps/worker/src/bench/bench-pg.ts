// A PostgreSQL database of the bench's own on the machine's server (DAS_BENCH_PG_URL overrides).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const SERVER = process.env.DAS_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function benchDatabase(label: string): Promise<{ url: string; analyze(): Promise<void>; drop(): Promise<void> }> {
  const name = `das_bench_${label}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async analyze() {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      await client.query('ANALYZE');
      await client.end();
    },
    async drop() {
      const client = new pg.Client({ connectionString: SERVER });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
