import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The `das-api` bin as users run it: node loads dist/ (turbo's test task builds it first).
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'server.js');

interface Started {
  stdout: string;
  stderr: string;
  url?: string;
  exitCode: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts the bin and resolves once it listens (or exits), within a deadline. */
function startBin(env: Record<string, string | undefined>): Promise<Started> {
  const base = { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' };
  const merged = Object.fromEntries(Object.entries({ ...base, ...env }).filter(([, value]) => value !== undefined)) as Record<string, string>;
  const child = spawn(process.execPath, [BIN], {
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started: Started = {
    stdout: '',
    stderr: '',
    exitCode: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    kill: (signal) => child.kill(signal),
  };
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`das-api did not start: ${started.stdout} ${started.stderr}`));
    }, 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      started.stdout += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(started.stdout);
      if (match && !started.url) {
        started.url = match[1];
        clearTimeout(deadline);
        resolve(started);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      started.stderr += chunk.toString();
    });
    void started.exitCode.then(() => {
      clearTimeout(deadline);
      resolve(started);
    });
  });
}

let dataDir: string;
beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`build @das/api first (missing ${BIN}): npx turbo run build --filter=@das/api`);
  dataDir = await mkdtemp(join(tmpdir(), 'das-api-bin-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('das-api bin', () => {
  it('generates the token once (mode 0600), prints it once, serves, and exits 0 on SIGTERM', async () => {
    const env = { DAS_DATA_DIR: dataDir, DAS_API_PORT: '0', LOG_LEVEL: 'info' };
    const first = await startBin(env);
    expect(first.url).toBeDefined();
    const token = (await readFile(join(dataDir, 'token'), 'utf8')).trim();
    expect(token.length).toBeGreaterThanOrEqual(24);
    expect((await stat(join(dataDir, 'token'))).mode & 0o777).toBe(0o600);
    expect(first.stdout).toContain(token);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${first.url}/keys`)).status).toBe(401);
    const consoleConfig = await fetch(`${first.url}/console-config`).then((res) => res.json());
    expect(consoleConfig).toMatchObject({ region: 'eu-west-1', endpointOverride: false });
    first.kill('SIGTERM');
    expect(await first.exitCode).toBe(0);

    const second = await startBin(env);
    expect(second.url).toBeDefined();
    expect(second.stdout).not.toContain(token);
    second.kill('SIGINT');
    expect(await second.exitCode).toBe(0);
  }, 60_000);

  it('refuses bad configuration with one line per bad variable and exit code 2', async () => {
    const run = await startBin({ DAS_DATA_DIR: dataDir, DAS_API_PORT: 'seventy', AWS_ENDPOINT_URL: 'nope', LOG_LEVEL: 'chatty' });
    expect(await run.exitCode).toBe(2);
    expect(run.url).toBeUndefined();
    for (const name of ['DAS_API_PORT', 'AWS_ENDPOINT_URL', 'LOG_LEVEL']) expect(run.stderr).toContain(name);
    expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/);
  }, 30_000);

  it('refuses to start without a region', async () => {
    const run = await startBin({
      DAS_DATA_DIR: dataDir,
      DAS_API_PORT: '0',
      AWS_REGION: undefined,
      HOME: dataDir,
      AWS_CONFIG_FILE: join(dataDir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'no-credentials'),
    });
    expect(await run.exitCode).toBe(2);
    expect(run.stderr).toContain('AWS_REGION');
  }, 30_000);
});
