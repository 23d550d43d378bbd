import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { silentLog, writeFileAtomic, type CaptureLog, type MysqlConnectionOptions } from '@das/capture';
import { locateMariadb, type BinarySearch } from './mariadb-binaries.js';
import { clearStaleServer, isAlive, waitForExit } from './stale-server.js';

const run = promisify(execFile);
/** Size at which the private server rotates its audit log (see serverArgs). */
const AUDIT_ROTATE_BYTES = 64 * 1024 * 1024;

export interface PrivateMariadbOptions {
  /** Its home: `<dataDir>/mariadb` (data, socket, pid, error log, audit log). */
  dir: string;
  /** root's password; without it root keeps what it has (empty after the first start). */
  masterPassword?: string;
  log?: CaptureLog;
  /** TCP port on 127.0.0.1; default: the port of the last start if free, else a free one. */
  port?: number;
  /** Where to look for mariadbd (tests). */
  binaries?: BinarySearch;
  /** How long mariadbd may take to become ready (default 60 s). */
  startTimeoutMs?: number;
}

/** A running private MariaDB server with the audit plugin writing to `auditLogPath`. */
export interface PrivateMariadb {
  host: string;
  port: number;
  socket: string;
  user: string;
  /** root's password as given now; `undefined` when it was set on an earlier start and not given again. */
  password: string | undefined;
  auditLogPath: string;
  /** The emulator's own account (Aurora's `rdsadmin`), for the capture's session. */
  housekeeping: MysqlConnectionOptions;
  /** e.g. `10.11.19-MariaDB-0+deb12u1`. */
  version: string;
  /** Shuts mariadbd down (SIGTERM, clean InnoDB shutdown); idempotent. */
  stop(): Promise<void>;
}

/** mariadbd started but `server_audit` is not active: the capture would see nothing. */
export class MariadbAuditPluginMissingError extends Error {
  readonly code = 'MARIADB_AUDIT_PLUGIN_MISSING';
  constructor() {
    super('mariadbd started without the server_audit plugin (server_audit.so is not in its plugin directory); install a MariaDB build that ships it (Debian/Ubuntu mariadb-server, Homebrew mariadb).');
    this.name = 'MariadbAuditPluginMissingError';
  }
}

/** mariadbd exited or did not become ready; the message carries the end of its error log. */
export class MariadbStartError extends Error {
  readonly code = 'MARIADB_START_FAILED';
  constructor(message: string, readonly portInUse = false) {
    super(message);
    this.name = 'MariadbStartError';
  }
}

interface SetupState {
  initialised: true;
  port: number;
  rootPasswordSet: boolean;
}

/**
 * Runs mariadbd in the background and keeps it tied to this process: the shell that starts it
 * holds our stdin pipe, and when the pipe closes (stop, exit, crash or SIGKILL of the emulator)
 * it sends mariadbd SIGTERM. SIGINT/SIGTERM/SIGHUP sent to the shell do the same.
 */
export const SUPERVISOR_SCRIPT = [
  'exec 3<&0',
  '"$@" </dev/null >/dev/null 2>&1 &',
  'child=$!',
  '( read -r _ <&3; kill -TERM "$child" 2>/dev/null ) &',
  'watcher=$!',
  `trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP`,
  'status=0',
  'while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done',
  'kill "$watcher" 2>/dev/null',
  'exit $status',
].join('\n');

/** The mariadbd command line of the private server (mariadb-audit.md). */
export function serverArgs(p: {
  dataDir: string;
  socket: string;
  pidFile: string;
  errorLog: string;
  auditLogPath: string;
  port: number;
  asRoot: boolean;
}): string[] {
  return [
    '--no-defaults',
    `--datadir=${p.dataDir}`,
    `--socket=${p.socket}`,
    `--port=${p.port}`,
    '--bind-address=127.0.0.1',
    ...(p.asRoot ? ['--user=root'] : []),
    `--pid-file=${p.pidFile}`,
    `--log-error=${p.errorLog}`,
    '--skip-name-resolve',
    '--query-cache-size=0',
    // Aurora MySQL 3 defaults to utf8mb4; MariaDB without a config file would use latin1.
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
    '--plugin-load-add=server_audit',
    '--server-audit-logging=ON',
    '--server-audit-events=CONNECT,QUERY,TABLE',
    '--server-audit-output-type=file',
    `--server-audit-file-path=${p.auditLogPath}`,
    // 1 MB rotated ~4×/s under TPC-C and each rotation costs the tail a directory listing and
    // a reopen; 64 MB rotates about every 15 s at that rate, and 2 old files bound the disk to 192 MB.
    `--server-audit-file-rotate-size=${AUDIT_ROTATE_BYTES}`,
    '--server-audit-file-rotations=2',
    // DAS carries the whole statement; the plugin's default cuts it at 1 KiB.
    '--server-audit-query-log-limit=65536',
  ];
}

/** The files of a private server under its directory. */
export function privateLayout(dir: string) {
  const runDir = join(dir, 'run');
  return {
    dataDir: join(dir, 'data'),
    runDir,
    auditDir: join(dir, 'audit'),
    errorLog: join(dir, 'error.log'),
    pidFile: join(runDir, 'mysqld.pid'),
    setupFile: join(dir, 'setup.json'),
    secretFile: join(dir, 'rdsadmin.secret'),
    socket: socketPathFor(dir),
    auditLogPath: join(dir, 'audit', 'server_audit.log'),
  };
}

/** Unix socket paths are limited to ~104 bytes: a deep data directory gets one in the temp dir. */
function socketPathFor(dir: string): string {
  const inDir = join(dir, 'run', 'mysqld.sock');
  if (Buffer.byteLength(inDir) <= 100) return inDir;
  return join(tmpdir(), `das-mariadb-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}.sock`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function readSetup(path: string): Promise<SetupState | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as SetupState;
    return parsed.initialised === true ? parsed : undefined;
  } catch {
    return undefined;
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function readFrom(path: string, offset: number): Promise<string> {
  const handle = await open(path, 'r').catch(() => null);
  if (handle === null) return '';
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Starts the emulator's own MariaDB: initialised on first start (mariadb-install-db), reused
 * after; `server_audit` loaded with CONNECT, QUERY and TABLE events to `<dir>/audit/server_audit.log`.
 *
 * @throws MariadbNotInstalledError mariadbd is not installed
 * @throws MariadbAuditPluginMissingError the server has no audit plugin
 * @throws MariadbStartError mariadbd did not come up (its error log tail is in the message)
 */
export async function startPrivateMariadb(options: PrivateMariadbOptions): Promise<PrivateMariadb> {
  const log = options.log ?? silentLog;
  const binaries = await locateMariadb(options.binaries);
  const dir = options.dir;
  const { dataDir, runDir, auditDir, errorLog, pidFile, setupFile, secretFile, socket, auditLogPath } = privateLayout(dir);
  for (const d of [dir, runDir, auditDir]) await mkdir(d, { recursive: true, mode: 0o700 });

  await clearStaleServer(pidFile, dataDir, log);
  const setup = await readSetup(setupFile);
  const asRoot = process.getuid?.() === 0;
  if (setup === undefined) {
    // Never initialised, or a first start that did not finish: start from an empty directory.
    await rm(dataDir, { recursive: true, force: true });
    log.info({ code: 'MARIADB_INIT', dir }, 'initialising the private MariaDB');
    await run(binaries.installDb, [
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--skip-test-db',
      '--auth-root-authentication-method=normal',
      ...(asRoot ? ['--user=root'] : []),
    ], { env: { ...process.env, UMASK: '0600', UMASK_DIR: '0700' } });
  }

  let child: ChildProcess | null = null;
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = options.port ?? (attempt === 1 && setup !== undefined && (await isPortFree(setup.port)) ? setup.port : await freePort());
    const args = serverArgs({ dataDir, socket, pidFile, errorLog, auditLogPath, port, asRoot });
    const logOffset = await fileSize(errorLog);
    // TZ=UTC: Aurora runs in UTC, and the audit log's local times are then UTC too.
    const started = spawn('sh', ['-c', SUPERVISOR_SCRIPT, 'das-mariadbd', binaries.mariadbd, ...args], {
      stdio: ['pipe', 'ignore', 'ignore'],
      // mariadbd sets its own file modes (0660 by default): its data, logs and audit log hold SQL text.
      env: { ...process.env, TZ: 'UTC', UMASK: '0600', UMASK_DIR: '0700' },
    });
    try {
      await waitUntilReady(started, errorLog, logOffset, options.startTimeoutMs ?? 60_000);
      child = started;
      break;
    } catch (error) {
      await stopChild(started, pidFile);
      if (error instanceof MariadbStartError && error.portInUse && options.port === undefined && attempt < 3) continue;
      throw error;
    }
  }
  const supervisor = child;

  try {
    let rdsadminPassword: string;
    if (setup === undefined) {
      rdsadminPassword = randomBytes(18).toString('base64url');
      const root = await mysql.createConnection({ socketPath: socket, user: 'root', password: '' });
      try {
        await root.query("CREATE USER IF NOT EXISTS 'rdsadmin'@'localhost' IDENTIFIED BY ?", [rdsadminPassword]);
        await root.query("GRANT ALL PRIVILEGES ON *.* TO 'rdsadmin'@'localhost' WITH GRANT OPTION");
      } finally {
        await root.end();
      }
      await writeFileAtomic(secretFile, rdsadminPassword, 0o600);
    } else {
      rdsadminPassword = (await readFile(secretFile, 'utf8')).trim();
    }
    const housekeeping: MysqlConnectionOptions = { socketPath: socket, user: 'rdsadmin', password: rdsadminPassword };
    const admin = await mysql.createConnection({ socketPath: housekeeping.socketPath, user: 'rdsadmin', password: rdsadminPassword });
    let version: string;
    try {
      const [plugins] = await admin.query<RowDataPacket[]>("SELECT PLUGIN_STATUS AS status FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'SERVER_AUDIT'");
      if (plugins[0]?.status !== 'ACTIVE') throw new MariadbAuditPluginMissingError();
      if (options.masterPassword !== undefined) {
        // Host-name accounts are unusable under --skip-name-resolve; the loopback ones are root.
        for (const host of ['localhost', '127.0.0.1', '::1']) {
          await admin.query('ALTER USER IF EXISTS ?@? IDENTIFIED BY ?', ['root', host, options.masterPassword]);
        }
      }
      const [rows] = await admin.query<RowDataPacket[]>('SELECT VERSION() AS version');
      version = String(rows[0]?.version ?? '');
    } finally {
      await admin.end();
    }
    const rootPasswordSet = (setup?.rootPasswordSet ?? false) || options.masterPassword !== undefined;
    await writeFileAtomic(setupFile, JSON.stringify({ initialised: true, port, rootPasswordSet } satisfies SetupState), 0o600);
    if (options.masterPassword === undefined && setup?.rootPasswordSet === true) {
      log.warn({ code: 'MARIADB_ROOT_PASSWORD_KEPT' }, 'root keeps the password set on an earlier start; pass --master-password to use or change it');
    }
    log.info({ code: 'MARIADB_READY', port, socket }, 'private MariaDB ready');

    let stopping: Promise<void> | null = null;
    return {
      host: '127.0.0.1',
      port,
      socket,
      user: 'root',
      password: options.masterPassword ?? (rootPasswordSet ? undefined : ''),
      auditLogPath,
      housekeeping,
      version,
      stop() {
        stopping ??= stopChild(supervisor, pidFile).then(() => log.info({ code: 'MARIADB_STOPPED' }, 'private MariaDB stopped'));
        return stopping;
      },
    };
  } catch (error) {
    await stopChild(supervisor, pidFile);
    throw error;
  }
}

/** Waits for "ready for connections" in the error log written since `offset`, or for an exit. */
async function waitUntilReady(child: ChildProcess, errorLog: string, offset: number, timeoutMs: number): Promise<void> {
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFrom(errorLog, offset);
    if (/ready for connections/.test(text)) return;
    if (exited || Date.now() > deadline) {
      const tail = text.split('\n').filter((line) => /ERROR|error/.test(line)).slice(-5).join('\n');
      throw new MariadbStartError(
        `${exited ? 'mariadbd exited during start' : 'mariadbd did not become ready in time'}${tail === '' ? '' : `:\n${tail}`}\n(see ${errorLog})`,
        /Address already in use|Can't start server: Bind on TCP\/IP port/.test(text),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Closes the supervisor's pipe (mariadbd gets SIGTERM) and waits for a clean shutdown. */
async function stopChild(child: ChildProcess, pidFile: string): Promise<void> {
  const serverPid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin?.end();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 60_000))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      if (serverPid > 0 && isAlive(serverPid)) process.kill(serverPid, 'SIGKILL');
      child.kill('SIGKILL');
    }
  }
  if (serverPid > 0) await waitForExit(serverPid, 5000);
}
