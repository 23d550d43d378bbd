import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { silentLog, type CaptureLog } from '@das/capture';
import { freePort, SUPERVISOR_SCRIPT } from '../mariadb/private-mariadb.js';
import { locatePostgres, type PostgresBinaries } from './postgres-binaries.js';

const run = promisify(execFile);

export interface PrivatePostgresOptions {
  /** Its home: `<dataDir>/postgres` (or, when the emulator runs as root, a directory the `postgres` user owns; see below). */
  dir: string;
  /** The master user's password; without one, connections from 127.0.0.1 are trusted (as the private MariaDB's empty root). */
  masterPassword?: string;
  log?: CaptureLog;
  /** TCP port on 127.0.0.1; default: a free one (kept for later starts). */
  port?: number;
  binaries?: PostgresBinaries;
  startTimeoutMs?: number;
}

/** A running private PostgreSQL whose server log (jsonlog, with pgaudit) is the activity source. */
export interface PrivatePostgres {
  host: string;
  port: number;
  /** The master user (Aurora PostgreSQL's default: `postgres`). */
  user: string;
  password: string | undefined;
  /** Where the server writes its jsonlog files (rotated by size). */
  logDir: string;
  /** Data and logs: the given directory, or (as root) the `postgres` user's one under /var/tmp. */
  home: string;
  /** The emulator's own role (Aurora's `rdsadmin`) and its password, for housekeeping sessions. */
  housekeeping: { user: string; password: string };
  version: string;
  stop(): Promise<void>;
}

/** PostgreSQL exited or did not accept connections in time; the message carries the end of its output. */
export class PostgresStartError extends Error {
  readonly code = 'POSTGRES_START_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'PostgresStartError';
  }
}

interface Setup {
  initialised: true;
  port: number;
  /** Where data and logs are (differs from `dir` when run for root by the `postgres` user). */
  home: string;
  housekeepingPassword: string;
}

/** PostgreSQL refuses to run as root: as root the server runs as this system user. */
const SERVER_USER = 'postgres';
const MASTER_USER = 'postgres';
const HOUSEKEEPING_USER = 'rdsadmin';

/** The uid and gid of the server's user when the emulator runs as root, else undefined (run as ourselves). */
async function serverIdentity(): Promise<{ uid: number; gid: number } | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  try {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', SERVER_USER]), run('id', ['-g', SERVER_USER])]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  } catch {
    throw new PostgresStartError(`PostgreSQL does not run as root and there is no '${SERVER_USER}' user to run it as (Debian's postgresql package creates one)`);
  }
}

/**
 * The server settings (`postgres -c …`): loopback only, pgaudit on every statement class, the
 * connection log, and jsonlog files the capture tails (rotated at 64 MB, the name carrying the time).
 */
export function serverSettings(p: { port: number; socketDir: string; logDir: string; pgaudit: string }): string[] {
  const settings: Record<string, string> = {
    port: String(p.port),
    listen_addresses: '127.0.0.1',
    unix_socket_directories: p.socketDir,
    shared_preload_libraries: 'pgaudit',
    logging_collector: 'on',
    log_destination: 'jsonlog',
    log_directory: p.logDir,
    log_filename: 'postgresql-%Y%m%d-%H%M%S.log',
    log_rotation_size: '64MB',
    log_rotation_age: '0',
    log_file_mode: '0600',
    log_connections: 'on',
    log_disconnections: 'on',
    'pgaudit.log': 'all',
    'pgaudit.log_catalog': 'off',
    'pgaudit.log_parameter': 'on',
    // One line per relation a statement touches, with its name: DAS records carry the object.
    'pgaudit.log_relation': 'on',
  };
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

async function readSetup(path: string): Promise<Setup | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Setup;
    return parsed.initialised === true ? parsed : undefined;
  } catch {
    return undefined;
  }
}

async function ownedDirectory(path: string, identity: { uid: number; gid: number } | undefined): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  if (identity !== undefined) await chown(path, identity.uid, identity.gid);
}

/** Runs `work` on a short session in another database of the same server. */
async function withDatabase<T>(connection: pg.ClientConfig, database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...connection, database, application_name: 'das-local' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function waitForConnections(connect: () => Promise<pg.Client>, child: ChildProcess, output: () => string, timeoutMs: number): Promise<pg.Client> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new PostgresStartError(`PostgreSQL exited with ${child.exitCode}: ${output().slice(-2000)}`);
    try {
      return await connect();
    } catch (error) {
      if (Date.now() > deadline) throw new PostgresStartError(`PostgreSQL did not accept connections within ${timeoutMs} ms (${String(error)}): ${output().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Starts (initialising on first use) a PostgreSQL server of the emulator's own with pgaudit,
 * never touching the machine's own server. As root, PostgreSQL refuses to start, so the server
 * runs as the `postgres` user in a directory of its own under /var/tmp (the emulator's data
 * directory is private to root); its location is kept in `<dir>/setup.json`.
 */
export async function startPrivatePostgres(options: PrivatePostgresOptions): Promise<PrivatePostgres> {
  const log = options.log ?? silentLog;
  const binaries = options.binaries ?? (await locatePostgres());
  const identity = await serverIdentity();
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const setupPath = join(options.dir, 'setup.json');
  let setup = await readSetup(setupPath);
  const home =
    setup?.home ?? (identity === undefined ? options.dir : join('/var/tmp', `das-postgres-${createHash('sha256').update(options.dir).digest('hex').slice(0, 12)}`));
  const dataDir = join(home, 'data');
  const logDir = join(home, 'log');
  const socketDir = join(home, 'run');
  for (const dir of [home, logDir, socketDir]) await ownedDirectory(dir, identity);
  const spawnAs = identity === undefined ? {} : { uid: identity.uid, gid: identity.gid };

  if (setup === undefined || !(await stat(join(dataDir, 'PG_VERSION')).catch(() => null))) {
    await rm(dataDir, { recursive: true, force: true });
    const pwfile = join(home, 'initdb.pw');
    await writeFile(pwfile, `${options.masterPassword ?? randomBytes(18).toString('base64url')}\n`, { mode: 0o600 });
    if (identity !== undefined) await chown(pwfile, identity.uid, identity.gid);
    try {
      await run(binaries.initdb, ['-D', dataDir, '-U', MASTER_USER, `--pwfile=${pwfile}`, '--auth-local=peer', '--auth-host=scram-sha-256', '--encoding=UTF8', '--no-instructions'], {
        ...spawnAs,
        // The server's user may not be allowed into the emulator's working directory.
        cwd: home,
        env: { ...process.env, LC_ALL: 'C.UTF-8' },
      });
    } catch (error) {
      throw new PostgresStartError(`initdb failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
    } finally {
      await rm(pwfile, { force: true });
    }
    // Without a master password the master user is trusted from 127.0.0.1 (as the private MariaDB's empty root).
    if (options.masterPassword === undefined) {
      const hba = join(dataDir, 'pg_hba.conf');
      await writeFile(hba, `local all all peer\nhost all ${MASTER_USER} 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n`, { mode: 0o600 });
      if (identity !== undefined) await chown(hba, identity.uid, identity.gid);
    }
    setup = { initialised: true, port: options.port ?? (await freePort()), home, housekeepingPassword: randomBytes(18).toString('base64url') };
  }
  const port = options.port ?? setup.port;
  let output = '';
  // The supervisor shell ends the server when this process goes (its stdin pipe closes).
  const child = spawn('/bin/sh', ['-c', SUPERVISOR_SCRIPT, 'das-postgres', binaries.postgres, '-D', dataDir, ...serverSettings({ port, socketDir, logDir, pgaudit: binaries.pgaudit })], {
    ...spawnAs,
    cwd: home,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C.UTF-8' },
  });
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-10_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-10_000)));
  const masterConnection = () => ({ host: '127.0.0.1', port, user: MASTER_USER, password: options.masterPassword, database: 'postgres' });
  const admin = await waitForConnections(
    async () => {
      const client = new pg.Client({ ...masterConnection(), application_name: 'das-local' });
      await client.connect();
      return client;
    },
    child,
    () => output,
    options.startTimeoutMs ?? 60_000,
  ).catch((error: unknown) => {
    child.stdin?.end();
    throw error;
  });
  let version: string;
  try {
    // The emulator's own role: its sessions are attributed to rdsadmin, as Aurora's own.
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [HOUSEKEEPING_USER]);
    const password = setup.housekeepingPassword.replaceAll("'", "''");
    await admin.query(`${exists.rows.length === 0 ? 'CREATE' : 'ALTER'} ROLE ${HOUSEKEEPING_USER} WITH LOGIN SUPERUSER PASSWORD '${password}'`);
    version = String((await admin.query('SHOW server_version')).rows[0]?.server_version ?? '');
    // pgaudit names the objects of DDL through its event triggers, which the extension installs:
    // in `postgres` and in template1, so databases created later have it too.
    await admin.query('CREATE EXTENSION IF NOT EXISTS pgaudit');
    await withDatabase(masterConnection(), 'template1', (client) => client.query('CREATE EXTENSION IF NOT EXISTS pgaudit'));
  } finally {
    await admin.end();
  }
  await writeFile(setupPath, JSON.stringify({ ...setup, port }), { mode: 0o600 });
  log.info({ port, home, version }, 'private PostgreSQL with pgaudit started');

  let stopped: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    user: MASTER_USER,
    password: options.masterPassword,
    logDir,
    home,
    housekeeping: { user: HOUSEKEEPING_USER, password: setup.housekeepingPassword },
    version,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        // The postmaster's pid is the first line of postmaster.pid; SIGINT is a fast shutdown.
        const pid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
        if (pid > 0) process.kill(pid, 'SIGINT');
        else child.stdin?.end();
        await exited;
      })();
      return stopped;
    },
  };
}
