import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiApp } from '../src/app.js';
import { buildApp } from '../src/app.js';
import { createAwsClients } from '../src/aws-clients.js';
import { AUTH, testConfig } from './helpers.js';

/** A loopback port that nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let app: ApiApp;
beforeAll(async () => {
  const config = testConfig({
    aws: { endpoint: `http://127.0.0.1:${await closedPort()}`, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
  });
  // The real SDK clients, pointed at a dead endpoint.
  app = await buildApp(config, { aws: createAwsClients(config) });
});
afterAll(async () => {
  await app.close();
});

describe('AWS unreachable (real SDK clients, refused connections)', () => {
  it('answers 503 AWS_UNREACHABLE on data routes', async () => {
    for (const url of ['/keys', '/clusters', '/load-runs']) {
      const res = await app.inject({ method: 'GET', url, headers: AUTH });
      expect(res.statusCode, url).toBe(503);
      expect(res.json(), url).toMatchObject({ code: 'AWS_UNREACHABLE' });
    }
  }, 30_000);

  it('says in /readyz that all three failed', async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz', headers: AUTH });
    expect(res.statusCode).toBe(503);
    expect(res.json().failed).toEqual(['kms', 'rds', 'ssm']);
  }, 30_000);
});
