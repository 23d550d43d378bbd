import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli.js';
import { makeDataDir, removeDir } from './helpers.js';

const BIN = fileURLToPath(new URL('../dist/bin/das-local.js', import.meta.url));

describe('das-local command line', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const dir of dirs.splice(0)) await removeDir(dir);
  });

  it('parses flags and environment into options', () => {
    expect(parseCli(['--port', '0', '--data-dir', '/tmp/x', '--synthetic', '--synthetic-rate', '50'], { AWS_REGION: 'eu-west-1' })).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      dataDir: '/tmp/x',
      region: 'eu-west-1',
      source: 'synthetic',
      syntheticRate: 50,
    });
    expect(parseCli([], {})).toMatchObject({ port: 4566, dataDir: '.das-local', region: 'us-east-1', source: 'mariadb' });
    expect(() => parseCli(['--port', '99999'], {})).toThrow(/--port/);
    expect(() => parseCli(['--source', 'magic'], {})).toThrow(/--source/);
    expect(() => parseCli(['--bogus'], {})).toThrow();
    expect(parseCli(['--help'], {})).toBe('help');
  });

  it('takes --capture-priority as a nice value or inline', () => {
    expect(parseCli(['--capture-priority', '10'], {})).toMatchObject({ capturePriority: 10 });
    expect(parseCli(['--capture-priority', 'inline'], {})).toMatchObject({ capturePriority: 'inline' });
    expect(parseCli([], {})).not.toHaveProperty('capturePriority');
    expect(() => parseCli(['--capture-priority', '20'], {})).toThrow(/--capture-priority/);
    expect(() => parseCli(['--capture-priority', 'low'], {})).toThrow(/--capture-priority/);
  });

  it('takes --allow-host names, repeatable, and refuses a name with a port', () => {
    expect(parseCli(['--allow-host', 'my-box.lan', '--allow-host', '192.168.1.20'], {})).toMatchObject({ allowedHosts: ['my-box.lan', '192.168.1.20'] });
    expect(parseCli([], {})).toMatchObject({ allowedHosts: [] });
    expect(() => parseCli(['--allow-host', 'my-box.lan:4566'], {})).toThrow(/--allow-host/);
  });

  it('prints its port with --port 0, answers /health and exits cleanly on SIGTERM', async () => {
    expect(existsSync(BIN), `build first: ${BIN}`).toBe(true);
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const child = spawn(process.execPath, [BIN, '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.on('exit', (code) => reject(new Error(`das-local exited early (${code}): ${out}`)));
    });
    expect(port).toBeGreaterThan(0);
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string; services: string[] };
    expect(health.status).toBe('ok');
    expect(health.services).toEqual(expect.arrayContaining(['kms', 'kinesis', 'rds']));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    // The state it wrote (keys, streams) is readable by its user only.
    const written = (await readdir(dataDir, { recursive: true })).map((entry) => join(dataDir, String(entry)));
    expect(written.length).toBeGreaterThan(0);
    for (const path of written) expect((await stat(path)).mode & 0o077, path).toBe(0);
  });
});
