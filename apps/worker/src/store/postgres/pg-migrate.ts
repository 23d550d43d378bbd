import type { Pool, PoolClient } from 'pg';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, SCHEMA, type Migration } from './pg-schema.js';

/** The store's schema is newer than this worker knows: running it could corrupt what a newer worker wrote. */
export class SchemaTooNewError extends Error {
  readonly code = 'STORE_SCHEMA_TOO_NEW';
  constructor(found: number) {
    super(
      `the PostgreSQL store's schema is at version ${found}, newer than this worker knows (${LATEST_SCHEMA_VERSION}): ` +
        'upgrade das-worker, or point DAS_STORE_URL at another database',
    );
    this.name = 'SchemaTooNewError';
  }
}

export interface MigrationOutcome {
  version: number;
  applied: number[];
  skipped: { version: number; reason: string }[];
}

// One lock for the whole fleet: workers starting together migrate one after the other.
const MIGRATION_LOCK = 'das.schema_migrations';

async function appliedVersions(client: PoolClient): Promise<Map<number, boolean>> {
  const { rows } = await client.query<{ version: number; skipped: boolean }>(`SELECT version, skipped FROM ${SCHEMA}.schema_migrations`);
  return new Map(rows.map((row) => [row.version, row.skipped]));
}

async function apply(client: PoolClient, migration: Migration): Promise<string | null> {
  await client.query('BEGIN');
  try {
    for (const statement of migration.statements) await client.query(statement);
    await client.query(`INSERT INTO ${SCHEMA}.schema_migrations (version, description, skipped) VALUES ($1, $2, false)`, [
      migration.version,
      migration.description,
    ]);
    await client.query('COMMIT');
    return null;
  } catch (error) {
    await client.query('ROLLBACK');
    if (migration.optional !== true) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    await client.query(`INSERT INTO ${SCHEMA}.schema_migrations (version, description, skipped, skip_reason) VALUES ($1, $2, true, $3)`, [
      migration.version,
      migration.description,
      reason,
    ]);
    return reason;
  }
}

/**
 * Brings the store's schema up to date under a session advisory lock, so that two workers
 * starting together do not race; a schema newer than this worker's is refused.
 */
export async function migrate(pool: Pool): Promise<MigrationOutcome> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_migrations (
          version integer PRIMARY KEY, description text NOT NULL, skipped boolean NOT NULL,
          skip_reason text, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = await appliedVersions(client);
      const newest = Math.max(0, ...done.keys());
      if (newest > LATEST_SCHEMA_VERSION) throw new SchemaTooNewError(newest);
      const outcome: MigrationOutcome = { version: newest, applied: [], skipped: [] };
      for (const migration of MIGRATIONS) {
        if (done.has(migration.version)) continue;
        const skipped = await apply(client, migration);
        if (skipped === null) outcome.applied.push(migration.version);
        else outcome.skipped.push({ version: migration.version, reason: skipped });
        outcome.version = migration.version;
      }
      return outcome;
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
