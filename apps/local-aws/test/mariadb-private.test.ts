import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateMariadb, MariadbNotInstalledError, startPrivateMariadb, type PrivateMariadb } from '../src/mariadb/index.js';
import { eventually } from '@das/capture/testing';
import { privateLayout, serverArgs, SUPERVISOR_SCRIPT } from '../src/mariadb/private-mariadb.js';
import { isAlive, waitForExit } from '../src/mariadb/stale-server.js';

// The pid files and the supervisor can take a while on a loaded machine.
const waitFor = <T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 20_000) => eventually(probe, what, timeoutMs);

async function serverPid(dir: string): Promise<number> {
  return Number((await readFile(privateLayout(dir).pidFile, 'utf8')).trim());
}

describe('private MariaDB', () => {
  let root: string;
  let dir: string;
  let server: PrivateMariadb | undefined;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'das-mariadb-'));
    dir = join(root, 'mariadb');
    server = await startPrivateMariadb({ dir, masterPassword: 's3cret-Pass' });
  });
  afterAll(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('serves root with the master password on 127.0.0.1 and audits to its audit directory', async () => {
    const s = server as PrivateMariadb;
    expect(s.host).toBe('127.0.0.1');
    expect(s.port).toBeGreaterThan(0);
    expect(s.auditLogPath).toBe(join(dir, 'audit', 'server_audit.log'));
    const db = await mysql.createConnection({ host: s.host, port: s.port, user: 'root', password: 's3cret-Pass' });
    await db.query('CREATE DATABASE persisted_db');
    await db.end();
    await expect(mysql.createConnection({ host: s.host, port: s.port, user: 'root', password: '' })).rejects.toMatchObject({ errno: 1045 });
    const audit = await readFile(s.auditLogPath, 'utf8');
    expect(audit).toMatch(/,root,127\.0\.0\.1,\d+,\d+,QUERY,,'CREATE DATABASE persisted_db',0\n/);
    // The password set for root is masked by the plugin: it never reaches the activity stream.
    expect(audit).toContain('IDENTIFIED BY *****');
    expect(audit).not.toContain('s3cret-Pass');
    expect(audit).toMatch(/,rdsadmin,localhost,/);
  });

  it('stops cleanly and reuses its data on the next start', async () => {
    const pid = await serverPid(dir);
    await (server as PrivateMariadb).stop();
    expect(isAlive(pid)).toBe(false);
    server = await startPrivateMariadb({ dir });
    const s = server;
    expect(s.password).toBeUndefined(); // set earlier, not given again: root keeps it
    const db = await mysql.createConnection({ host: s.host, port: s.port, user: 'root', password: 's3cret-Pass' });
    const [rows] = await db.query("SHOW DATABASES LIKE 'persisted_db'");
    expect(rows).toHaveLength(1);
    await db.end();
  });

  it('stops a mariadbd left running on its data directory by a crashed emulator', async () => {
    const s = server as PrivateMariadb;
    await s.stop();
    // An orphan: the same server, started without our supervisor, as a crash would leave it.
    const layout = privateLayout(dir);
    const { mariadbd } = await locateMariadb();
    const orphan = spawn(mariadbd, serverArgs({ ...layout, port: s.port, asRoot: process.getuid?.() === 0 }), {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, TZ: 'UTC' },
    });
    orphan.unref();
    const orphanPid = orphan.pid as number;
    await waitFor(async () => ((await serverPid(dir).catch(() => 0)) === orphanPid ? true : undefined), 'the orphan pid file');
    // As after a crash: the orphan is up and serving, not half-way through its own start.
    await waitFor(
      async () => {
        const probe = await mysql.createConnection({ host: '127.0.0.1', port: s.port, user: 'root', password: 's3cret-Pass' }).catch(() => undefined);
        await probe?.end();
        return probe === undefined ? undefined : true;
      },
      'the orphan to accept connections',
      60_000,
    );
    server = await startPrivateMariadb({ dir, masterPassword: 's3cret-Pass' });
    expect(isAlive(orphanPid)).toBe(false);
    expect(await serverPid(dir)).not.toBe(orphanPid);
    const db = await mysql.createConnection({ host: server.host, port: server.port, user: 'root', password: 's3cret-Pass' });
    await db.end();
    // Two mariadbd starts and a clean shutdown: slow on a busy 2-core machine.
  }, 120_000);

  it('ignores a pid file whose process is dead', async () => {
    await (server as PrivateMariadb).stop();
    const dead = spawn('true');
    await new Promise((resolve) => dead.once('exit', resolve));
    await writeFile(privateLayout(dir).pidFile, `${dead.pid}\n`);
    server = await startPrivateMariadb({ dir, masterPassword: 's3cret-Pass' });
    expect(await serverPid(dir)).not.toBe(dead.pid);
  });
});

describe('mariadbd supervision', () => {
  it('ends the server when the process that started it dies, even by SIGKILL', async () => {
    // A parent that starts a long-running "server" through the supervisor, then is killed.
    const script = `
      const { spawn } = require('node:child_process');
      const child = spawn('sh', ['-c', ${JSON.stringify(SUPERVISOR_SCRIPT)}, 'sup', 'sleep', '300'], { stdio: ['pipe', 'ignore', 'ignore'] });
      setTimeout(() => { const ps = spawn('sh', ['-c', 'pgrep -P ' + child.pid + ' -x sleep'], { stdio: ['ignore', 'pipe', 'ignore'] });
        ps.stdout.on('data', (d) => process.stdout.write(String(d))); }, 300);
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    parent.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const sleepPid = await waitFor(() => (/^\d+\n/.test(out) ? Number(out.trim()) : undefined), 'the supervised pid', 10_000);
    expect(isAlive(sleepPid)).toBe(true);
    parent.kill('SIGKILL');
    expect(await waitForExit(sleepPid, 10_000)).toBe(true);
  });
});

describe('mariadbd not installed', () => {
  it('says how to install it, with a typed error the CLI maps to exit code 1', async () => {
    const search = { path: '/nonexistent-bin', extraDirs: [] };
    await expect(locateMariadb(search)).rejects.toBeInstanceOf(MariadbNotInstalledError);
    const error = (await startPrivateMariadb({ dir: join(tmpdir(), 'never-created'), binaries: search }).catch((e: unknown) => e)) as MariadbNotInstalledError;
    expect(error.code).toBe('MARIADB_NOT_INSTALLED');
    expect(error.message).toContain('apt-get install mariadb-server');
    expect(error.message).toContain('brew install mariadb');
  });
});
