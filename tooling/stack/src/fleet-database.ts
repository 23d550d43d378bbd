import pg from 'pg';
import { StackStartError } from './stack-errors.js';

/** The local fleet's store when none is given: a database of its own on the machine's PostgreSQL. */
export const DEFAULT_FLEET_STORE_URL = 'postgres://postgres@127.0.0.1:5432/das_local';

export const hidePassword = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/**
 * Creates the fleet's database when the server has none of that name (the workers create their
 * schema in it), so that `npm start -- --fleet 3` needs nothing done by hand.
 */
export async function ensureFleetDatabase(storeUrl: string): Promise<void> {
  const url = new URL(storeUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new StackStartError(`--store-url: the database name '${name}' must be letters, digits and _ (for example ${DEFAULT_FLEET_STORE_URL})`);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new StackStartError(
      `the fleet's PostgreSQL at ${hidePassword(storeUrl)} does not answer (${(error as Error).message}): start PostgreSQL ` +
        '(Debian/Ubuntu: sudo apt-get install postgresql; macOS: brew install postgresql@15) or pass --store-url postgres://…',
    );
  }
  try {
    const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length === 0) await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    throw new StackStartError(`could not create the fleet's database ${name} at ${hidePassword(storeUrl)}: ${(error as Error).message}`);
  } finally {
    await admin.end();
  }
}
