import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepare } from '../src/index.js';
import { dropDatabase, sql, uniqueDatabase } from './helpers.js';

const BIN = fileURLToPath(new URL('../dist/bin/das-tpcc.js', import.meta.url));
const conn = uniqueDatabase('tpcc_cli');
const connArgs = ['--host', conn.host!, '--port', String(conn.port), '--user', conn.user!, '--database', conn.database];

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns the built CLI; `onLine` sees stdout lines as they come (and may signal the child). */
function cli(args: string[], onLine?: (line: string, child: ReturnType<typeof spawn>) => void): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MYSQL_PWD: '' } });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      partial += d.toString();
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const l of lines) onLine?.(l, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

function expectOneLineError(r: Exit, pattern: RegExp): void {
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^das-tpcc: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('das-tpcc CLI (built)', () => {
  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error(`build @das/tpcc first (missing ${BIN})`);
    await prepare(conn, { warehouses: 1 });
  }, 120_000);

  afterAll(async () => {
    await dropDatabase(conn.database);
  });

  it('prepare on a loaded database adds nothing and says so', async () => {
    const r = await cli(['prepare', ...connArgs, '--warehouses', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^loaded warehouses=1 rows=\d+ units=0 skipped=41 /m);
  });

  it('--json prints one parseable object per line, ending with the result', async () => {
    const r = await cli(['run', ...connArgs, '--threads', '2', '--duration', '2', '--report-interval', '1', '--json']);
    expect(r.code).toBe(0);
    const objects = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; tpmC?: number });
    expect(objects.filter((o) => o.type === 'progress').length).toBeGreaterThanOrEqual(1);
    expect(objects.at(-1)).toMatchObject({ type: 'result', cancelled: false });
    expect(objects.at(-1)!.tpmC).toBeGreaterThan(0);
  }, 30_000);

  it('SIGINT mid-run stops it gracefully and check passes afterwards', async () => {
    let signalled = false;
    const r = await cli(['run', ...connArgs, '--threads', '4', '--duration', '60', '--report-interval', '1'], (line, child) => {
      if (!signalled && line.startsWith('progress ')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    expect(signalled).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/^progress elapsed=\d+s\/60s pct=\d+ tpmC=\d+ tps=[\d.]+ newOrder=/m);
    expect(r.stdout).toMatch(/^result .*cancelled=true/m);
    const checked = await cli(['check', ...connArgs]);
    expect(checked.stdout).toMatch(/^check ok=true/m);
    expect(checked.code).toBe(0);
  }, 60_000);

  it('check exits non-zero on a violation', async () => {
    await sql(conn.database, 'UPDATE district SET d_next_o_id = d_next_o_id + 1 WHERE d_w_id = 1 AND d_id = 3');
    try {
      const r = await cli(['check', ...connArgs]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^check id=2 ok=false/m);
    } finally {
      await sql(conn.database, 'UPDATE district SET d_next_o_id = d_next_o_id - 1 WHERE d_w_id = 1 AND d_id = 3');
    }
  });

  it('a wrong port is a one-line error', async () => {
    expectOneLineError(await cli(['run', '--host', '127.0.0.1', '--port', '1', '--database', conn.database]), /connection refused \(ECONNREFUSED\)$/);
  });

  it('a wrong password is a one-line error that does not echo the password', async () => {
    const r = await cli(['check', '--url', `mysql://root:not-the-pw-42@127.0.0.1:3306/${conn.database}`]);
    expectOneLineError(r, /access denied .*\(ER_ACCESS_DENIED_ERROR\)$/);
    expect(r.stderr + r.stdout).not.toContain('not-the-pw-42');
  });

  it('a missing schema is a one-line error', async () => {
    expectOneLineError(await cli(['run', ...connArgs.slice(0, -1), `${conn.database}_none`, '--duration', '1']), /prepare.*\(TPCC_SCHEMA_MISSING\)$/);
  });

  it('cleanup drops the schema', async () => {
    const scratch = uniqueDatabase('tpcc_cli_drop');
    await sql('mysql', `CREATE DATABASE \`${scratch.database}\``);
    await sql(scratch.database, 'CREATE TABLE warehouse (w_id INT PRIMARY KEY)');
    const r = await cli(['cleanup', '--url', `mysql://root@127.0.0.1:3306/${scratch.database}`]);
    expect(r.code).toBe(0);
    const again = await cli(['check', '--url', `mysql://root@127.0.0.1:3306/${scratch.database}`]);
    expectOneLineError(again, /does not exist.*\(TPCC_SCHEMA_MISSING\)$/);
  });
});
