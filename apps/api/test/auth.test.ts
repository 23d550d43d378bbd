import { apiRoutes } from '@das/contracts';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiApp } from '../src/app.js';
import { AUTH, buildTestApp, stubAws } from './helpers.js';

const concrete = (path: string) =>
  path.replace(':keyId', 'k-1').replace(':id/', 'c1/').replace(/:id$/, path.startsWith('/load-runs') ? '0b5c3a2e-1d2f-4a3b-9c8d-7e6f5a4b3c2d' : 'c1');

const routes = Object.entries(apiRoutes).map(([name, route]) => ({ name, ...route, url: concrete(route.path) }));

let app: ApiApp;
let consoleDir: string;
beforeAll(async () => {
  consoleDir = await mkdtemp(join(tmpdir(), 'das-console-'));
  await writeFile(join(consoleDir, 'index.html'), '<!doctype html><title>DAS console</title>');
  await mkdir(join(consoleDir, 'assets'));
  await writeFile(join(consoleDir, 'assets', 'app.js'), 'console.log("das")');
  // Every AWS call fails loudly: the auth tests only care whether the request got past the token check.
  const { aws } = stubAws();
  app = await buildTestApp(aws, { consoleDir });
});
afterAll(async () => {
  await app.close();
  await rm(consoleDir, { recursive: true, force: true });
});

describe('bearer token', () => {
  it.each(routes.filter((r) => r.auth))('$method $path: 401 without a token, 401 with a wrong one, through with the right one', async (route) => {
    const method = route.method;
    const payload = 'body' in route ? {} : undefined;
    const missing = await app.inject({ method, url: route.url, payload });
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toEqual({ code: 'UNAUTHENTICATED', message: expect.stringContaining('bearer token') });
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);

    const wrong = await app.inject({ method, url: route.url, payload, headers: { authorization: 'Bearer not-the-token-at-all' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().message).toBe('the token is wrong');

    const basic = await app.inject({ method, url: route.url, payload, headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.statusCode).toBe(401);

    const right = await app.inject({ method, url: route.url, payload, headers: AUTH });
    expect(right.statusCode).not.toBe(401);
  });

  it('leaves /healthz, /console-config, /openapi.json, /docs and the console files public', async () => {
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect([health.statusCode, health.json()]).toEqual([200, { status: 'ok' }]);
    const config = await app.inject({ method: 'GET', url: '/console-config' });
    expect(config.json()).toEqual({ workerUrl: 'http://127.0.0.1:7401', apiVersion: '1', region: 'eu-west-1', endpointOverride: false });
    expect((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/docs/static/swagger-ui.css' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/docsx' })).statusCode).toBe(401);
    const index = await app.inject({ method: 'GET', url: '/' });
    expect([index.statusCode, index.body]).toEqual([200, '<!doctype html><title>DAS console</title>']);
    const asset = await app.inject({ method: 'GET', url: '/assets/app.js' });
    expect([asset.statusCode, asset.body]).toEqual([200, 'console.log("das")']);
  });

  it('keeps unknown paths behind the token and answers 404 in the error shape with it', async () => {
    expect((await app.inject({ method: 'GET', url: '/secret-stuff' })).statusCode).toBe(401);
    const res = await app.inject({ method: 'GET', url: '/assets/../../etc/passwd', headers: AUTH });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });
});

describe('CORS', () => {
  it('allows the console origins and no others', async () => {
    const allowed = await app.inject({
      method: 'OPTIONS',
      url: '/keys',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173');
    const foreign = await app.inject({ method: 'GET', url: '/keys', headers: { origin: 'https://evil.example.com', ...AUTH } });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });
});
