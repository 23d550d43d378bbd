import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startLocalAws, type LocalAws } from '@das/local-aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packApp, runtimeWorkspaces, type PackedApp } from '../src/pack-apps.js';
import { freePort, runToExit, waitFor } from './helpers.js';

const run = promisify(execFile);

/** The production build: packed tarballs installed with `npm install --omit=dev` into an empty directory. */
let out: string;
const installed = new Map<string, PackedApp>();

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'das-deploy-pack-'));
  for (const app of ['api', 'worker'] as const) {
    const packed = await packApp(app, out);
    // The registry is reachable; --prefer-offline takes what the monorepo's install already cached.
    await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: packed.dir, maxBuffer: 16 * 1024 * 1024 });
    installed.set(app, packed);
  }
}, 110_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('runtimeWorkspaces', () => {
  it('follows dependencies, not devDependencies', () => {
    // @das/core's sealing path imports the three addon packages (they load their addons lazily, through @das/native).
    expect(runtimeWorkspaces('worker').sort()).toEqual([
      'apps/worker',
      'packages/aes-gcm',
      'packages/alerts-delivery',
      'packages/contracts',
      'packages/core',
      'packages/deflate',
      'packages/p384',
      'packages/server-kit',
      'tooling/native',
    ]);
    expect(runtimeWorkspaces('api')).not.toContain('apps/local-aws');
  });
});

describe('the packed apps', () => {
  it('hold the apps and their runtime dependencies only', () => {
    for (const packed of installed.values()) {
      expect(existsSync(join(packed.dir, 'node_modules/@das/core/dist/index.js'))).toBe(true);
      for (const devOnly of ['vitest', '@das/local-aws', 'typescript', 'kinesalite']) expect(existsSync(join(packed.dir, 'node_modules', devOnly)), devOnly).toBe(false);
    }
    expect(existsSync(join(installed.get('api')!.dir, 'node_modules/@das/api/src'))).toBe(false);
  });

  it('das-api --help runs with node', async () => {
    const result = await runToExit(join(installed.get('api')!.dir, 'node_modules/@das/api/bin/das-api.js'), ['--help'], {}, 30_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('das-api');
  });

  describe('das-worker against the emulator', () => {
    let aws: LocalAws;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'das-deploy-pack-aws-'));
      aws = await startLocalAws({ port: 0, dataDir });
    });
    afterAll(async () => {
      await aws?.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('starts, answers /healthz and stops on SIGTERM', async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [join(installed.get('worker')!.dir, 'node_modules/@das/worker/bin/das-worker.js')], {
        cwd: installed.get('worker')!.dir,
        env: {
          PATH: process.env.PATH,
          AWS_ENDPOINT_URL: aws.endpoint,
          AWS_REGION: aws.region,
          AWS_ACCESS_KEY_ID: 'pack-test',
          AWS_SECRET_ACCESS_KEY: 'x',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          DAS_TOKEN: 'pack-test-token-0123456789',
          DAS_DATA_DIR: join(dataDir, 'worker-state'),
          DAS_WORKER_PORT: String(port),
          DAS_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      try {
        const status = await waitFor(
          async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status ?? 0,
          (code) => code === 200,
          30_000,
          () => stderr,
        );
        expect(status).toBe(200);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    });
  });
});
