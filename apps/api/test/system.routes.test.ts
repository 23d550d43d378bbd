import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiApp } from '../src/app.js';
import { AUTH, awsError, buildTestApp, stubAws } from './helpers.js';

let app: ApiApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('/readyz', () => {
  it('is ready when KMS, RDS and SSM answer', async () => {
    const { aws, calls } = stubAws({
      kms: { ListKeys: () => ({ Keys: [] }) },
      rds: { DescribeDBClusters: () => ({ DBClusters: [] }) },
      ssm: { DescribeInstanceInformation: () => ({ InstanceInformationList: [] }) },
    });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'GET', url: '/readyz', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready', failed: [], checks: { kms: { ok: true }, rds: { ok: true }, ssm: { ok: true } } });
    expect(calls.map((c) => c.op).sort()).toEqual(['DescribeDBClusters', 'DescribeInstanceInformation', 'ListKeys']);
  });

  it('answers 503 naming the service that failed or hung', async () => {
    const { aws } = stubAws({
      kms: { ListKeys: () => ({ Keys: [] }) },
      rds: {
        DescribeDBClusters: () => {
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
        },
      },
      ssm: { DescribeInstanceInformation: () => new Promise(() => undefined) },
    });
    // The SSM stub never answers; the stub ignores abort signals, so the budget is what ends the check.
    app = await buildTestApp(aws, {}, { readyTimeoutMs: 100 });
    const res = await app.inject({ method: 'GET', url: '/readyz', headers: AUTH });
    expect(res.statusCode).toBe(503);
    const body = res.json();
    expect(body.status).toBe('unavailable');
    expect(body.failed).toEqual(['rds', 'ssm']);
    expect(body.checks.rds).toMatchObject({ ok: false, code: 'ECONNREFUSED' });
    expect(body.checks.ssm).toMatchObject({ ok: false, code: 'TIMEOUT' });
  });

  it('reports access denied as a failed check', async () => {
    const denied = () => {
      throw awsError('AccessDeniedException', 400);
    };
    const { aws } = stubAws({ kms: { ListKeys: denied }, rds: { DescribeDBClusters: denied }, ssm: { DescribeInstanceInformation: denied } });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'GET', url: '/readyz', headers: AUTH });
    expect(res.statusCode).toBe(503);
    expect(res.json().failed).toEqual(['kms', 'rds', 'ssm']);
  });
});

describe('request ids', () => {
  it('answers with a request id, keeping the caller\'s x-request-id', async () => {
    const { aws } = stubAws();
    app = await buildTestApp(aws);
    const fresh = await app.inject({ method: 'GET', url: '/healthz' });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-42' } });
    expect(kept.headers['x-request-id']).toBe('trace-42');
    const hostile = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': `a\u001b[31m${'x'.repeat(300)}` } });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('/console-config and the OpenAPI document', () => {
  it('tells the console where the worker is and whether an emulator is behind the API', async () => {
    const { aws } = stubAws();
    // Port 9 (discard) refuses: no emulator answers `/health`, so no stream source is named.
    app = await buildTestApp(aws, { workerUrl: 'https://worker.example.com', aws: { endpoint: 'http://127.0.0.1:9' } });
    const res = await app.inject({ method: 'GET', url: '/console-config' });
    expect(res.json()).toEqual({ workerUrl: 'https://worker.example.com', apiVersion: '1', region: 'eu-west-1', endpointOverride: true });
  });

  it('documents every route with its schemas and the bearer scheme', async () => {
    const { aws } = stubAws();
    app = await buildTestApp(aws);
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/clusters',
        '/clusters/{id}',
        '/clusters/{id}/activity-stream',
        '/clusters/{id}/status-events',
        '/console-config',
        '/healthz',
        '/keys',
        '/keys/{keyId}',
        '/keys/{keyId}/cancel-deletion',
        '/load-runs',
        '/load-runs/{id}',
        '/readyz',
        '/stream-cost',
      ].sort(),
    );
    const createKey = doc.paths['/keys'].post;
    expect(createKey.requestBody.content['application/json'].schema.required).toEqual(['alias']);
    expect(Object.keys(createKey.responses)).toEqual(expect.arrayContaining(['201', '4XX', '5XX']));
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    expect(createKey.requestBody.required).toBe(true);
    expect(doc.paths['/keys/{keyId}'].delete.requestBody.required).toBe(false);
    expect(doc.paths['/clusters/{id}/activity-stream'].delete.requestBody.required).toBe(false);
    expect(doc.paths['/clusters/{id}/status-events'].get.responses['200'].content['text/event-stream']).toBeDefined();
  });
});

describe('/stream-cost', () => {
  let emulator: Server | undefined;
  afterEach(async () => {
    emulator?.closeAllConnections(); // fetch keeps its connection alive
    await new Promise<void>((resolve) => (emulator === undefined ? resolve() : emulator.close(() => resolve())));
    emulator = undefined;
  });

  /** A stand-in for das-local answering `/health` with `body`. */
  async function fakeEmulator(body: unknown): Promise<string> {
    emulator = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
    await new Promise<void>((resolve) => emulator?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(emulator.address() as AddressInfo).port}`;
  }

  it("passes on what das-local's /health says the capture costs, per cluster", async () => {
    const cost = { state: 'running', eventsPerSecond: 5200.5, cpuPercent: 3.1, cpuMicrosPerEvent: 5.9, cpuMicros: 120000 };
    const endpoint = await fakeEmulator({ status: 'ok', source: 'mariadb', captureCost: { 'my-cluster': cost } });
    app = await buildTestApp(stubAws().aws, { aws: { endpoint } });
    const res = await app.inject({ method: 'GET', url: '/stream-cost', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ clusters: { 'my-cluster': cost } });
  });

  it('passes on which code seals the records, and drops a sealing that is not the contract', async () => {
    const cost = { state: 'running', eventsPerSecond: 10, cpuPercent: 1, cpuMicrosPerEvent: 5, cpuMicros: 100 };
    const sealing = { signer: 'native', gzip: 'zlib', frames: 'native' };
    let endpoint = await fakeEmulator({ status: 'ok', captureCost: { c: cost }, captureSealing: sealing });
    app = await buildTestApp(stubAws().aws, { aws: { endpoint } });
    expect((await app.inject({ method: 'GET', url: '/stream-cost', headers: AUTH })).json()).toEqual({ clusters: { c: cost }, sealing });
    await app.close();
    await new Promise<void>((resolve) => (emulator === undefined ? resolve() : emulator.close(() => resolve())));
    endpoint = await fakeEmulator({ status: 'ok', captureCost: { c: cost }, captureSealing: { signer: 'magic', gzip: 'zlib', frames: 'native' } });
    app = await buildTestApp(stubAws().aws, { aws: { endpoint } });
    expect((await app.inject({ method: 'GET', url: '/stream-cost', headers: AUTH })).json()).toEqual({ clusters: { c: cost } });
  });

  it('is empty without an emulator, or when its answer is not the contract', async () => {
    app = await buildTestApp(stubAws().aws);
    expect((await app.inject({ method: 'GET', url: '/stream-cost', headers: AUTH })).json()).toEqual({ clusters: {} });
    await app.close();
    const endpoint = await fakeEmulator({ status: 'ok', captureCost: { 'my-cluster': { state: 'running', cpuPercent: 'lots' } } });
    app = await buildTestApp(stubAws().aws, { aws: { endpoint } });
    expect((await app.inject({ method: 'GET', url: '/stream-cost', headers: AUTH })).json()).toEqual({ clusters: {} });
  });

  it('needs the bearer token', async () => {
    app = await buildTestApp(stubAws().aws);
    expect((await app.inject({ method: 'GET', url: '/stream-cost' })).statusCode).toBe(401);
  });
});
