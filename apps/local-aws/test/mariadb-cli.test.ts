import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import mysql from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli.js';
import { isAlive, waitForExit } from '../src/mariadb/stale-server.js';
import { makeDataDir, removeDir, sdkClients } from './helpers.js';

const BIN = fileURLToPath(new URL('../dist/bin/das-local.js', import.meta.url));

describe('das-local --source mariadb', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const dir of dirs.splice(0)) await removeDir(dir);
  });

  it('reads the MariaDB flags', () => {
    expect(parseCli(['--source', 'mariadb', '--master-password', 'pw'], {})).toMatchObject({ source: 'mariadb', masterPassword: 'pw' });
    expect(parseCli(['--mysql-url', 'mysql://u:p@db:3307', '--audit-log', '/var/log/audit.log'], {})).toMatchObject({
      source: 'mariadb',
      mysqlUrl: 'mysql://u:p@db:3307',
      auditLog: '/var/log/audit.log',
    });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`serves the cluster endpoint from its own mariadbd and stops it on ${signal}`, async () => {
      expect(existsSync(BIN), `build first: ${BIN}`).toBe(true);
      const dataDir = await makeDataDir();
      dirs.push(dataDir);
      const child = spawn(process.execPath, [BIN, '--port', '0', '--data-dir', dataDir, '--source', 'mariadb', '--master-password', 'cli-pass'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
          if (match) resolve(Number(match[1]));
        });
        child.on('exit', (code) => reject(new Error(`das-local exited early (${code}): ${out}`)));
      });
      const cluster = (await sdkClients(`http://127.0.0.1:${port}`).rds.send(new DescribeDBClustersCommand({}))).DBClusters?.[0];
      const db = await mysql.createConnection({ host: cluster?.Endpoint, port: cluster?.Port, user: 'root', password: 'cli-pass' });
      await db.end();
      const serverPid = Number((await readFile(join(dataDir, 'mariadb', 'run', 'mysqld.pid'), 'utf8')).trim());
      expect(isAlive(serverPid)).toBe(true);
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill(signal);
      expect(await exit).toBe(0);
      expect(await waitForExit(serverPid, 10_000)).toBe(true);
      expect(stderr).not.toContain('cli-pass');
    });
  }
});
