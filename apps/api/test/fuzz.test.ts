// The fuzz tier: every route of the API's contract table, hit with hostile paths, queries, headers
// and bodies over real HTTP, with the emulator behind it. FUZZ_SEED replays a failure.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiRoutes } from '@das/contracts';
import { FUZZ_SEED, runFuzzTier } from '@das/http-fuzz';
import { startLocalAws, type LocalAws } from '@das/local-aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ApiApp } from '../src/app.js';
import { testConfig, TEST_TOKEN } from './helpers.js';

let dataDir: string;
let localAws: LocalAws;
let app: ApiApp;
let base: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'das-api-fuzz-'));
  // No database behind the cluster (port 9 refuses) and no instance to run a load on: a request
  // that passes validation reaches AWS and gets AWS's answer, never a real load.
  localAws = await startLocalAws({ port: 0, dataDir: join(dataDir, 'aws'), source: 'none', activityStreamDelayMs: 50, clusterEndpoint: { host: '127.0.0.1', port: 9 } });
  app = await buildApp(
    testConfig({
      aws: { endpoint: localAws.endpoint, region: localAws.region, credentials: { accessKeyId: 'fuzz', secretAccessKey: 'fuzz' } },
      loadInstanceId: 'i-0fuzz0000000000',
      dataDir,
    }),
    { statusPollMs: 100 },
  );
  base = await app.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await localAws?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the API under generated hostile requests', () => {
  it(`answers every route without a 5xx and with the error body on every 4xx (seed ${FUZZ_SEED})`, { timeout: 90_000 }, async () => {
    // Readiness reports unavailable AWS services as 503: runFuzzTier allows that one 5xx.
    const report = await runFuzzTier('API', { baseUrl: base, token: TEST_TOKEN, routes: apiRoutes });
    expect(report.requests).toBeGreaterThan(300);
  });
});
